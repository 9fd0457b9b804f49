/**
 * Backpressure (issue 16): beyond a bounded backlog an ordinary webhook gets 503 with
 * Retry-After and nothing is stored; the client redelivers, as Telegram does. Danger is
 * always accepted and answered. Nothing is lost: every acknowledged update is answered
 * once, in each person's order (the same replies as an undisturbed chat). The web chat is
 * told to wait a moment, with the text from content (system.busy).
 *
 * The backlog is made to stay full without timing: the load's people have their locks held
 * by a "crashed instance" for a few seconds, so their acknowledged updates wait.
 */
import http from 'node:http';
import { LockModel } from '../../../src/locks/store';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { telegramEnv, TG_SECRET, textUpdate } from '../../support/telegram';
import { ChatClient, clientId } from '../webchat/client';

const SCRIPT = ['xin chào', 'menu', '0', 'menu', '0', '/start'];
const CHATS = 20;
const MAX = 12;

let fake: FakeTelegram;
let svc: Awaited<ReturnType<typeof startTestService>>;
const logs = captureLogs();

beforeAll(async () => {
  fake = await startFakeTelegram();
  svc = await startTestService({ ...telegramEnv(fake.url), TELEGRAM_MAX_PER_SECOND: '1000', INBOX_BACKLOG_MAX: String(MAX), INBOX_RETRY_AFTER_SECONDS: '1' });
}, 120_000);
afterAll(async () => { await svc?.close(); svc?.cleanup(); await fake?.close(); logs.stop(); });

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
/** POST an update; the status and the Retry-After header. */
function post(update: unknown): Promise<{ status: number; retryAfter: string | undefined }> {
  const body = JSON.stringify(update);
  const url = new URL('/webhooks/telegram', svc.url);
  return new Promise((resolve) => {
    const req = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': TG_SECRET },
    }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined })); });
    req.on('error', () => resolve({ status: 0, retryAfter: undefined }));
    req.end(body);
  });
}

/** Deliver like Telegram: until 200, waiting Retry-After (or 1 s) after a refusal. Counts the refusals. */
async function deliver(update: unknown, refusals: { n: number; retryAfter: Set<string> }): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await post(update);
    if (r.status === 200) return;
    refusals.n++;
    if (r.retryAfter) refusals.retryAfter.add(r.retryAfter);
    await new Promise((res) => setTimeout(res, 1000 * Number(r.retryAfter ?? 1)));
  }
  throw new Error('never accepted');
}

async function settled(count: () => number): Promise<void> {
  let last = -1;
  while (count() !== last) { last = count(); await new Promise((r) => setTimeout(r, 1500)); }
}

it('answers 503 with Retry-After beyond the backlog, always accepts danger, and loses nothing', async () => {
  const control = 770000;
  for (const t of SCRIPT) await deliver(textUpdate(control, t), { n: 0, retryAfter: new Set() });
  await settled(() => fake.sent(control).length);
  const expected = fake.sent(control);
  expect(expected.length).toBeGreaterThanOrEqual(SCRIPT.length);

  // The load's people are held by a crashed instance's locks for a while: their updates queue up.
  const chats = Array.from({ length: CHATS }, (_, i) => 771000 + i);
  const until = new Date(Date.now() + 10_000);
  for (const c of chats) {
    const name = `conv:${svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(c) })}`;
    await LockModel.create({ _id: name, name, holder: `conv-crashed-2:dead:${until.getTime()}`, until });
  }
  const refusals = { n: 0, retryAfter: new Set<string>() };
  const load = Promise.all(chats.map(async (c) => { for (const t of SCRIPT) await deliver(textUpdate(c, t), refusals); }));

  const end = Date.now() + 30_000;
  while (!svc.wired.pipeline.backlog.full && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(svc.wired.pipeline.backlog.full).toBe(true);

  // Full: an ordinary update is refused with Retry-After, nothing stored; danger is accepted and answered at once.
  const other = textUpdate(772000, 'menu');
  const refused = await post(other);
  expect(refused).toEqual({ status: 503, retryAfter: '1' });
  const danger = 772001;
  expect((await post(textUpdate(danger, 'cứu em với, chồng em đang cầm dao đòi giết em'))).status).toBe(200);
  await fake.waitFor(() => fake.sent(danger).some((t) => t.includes('113')), 30_000);

  // The web chat is asked to wait a moment, in words from content.
  const web = new ChatClient(svc.url);
  await web.open();
  const busy = await web.post('/send', { id: clientId(), text: 'xin chào' });
  expect(busy.status).toBe(503);
  expect(busy.res.headers.get('retry-after')).toBe('1');
  expect(busy.json).toMatchObject({ error: 'busy' });
  expect(String(busy.json?.message)).toContain('Xin chờ một chút');

  await load;
  await deliver(other, refusals);
  expect(refusals.n).toBeGreaterThan(0);
  expect([...refusals.retryAfter]).toEqual(['1']);

  // Every acknowledged update answered once, in order: each chat got exactly the control's replies.
  await settled(() => fake.calls('sendMessage').length);
  for (const c of chats) expect(fake.sent(c)).toEqual(expected);
  expect(fake.sent(772000).length).toBeGreaterThan(0);
  expect(fake.sent(danger).filter((t) => t.includes('113') && t.includes('115'))).toHaveLength(1);
  expect(svc.wired.pipeline.backlog.size).toBe(0);
  logs.assertAbsent('cầm dao', String(danger));
}, 240_000);
