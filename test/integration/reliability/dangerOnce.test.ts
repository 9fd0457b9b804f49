/**
 * Database outage, danger redelivered: the channel redelivers the refused update (Telegram
 * retries a 503), and every delivery reads as danger again. The person gets the emergency
 * numbers from memory once, not once per delivery; another person still gets theirs.
 */
import request from 'supertest';
import { startDevDb } from '../../../src/db/devdb';
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

async function until(pred: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const emergencies = (chat: number) => fake.sent(chat).filter((t) => t.includes('113') && t.includes('115')).length;

it('sends the emergency reply once per person while the same danger message is redelivered during an outage', async () => {
  const port = svc.db.devdb!.port;
  await svc.db.devdb!.stop();
  await until(async () => (await request(svc.url).get('/readyz')).status === 503);

  const chat = 778001;
  const danger = textUpdate(chat, 'cứu em với, chồng em đang cầm dao đòi giết em');
  for (let delivery = 0; delivery < 4; delivery++) expect(await postUpdate(svc.url, danger)).toBe(503);
  // A second danger message of the same person a moment later: still once.
  expect(await postUpdate(svc.url, textUpdate(chat, 'anh ta sắp giết em rồi, cứu với'))).toBe(503);
  const other = 778002;
  expect(await postUpdate(svc.url, textUpdate(other, 'cứu em với, chồng em đang cầm dao đòi giết em'))).toBe(503);

  await fake.waitFor(() => emergencies(chat) > 0 && emergencies(other) > 0);
  await new Promise((r) => setTimeout(r, 1500));
  expect(emergencies(chat)).toBe(1);
  expect(emergencies(other)).toBe(1);

  const again = await startDevDb({ dataDir: svc.config.dataDir, port });
  try {
    await until(async () => (await request(svc.url).get('/readyz')).status === 200, 30_000);
    logs.assertAbsent('cầm dao', '778001', '778002');
  } finally {
    await again.stop();
  }
});
