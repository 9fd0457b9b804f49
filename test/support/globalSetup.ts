/**
 * Runs once before all tests: builds the embedded database launcher (cached by its sources),
 * and makes this run's directory for sharing the trained understanding model (nluCache.ts).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDevDbBinary } from '../../src/db/devdb';
import { NLU_CACHE_ENV } from './nluCache';

export default async function globalSetup(): Promise<void> {
  process.env[NLU_CACHE_ENV] = mkdtempSync(path.join(os.tmpdir(), 'gbv-nlu-'));
  await ensureDevDbBinary();
}
