/**
 * `npm run content:check`: validate flows and content, print errors and warnings with file
 * and node/key, the coverage of each non-default language; exit non-zero only on errors.
 */
import path from 'node:path';
import { checkContent, formatIssue } from '../flowset';

function main(): void {
  // dist/src/cli/contentCheck.js → repository root; CONTENT_ROOT overrides it (fixtures).
  const root = process.env.CONTENT_ROOT ?? path.resolve(__dirname, '../../..');
  const { errors, warnings, coverage } = checkContent(root);
  for (const w of warnings) console.log(`warning: ${formatIssue(w)}`);
  for (const e of errors) console.log(`error: ${formatIssue(e)}`);
  console.log('coverage (share of Vietnamese keys translated):');
  for (const [lang, pct] of Object.entries(coverage)) console.log(`  ${lang}: ${pct}%`);
  console.log(`${errors.length} error(s), ${warnings.length} warning(s)`);
  process.exitCode = errors.length > 0 ? 1 : 0;
}

main();
