/**
 * The embedded database dies (kill -9): it is restarted by itself on the same port and files,
 * the service becomes ready again and answers; with restarts off, /healthz fails once the
 * database has been unreachable longer than HEALTHZ_DB_DOWN_SECONDS, so an orchestrator
 * restarts the service instead of leaving it not ready forever.
 */
import request from 'supertest';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { startTestService } from '../../support/service';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';

async function until(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let fake: FakeTelegram;
beforeAll(async () => { fake = await startFakeTelegram(); });
afterAll(async () => { await fake.close(); });

it('restarts the embedded database after kill -9; the service is ready again and answers', async () => {
  const svc = await startTestService(telegramEnv(fake.url));
  try {
    const devdb = svc.db.devdb!;
    const first = devdb.process.pid;
    devdb.process.kill('SIGKILL');
    await until(async () => devdb.restarts === 1, 20_000, 'restart');
    expect(devdb.process.pid).not.toBe(first);
    await until(async () => (await request(svc.url).get('/readyz')).status === 200, 30_000, 'ready again');
    expect((await request(svc.url).get('/healthz')).status).toBe(200);
    expect(await postUpdate(svc.url, textUpdate(880001, 'xin chào'))).toBe(200);
    await fake.waitFor(() => fake.sent(880001).length > 0, 20_000);
  } finally {
    await svc.close();
    svc.cleanup();
  }
});

it('with the database gone for good, /healthz fails after the set time', async () => {
  const svc = await startTestService({ ...telegramEnv(fake.url), DEVDB_MAX_RESTARTS: '0', HEALTHZ_DB_DOWN_SECONDS: '2' });
  try {
    expect((await request(svc.url).get('/healthz')).status).toBe(200);
    svc.db.devdb!.process.kill('SIGKILL');
    await until(async () => (await request(svc.url).get('/readyz')).status === 503, 20_000, 'not ready');
    await until(async () => (await request(svc.url).get('/healthz')).status === 503, 20_000, 'not alive');
  } finally {
    await svc.close();
    svc.cleanup();
  }
});
