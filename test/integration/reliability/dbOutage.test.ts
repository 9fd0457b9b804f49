/**
 * Database outage: with the embedded database stopped mid-run, /readyz turns 503 and
 * webhooks answer 503 (so Telegram redelivers), but a message that reads as danger still
 * gets the emergency numbers, sent from memory. When the database comes back, processing
 * resumes by itself, with no restart, and the redelivered update is answered.
 */
import request from 'supertest';
import { startDevDb } from '../../../src/db/devdb';
import { tryLock, unlock } from '../../../src/locks';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';

let fake: FakeTelegram;
let svc: Awaited<ReturnType<typeof startTestService>>;
const logs = captureLogs();

beforeAll(async () => {
  fake = await startFakeTelegram();
  svc = await startTestService(telegramEnv(fake.url));
});
afterAll(async () => { await svc.close(); svc.cleanup(); await fake.close(); logs.stop(); });

/** Wait until a count stops changing for a second; returns it. */
async function quiet(count: () => number): Promise<number> {
  let last = -1;
  while (count() !== last) { last = count(); await new Promise((r) => setTimeout(r, 1000)); }
  return last;
}

async function until(pred: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('answers danger from memory during an outage and resumes by itself afterwards', async () => {
  const chat = 777001;
  expect(await postUpdate(svc.url, textUpdate(chat, 'xin chào'))).toBe(200);
  await fake.waitFor(() => fake.sent(chat).length > 0);
  const before = await quiet(() => fake.sent(chat).length);

  const port = svc.db.devdb!.port;
  await svc.db.devdb!.stop();
  await until(async () => (await request(svc.url).get('/readyz')).status === 503);

  const normal = textUpdate(chat, '0');
  expect(await postUpdate(svc.url, normal)).toBe(503);

  const dangerChat = 777002;
  expect(await postUpdate(svc.url, textUpdate(dangerChat, 'cứu em với, chồng em đang cầm dao đòi giết em'))).toBe(503);
  await fake.waitFor(() => fake.sent(dangerChat).some((t) => t.includes('113') && t.includes('115')));
  expect(fake.sent(chat).length).toBe(before); // nothing else was sent while down

  // The database comes back on the same port with the same files.
  const again = await startDevDb({ dataDir: svc.config.dataDir, port });
  try {
    await until(async () => (await request(svc.url).get('/readyz')).status === 200, 30_000);
    // Telegram redelivers the update we refused; now it is processed and answered once.
    expect(await postUpdate(svc.url, normal)).toBe(200);
    await fake.waitFor(() => fake.sent(chat).length > before, 20_000);
    expect(await postUpdate(svc.url, normal)).toBe(200); // a further redelivery is a duplicate
    await new Promise((r) => setTimeout(r, 1000));
    const after = fake.sent(chat).length;
    expect(after).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.sent(chat).length).toBe(after);
    logs.assertAbsent('cầm dao', '777002', '777001');
  } finally {
    await again.stop();
  }
});

it('answers an update accepted just before an outage once the database is back, once', async () => {
  // The database as the first test left it: stopped. Bring it back first.
  const port = svc.db.devdb!.port;
  const first = await startDevDb({ dataDir: svc.config.dataDir, port });
  await until(async () => (await request(svc.url).get('/readyz')).status === 200, 30_000);
  // Control: what a person writing "xin chào" gets when nothing goes wrong.
  const control = 777101;
  expect(await postUpdate(svc.url, textUpdate(control, 'xin chào'))).toBe(200);
  await fake.waitFor(() => fake.sent(control).length > 0);
  const expected = (await quiet(() => fake.sent(control).length), fake.sent(control));

  // The person's lock held elsewhere keeps the update accepted but unprocessed when the database goes.
  const chat = 777102;
  const pid = svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
  const token = await tryLock(`conv:${pid}`, 'test-elsewhere', 120_000);
  expect(token).not.toBeNull();
  expect(await postUpdate(svc.url, textUpdate(chat, 'xin chào'))).toBe(200);
  await first.stop();
  await until(async () => (await request(svc.url).get('/readyz')).status === 503);
  // Its turn fails meanwhile (no database to take the lock from), and it was the person's last message.
  const failedTurn = () => logs.lines.some((l) => l.includes('processing failed; it will be retried') && l.includes(pid));
  const end = Date.now() + 30_000;
  while (!failedTurn() && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  expect(failedTurn()).toBe(true);
  expect(fake.sent(chat)).toEqual([]);

  const again = await startDevDb({ dataDir: svc.config.dataDir, port });
  try {
    await until(async () => (await request(svc.url).get('/readyz')).status === 200, 30_000);
    await unlock(`conv:${pid}`, token!);
    // No new message from the person: the instance retries the update it holds by itself.
    await fake.waitFor(() => fake.sent(chat).length >= expected.length, 30_000);
    await quiet(() => fake.sent(chat).length);
    expect(fake.sent(chat)).toEqual(expected);
  } finally {
    await again.stop();
  }
}, 120_000);
