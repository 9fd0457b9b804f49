/**
 * Child-process tests run the compiled service (`node dist/src/main.js`), as production
 * does. buildDist() compiles once per test run.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
let built = false;

/** Compile src/ to dist/ (once per jest worker). */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}
