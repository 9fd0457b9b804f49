/**
 * The real process: `node dist/src/main.js` with no MONGODB_URI starts the embedded
 * database; SIGTERM stops both within 10 s; a SIGKILL of the app leaves no devdb behind.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { buildDist, ROOT } from '../../support/dist';
import { tempDir } from '../../support/service';
import { freePort } from '../../../src/db/devdb';

function devdbPids(dataDir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid,args']).toString();
  return out.split('\n').filter((l) => l.includes('devdb') && l.includes(dataDir)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function startMain(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT, env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, MONGODB_URI: '', NODE_ENV: 'development', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('service did not start')), 30_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready on')) { clearTimeout(t); resolve(); } });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`exited ${code}`)); });
  });
  return child;
}

const waitExit = (c: ChildProcess) => new Promise<number | null>((r) => c.once('exit', (code) => r(code)));

describe('process lifecycle', () => {
  beforeAll(() => buildDist(), 120_000);

  it('stops on SIGTERM within 10 s and leaves no embedded database running', async () => {
    const data = tempDir();
    const port = await freePort();
    const child = await startMain(data.dir, port);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(devdbPids(data.dir)).toHaveLength(1);
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await waitExit(child)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(devdbPids(data.dir)).toHaveLength(0);
    data.cleanup();
  });

  it('leaves no embedded database behind when the app is killed with SIGKILL', async () => {
    const data = tempDir();
    const port = await freePort();
    const child = await startMain(data.dir, port);
    expect(devdbPids(data.dir)).toHaveLength(1);
    child.kill('SIGKILL');
    await waitExit(child);
    let left = devdbPids(data.dir);
    for (let i = 0; i < 40 && left.length; i++) { await new Promise((r) => setTimeout(r, 100)); left = devdbPids(data.dir); }
    expect(left).toHaveLength(0);
    data.cleanup();
  });
});
