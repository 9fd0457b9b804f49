/**
 * `npm run report -- --month YYYY-MM [--format csv|json|text] [--province CODE] [--channel NAME]`
 * (or `--period 2026-H1` / `--period 2026`): prints the same suppressed report as the console,
 * from MONGODB_URI or the embedded database under DATA_DIR.
 * `npm run report -- --rebuild-rollup` recounts the report rollup from every case record
 * (after a restore of `cases`; see docs/reports.md).
 */
import { loadConfig } from '../config';
import { connectDatabase } from '../db/connect';
import { configureLogger } from '../observability/log';
import { liveReport, parseFilters, rebuildRollup, toCsv, toText } from '../reports';

/** Parse `--name value` pairs. */
function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? a.slice(2).split('=', 2) as [string, string] : [a.slice(2), argv[++i] ?? ''];
      out[k] = v;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  if ('rebuild-rollup' in a) return rebuild();
  const period = a.month ?? a.period;
  const format = a.format ?? 'text';
  if (!period || !['csv', 'json', 'text'].includes(format)) {
    process.stderr.write('usage: npm run report -- --month YYYY-MM [--format csv|json|text] [--province CODE] [--channel telegram|zalo|messenger|webchat]\n'
      + '       npm run report -- --rebuild-rollup\n');
    process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  configureLogger({ level: 'error', json: false });
  const filters = parseFilters({ province: a.province, channel: a.channel });
  if (!filters) { process.stderr.write('unknown --province or --channel code\n'); process.exitCode = 2; return; }
  const db = await connectDatabase({ mongoUri: config.mongoUri, dataDir: config.dataDir });
  try {
    const result = await liveReport(period, filters, config.reportMinCell);
    if (!result.ok) { process.stderr.write(`${result.code}: use YYYY-MM, YYYY-H1, YYYY-H2 or YYYY\n`); process.exitCode = 2; return; }
    const r = result.report;
    process.stdout.write(format === 'csv' ? toCsv(r) : format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : toText(r, config.tzReports));
  } finally {
    await db.close();
  }
}

/** Recount the rollup from `cases`; progress on stderr, the result on stdout. */
async function rebuild(): Promise<void> {
  const config = loadConfig();
  configureLogger({ level: 'error', json: false });
  const db = await connectDatabase({ mongoUri: config.mongoUri, dataDir: config.dataDir });
  try {
    const r = await rebuildRollup({ say: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`rollup rebuilt from ${r.cases} cases: ${r.cells} cells\n`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`report failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
