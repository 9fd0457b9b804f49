/**
 * `npm run content:check`: validate flows and content, print errors and warnings with file
 * and node/key, the coverage of each non-default language and the directory report (entries,
 * sourced phones and verified entries per province, with totals); exit non-zero only on errors.
 */
import path from 'node:path';
import { checkContent, formatDirectoryReport, formatIssue } from '../flowset';
import { checkLabels } from '../labels';

function main(): void {
  // dist/src/cli/contentCheck.js → repository root; CONTENT_ROOT overrides it (fixtures).
  const root = process.env.CONTENT_ROOT ?? path.resolve(__dirname, '../../..');
  const { errors: contentErrors, warnings, coverage, directory, topics } = checkContent(root);
  // Every code staff may see has a vi and an en label (content/labels/).
  const errors = [...contentErrors, ...checkLabels(root, topics ?? [])];
  for (const w of warnings) console.log(`warning: ${formatIssue(w)}`);
  for (const e of errors) console.log(`error: ${formatIssue(e)}`);
  console.log('coverage (share of Vietnamese keys translated):');
  for (const [lang, pct] of Object.entries(coverage)) console.log(`  ${lang}: ${pct}%`);
  for (const l of formatDirectoryReport(directory)) console.log(l);
  console.log(`${errors.length} error(s), ${warnings.length} warning(s)`);
  process.exitCode = errors.length > 0 ? 1 : 0;
}

main();
