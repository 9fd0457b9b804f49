/** Runs once after all tests: removes this run's model cache directory (see nluCache.ts). */
import { rmSync } from 'node:fs';
import { NLU_CACHE_ENV } from './nluCache';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[NLU_CACHE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
