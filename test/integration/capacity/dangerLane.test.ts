/**
 * Danger never waits (issue 16): the emergency reply goes out through the priority lane
 * when the message is received, ahead of a queued backlog of ordinary work and whatever
 * holds the person's lock; the message is then processed in order and the emergency
 * reply is not sent a second time. Real service, embedded database, fake Telegram.
 */
import { LockModel } from '../../../src/locks/store';
import { ConversationModel } from '../../../src/conversations/store';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';

let fake: FakeTelegram;
let svc: Awaited<ReturnType<typeof startTestService>>;
const logs = captureLogs();

beforeAll(async () => {
  fake = await startFakeTelegram();
  svc = await startTestService({ ...telegramEnv(fake.url), TELEGRAM_MAX_PER_SECOND: '1000' });
}, 120_000);
afterAll(async () => { await svc?.close(); svc?.cleanup(); await fake?.close(); logs.stop(); });

const DANGER = 'cứu em với, chồng em đang cầm dao đòi giết em';
const isEmergency = (t: string) => t.includes('113') && t.includes('115');
const emergencies = (chat: number) => fake.sent(chat).filter(isEmergency).length;
const pidOf = (chat: number) => svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });

/** Post with at most n in flight; resolves with the statuses. */
async function postAll(updates: Record<string, unknown>[], n: number): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < updates.length) out.push(await postUpdate(svc.url, updates[next++]));
  }));
  return out;
}

it('sends the emergency reply ahead of a queued backlog, then processes the message in order without repeating it', async () => {
  const chats = Array.from({ length: 60 }, (_, i) => 881000 + i);
  const backlog = chats.flatMap((c) => ['xin chào', 'menu', '0', 'menu', '0'].map((t) => textUpdate(c, t)));
  const statuses = await postAll(backlog, 16);
  expect(statuses.every((s) => s === 200)).toBe(true);
  const ordinaryChats = new Set(chats.map(String));
  const ordinaryReplies = () => fake.calls('sendMessage').filter((r) => ordinaryChats.has(String(r.body.chat_id))).length;
  expect(svc.wired.pipeline.backlog.size).toBeGreaterThan(0); // work is queued

  const person = 881999;
  expect(await postUpdate(svc.url, textUpdate(person, DANGER))).toBe(200);
  await fake.waitFor(() => emergencies(person) > 0, 30_000);
  // When it arrived, the backlog acknowledged before it was not yet answered.
  const before = ordinaryReplies();
  expect(before).toBeLessThan(backlog.length);

  // Everything drains; the danger message itself was processed (its step's other replies came) and the emergency reply came once.
  await fake.waitFor(() => chats.every((c) => fake.sent(c).length >= 5) && fake.sent(person).length >= 2, 120_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(emergencies(person)).toBe(1);
  expect(isEmergency(fake.sent(person)[0]!)).toBe(true);
  const conv = await ConversationModel.findOne({ _id: pidOf(person) }).lean();
  expect(conv?.version).toBe(1);
  logs.assertAbsent('cầm dao', String(person));
}, 240_000);

it('does not let a crashed instance\'s lock on the person delay the emergency reply', async () => {
  const person = 882001;
  const pid = pidOf(person);
  // A crashed instance left the person's lock behind; it expires in a while (30 s in real life).
  const until = new Date(Date.now() + 8_000);
  await LockModel.create({ _id: `conv:${pid}`, name: `conv:${pid}`, holder: `conv-crashed-1:dead:${until.getTime()}`, until });

  expect(await postUpdate(svc.url, textUpdate(person, DANGER))).toBe(200);
  await fake.waitFor(() => emergencies(person) > 0, 30_000);
  // Sent while the crashed lock still stood and before the message was processed.
  expect(await LockModel.exists({ _id: `conv:${pid}`, holder: `conv-crashed-1:dead:${until.getTime()}` })).not.toBeNull();
  expect(await ConversationModel.exists({ _id: pid })).toBeNull();

  // Once the lock expires, the message is processed in order: the rest of the danger answer, no second emergency reply.
  await fake.waitFor(() => fake.sent(person).length >= 2, 60_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(emergencies(person)).toBe(1);
  const conv = await ConversationModel.findOne({ _id: pid }).lean();
  expect(conv?.version).toBe(1);
}, 120_000);
