/**
 * Test harness: start the real service in this process on a fresh embedded database in a
 * temporary directory, with a config built like production's (loadConfig over an env).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Config, loadConfig } from '../../src/config';
import { configureLogger } from '../../src/observability/log';
import { RunningService, startService } from '../../src/server';

/** A fresh temporary data directory, removed by cleanup(). */
export function tempDir(prefix = 'gbv-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Build a test config: port 0, temp data dir, jobs off unless asked, plus overrides. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', JOBS_ENABLED: 'false', ...env });
}

/** Start the service on a fresh embedded database. Stop with svc.close() then cleanup(). */
export async function startTestService(env: Record<string, string> = {}, dataDir?: string): Promise<RunningService & { cleanup(): void }> {
  configureLogger({ level: 'debug', json: true, silent: !process.env.SHOW_LOGS });
  const tmp = dataDir ? { dir: dataDir, cleanup() {} } : tempDir();
  const svc = await startService(testConfig(tmp.dir, env));
  return Object.assign(svc, { cleanup: tmp.cleanup });
}
