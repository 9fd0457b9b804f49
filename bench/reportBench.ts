/**
 * Report benchmark (issue 7) on a fresh embedded database:
 * 1. seed N synthetic cases (insertMany in batches of 10,000) together with exactly what the
 *    rollup folder would leave for them, computed in memory while generating: the rollup
 *    cells, each case's counted contribution, and each pid's head;
 * 2. time buildReport for one month (what the console, the CLI and the snapshot job run:
 *    a catch-up fold, then one read of the rollup cells);
 * 3. time the write path and the folder on a sample: close S cases through the real cases
 *    service (pid lock, head and case by _id, change marker, upsert), then fold the markers;
 * 4. up to 50,000 records, check that the report equals the raw aggregation over `cases`.
 *
 * Run alone: `npm run build && node dist/bench/reportBench.js [records] [sample]`.
 *
 * Experiment, off by default: BENCH_SQLITE_ID_INDEX=1 (needs the `sqlite3` command) adds to
 * each table, after seeding, an SQLite index on the exact expression FerretDB v1 filters
 * `_id` with. Without it, FerretDB's "pushed down" `_id` lookups are table scans inside
 * SQLite (its own `_id` index is on another expression), so every read or write by `_id`
 * costs time in proportion to the collection (docs/reports.md). tools/devdb could add it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import {
  addMonths, AGE_GROUPS, caseKeyOf, CaseDoc, CHANNELS, CONTEXT_FLAGS, createCases, GENDERS, insertCaseHeads, insertCases, OUTCOMES, PROVINCES,
  REFERRAL_CATEGORIES, VIOLENCE_TYPES, waitBucketOf,
} from '../src/cases';
import { ensureIndexes } from '../src/db/connect';
import { seeded } from '../src/engine/seeded';
import { startDevDb } from '../src/db/devdb';
import {
  addContribution, buildReport, buildReportFromCases, CellDeltas, contributionOf, explainCells, foldRollup, insertCells, insertCounted, parsePeriod, trendMonths,
} from '../src/reports';

/** Result of one benchmark run (the first seven fields are what bench/run.ts reads). */
export interface ReportBenchResult {
  records: number;
  month: string;
  seedMs: number;
  reportMs: number;
  casesInMonth: number;
  /** true/false when the plan of the report's read says so; null when the server gives no usable plan. */
  indexesUsed: boolean | null;
  planNote: string;
  /** Rollup cells in the database. */
  cells: number;
  /** The report again, after the sample was folded. */
  reportAgainMs: number;
  /** Sample cases closed through the cases service, and the mean time of one such write. */
  sampleWrites: number;
  writeMsEach: number;
  /** Cases the folder counted again from the sample's change markers, in how long. */
  foldedCases: number;
  foldMs: number;
  foldCasesPerSecond: number;
  /** Report equals the raw aggregation over `cases` (checked up to 50,000 records; null above). */
  exact: boolean | null;
}

/** The month the benchmark reports on; seeded data spreads over the 24 months ending here. */
const MONTH = '2026-03';
const BATCH = 10_000;
const WRITE_BUDGET_MS = 120_000;
const FOLD_BUDGET_MS = 180_000;
const CHECK_UP_TO = 50_000;

function pick<T>(xs: readonly T[], r: number): T {
  return xs[Math.floor(r * xs.length) % xs.length]!;
}


function synthetic(i: number, r: () => number): CaseDoc {
  const month = addMonths(MONTH, -Math.floor(r() * 24));
  const escalated = r() < 0.3;
  const answered = escalated && r() < 0.8;
  const startedAt = new Date(`${month}-10T03:00:00Z`);
  const wait = answered ? Math.floor(r() * 900) : null;
  const pid = `bench-${i % Math.max(1, Math.floor(i * 0.8))}`;
  return {
    _id: caseKeyOf(pid, i), caseId: randomUUID(), pid, seq: i, channel: pick(CHANNELS, r()), language: r() < 0.9 ? 'vi' : 'en',
    month, startedAt, lastEventAt: startedAt, province: r() < 0.8 ? pick(PROVINCES, r()) : null,
    role: pick(['affected', 'helping', 'unknown'] as const, r()), ageGroup: r() < 0.7 ? pick(AGE_GROUPS, r()) : null,
    gender: r() < 0.5 ? pick(GENDERS, r()) : null, violenceTypes: answered ? [pick(VIOLENCE_TYPES, r())] : [],
    contextFlags: answered && r() < 0.5 ? [pick(CONTEXT_FLAGS, r())] : [], perpetratorRelation: null, danger: r() < 0.1,
    escalated, answeredByCounsellor: answered, topics: ['main'], referrals: r() < 0.3 ? [pick(REFERRAL_CATEGORIES, r())] : [],
    outcome: answered ? pick(OUTCOMES.slice(0, 6), r()) : escalated ? 'abandoned' : null, feedback: null,
    waitSeconds: null, waitBucket: null, violenceRecorded: answered, handlingSeconds: answered ? Math.floor(r() * 3600) : null,
    ...(wait === null ? {} : { waitSeconds: wait, waitBucket: waitBucketOf(wait) }),
    returning: r() < 0.2, closed: answered, queuedAt: null, claimedAt: null, abandoned: escalated && !answered, cancelled: false,
  };
}

/** Does a plan (MongoDB or FerretDB explain output) show an index being used? */
function readPlan(plan: Record<string, unknown> | null, cells: number): { used: boolean | null; note: string } {
  if (!plan) return { used: null, note: 'the server gave no plan' };
  if ('filterPushdown' in plan) {
    return { used: false, note: `the report reads the ${cells} rollup cells, not the cases; FerretDB v1 (SQLite) scans that small collection (filterPushdown=${String(plan.filterPushdown)})` };
  }
  if (JSON.stringify(plan).includes('IXSCAN')) return { used: true, note: 'MongoDB plan uses an index scan (IXSCAN)' };
  return { used: false, note: `the report reads the ${cells} rollup cells (COLLSCAN of that small collection)` };
}

/** Seed cases and their rollup; returns the pids to sample (each pid's latest case, spread over the data). */
async function seed(records: number, sample: number, say: (l: string) => void): Promise<{ cells: number; sampled: string[] }> {
  const r = seeded(42);
  const cells: CellDeltas = new Map();
  const heads = new Map<string, number>();
  for (let i = 0; i < records; i += BATCH) {
    const docs: CaseDoc[] = [];
    for (let j = i; j < Math.min(records, i + BATCH); j++) {
      const d = synthetic(j, r);
      docs.push(d);
      heads.set(d.pid, Math.max(heads.get(d.pid) ?? -1, d.seq));
    }
    const counted = docs.map((d) => {
      const c = contributionOf(d);
      addContribution(cells, c, 1);
      return { _id: d._id, cell: c.cell, keys: c.keys };
    });
    await insertCases(docs);
    await insertCounted(counted);
    if ((i / BATCH) % 10 === 9) say(`  report bench: seeded ${i + BATCH} cases`);
  }
  const headDocs = [...heads].map(([pid, seq]) => ({ _id: pid, seq }));
  for (let i = 0; i < headDocs.length; i += BATCH) await insertCaseHeads(headDocs.slice(i, i + BATCH));
  await insertCells(cells, 'seed');
  const every = Math.max(1, Math.floor(headDocs.length / Math.max(1, sample)));
  const sampled = headDocs.filter((_, i) => i % every === 0).slice(0, sample).map((h) => h._id);
  return { cells: cells.size, sampled };
}

/** The experiment above: an index FerretDB's `_id` filter (`_ferretdb_sjson->'$._id' = ?`) can use, on every table. */
function addSqliteIdIndexes(dir: string): void {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sqlite'))) {
    const file = path.join(dir, f);
    const tables = execFileSync('sqlite3', [file, 'SELECT table_name FROM _ferretdb_collections']).toString().split('\n').filter(Boolean);
    for (const t of tables) execFileSync('sqlite3', [file, `CREATE UNIQUE INDEX IF NOT EXISTS "${t}_id_path" ON "${t}" (_ferretdb_sjson->'$._id')`]);
  }
}

/** Close each sampled pid's latest case through the cases service, within a time budget. */
async function writeSample(pids: string[]): Promise<{ writes: number; ms: number }> {
  const cases = createCases({ episodeQuietDays: 7, tzReports: 'Asia/Ho_Chi_Minh' });
  const disposition = { violenceTypes: ['psychological_abuse'], contextFlags: ['online'], perpetratorRelation: 'stranger', referrals: ['legal_aid'], outcome: 'safety_plan' };
  const t0 = performance.now();
  let writes = 0;
  for (const pid of pids) {
    if (performance.now() - t0 > WRITE_BUDGET_MS) break;
    await cases.recordHandoff(pid, { type: 'closed', at: new Date(`${MONTH}-20T03:00:00Z`), disposition });
    writes += 1;
  }
  return { writes, ms: performance.now() - t0 };
}

/** Fold every pending marker, within a time budget. */
async function foldAll(): Promise<{ cases: number; ms: number }> {
  const t0 = performance.now();
  let cases = 0;
  while (performance.now() - t0 < FOLD_BUDGET_MS) {
    const r = await foldRollup();
    cases += r.cases;
    if (r.drained) break;
  }
  return { cases, ms: performance.now() - t0 };
}

/** Seed `records` cases with their rollup on a fresh embedded database, time the report and the folder. */
export async function benchMonthlyReport(opts: { records: number; sample?: number; log?: (line: string) => void }): Promise<ReportBenchResult> {
  const say = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gbv-report-bench-'));
  // Our own connection instead of connectDatabase: no socket timeout, so slow operations on
  // a large embedded database are measured rather than cut off.
  let devdb = await startDevDb({ dataDir: dir });
  const connect = () => mongoose.connect(devdb.uri, { socketTimeoutMS: 0, serverSelectionTimeoutMS: 5000 });
  await connect();
  try {
    await ensureIndexes();
    const t0 = performance.now();
    const { cells, sampled } = await seed(opts.records, opts.sample ?? 2_000, say);
    const seedMs = performance.now() - t0;
    say(`report bench: ${opts.records} cases (+ heads, counted contributions, ${cells} rollup cells) seeded in ${(seedMs / 1000).toFixed(1)} s`);
    if (process.env.BENCH_SQLITE_ID_INDEX === '1') {
      await mongoose.disconnect();
      await devdb.stop();
      addSqliteIdIndexes(dir);
      devdb = await startDevDb({ dataDir: dir });
      await connect();
      say('report bench: EXPERIMENT: SQLite indexes on FerretDB\'s _id expression added to every table');
    }

    const period = parsePeriod(MONTH)!;
    const t1 = performance.now();
    const report = await buildReport(period);
    const reportMs = performance.now() - t1;
    const plan = readPlan(await explainCells([...new Set([MONTH, ...trendMonths(MONTH)])]).catch(() => null), cells);
    say(`report bench: monthly report ${MONTH} (${report.totals.cases} cases in the month) built in ${(reportMs / 1000).toFixed(3)} s (${plan.note})`);

    const w = await writeSample(sampled);
    say(`report bench: ${w.writes} sample cases closed through the cases service, ${(w.ms / Math.max(1, w.writes)).toFixed(1)} ms per write`);
    const f = await foldAll();
    const perSecond = f.cases / Math.max(0.001, f.ms / 1000);
    say(`report bench: folder counted ${f.cases} changed cases in ${(f.ms / 1000).toFixed(2)} s (${perSecond.toFixed(1)} cases/s)`);

    const t2 = performance.now();
    const again = await buildReport(period);
    const reportAgainMs = performance.now() - t2;
    say(`report bench: monthly report again after the fold: ${(reportAgainMs / 1000).toFixed(3)} s`);

    let exact: boolean | null = null;
    if (opts.records <= CHECK_UP_TO) {
      const now = new Date();
      exact = JSON.stringify(await buildReport(period, {}, now)) === JSON.stringify(await buildReportFromCases(period, {}, now));
      say(`report bench: rollup report equals the raw aggregation over cases: ${exact ? 'yes' : 'NO'}`);
    }
    return {
      records: opts.records, month: MONTH, seedMs, reportMs, casesInMonth: again.totals.cases, indexesUsed: plan.used, planNote: plan.note,
      cells, reportAgainMs, sampleWrites: w.writes, writeMsEach: w.ms / Math.max(1, w.writes), foldedCases: f.cases, foldMs: f.ms,
      foldCasesPerSecond: perSecond, exact,
    };
  } finally {
    await mongoose.disconnect().catch(() => undefined);
    await devdb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const sample = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  benchMonthlyReport({ records: Number(process.argv[2] ?? 1_000_000), sample }).catch((err) => {
    process.stderr.write(`report bench failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
