/**
 * "Erase my data" end to end on each channel (Personal Data Protection Law 91/2025/QH15):
 * the REAL server (embedded DB, pipeline, handoff, cases, outbox) with Telegram and Zalo
 * faked on 127.0.0.1 and the web chat at /chat. A person with an open counsellor case
 * (live messages, a counsellor's note, a follow-up) asks to erase, confirms, and then
 * nothing stored links to their pid; anonymous case records stay counted; their next
 * message starts afresh.
 */
import { randomUUID } from 'node:crypto';
import { CaseModel } from '../../../src/cases/store';
import { ChatMessageModel, ConversationModel } from '../../../src/conversations/store';
import { CaseNoteModel, FlagModel, FollowUpModel, HandoffCaseModel, HandoffMessageModel } from '../../../src/handoff/store';
import { metrics } from '../../../src/observability/metrics';
import { DeliveredModel } from '../../../src/outbox/store';
import { foldRollup } from '../../../src/reports/rollup/fold';
import { readCells, readCounted } from '../../../src/reports/rollup/store';
import { SessionKeys } from '../../../src/channels/webchat/session';
import { ResumeCodeModel, WebchatMessageModel } from '../../../src/channels/webchat/store';
import { pseudonymousId } from '../../../src/shared/crypto';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { FakeZalo, signZalo, startFakeZalo } from '../../fakes/fakeZalo';
import { captureLogs } from '../../support/logs';
import { ChatClient, clientId, SseReader } from '../webchat/client';
import { startWebchatService, WebchatService } from '../webchat/harness';
import { settled } from '../../support/settled';

const TG_TOKEN = '123456:AAerase-token_xyz';
const TG_SECRET = 'tg_erase_secret-0123456789abcdef';
const ZALO = { appId: '2553928453557884079', appSecret: 'zalo-app-secret-ERASE', oaSecret: 'zalo-oa-secret-ERASE', oaId: '3662729599332560487' };

let ws: WebchatService;
let tg: FakeTelegram;
let zalo: FakeZalo;
const logs = captureLogs();

beforeAll(async () => {
  tg = await startFakeTelegram();
  zalo = await startFakeZalo({ appId: ZALO.appId, appSecret: ZALO.appSecret, refreshToken: 'rt-e1', refreshDelayMs: 50 });
  ws = await startWebchatService({
    TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: tg.url,
    ZALO_APP_ID: ZALO.appId, ZALO_APP_SECRET: ZALO.appSecret, ZALO_OA_SECRET: ZALO.oaSecret, ZALO_REFRESH_TOKEN: 'rt-e1',
    ZALO_API_BASE: zalo.url, ZALO_OAUTH_BASE: zalo.url,
    OFFICE_HOURS: 'Mon-Sun 00:00-24:00',
  });
  await ws.svc.wired.handoff.setOnline('lan', 'counsellor', true);
});
afterAll(async () => { await ws.close(); await tg.close(); await zalo.close(); logs.stop(); });

/** One person on one channel: say a text, pick an option (by payload or, on Zalo, by its label), read replies. */
interface Person {
  channel: 'telegram' | 'zalo' | 'webchat';
  userId: string;
  say(text: string): Promise<void>;
  pick(payload: string, labelKey: string): Promise<void>;
  texts(): string[];
  close?(): void;
  /** Web chat only: the browser session (for its quick exit). */
  client?: ChatClient;
}

let nextUpdate = 700_000;
function telegramPerson(chat: number): Person {
  const post = (body: unknown) => fetch(`${ws.svc.url}/webhooks/telegram`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET }, body: JSON.stringify(body),
  }).then((r) => expect(r.status).toBe(200));
  const from = { id: chat, is_bot: false, first_name: 'A' };
  return {
    channel: 'telegram', userId: String(chat),
    say: (text) => { const u = nextUpdate++; return post({ update_id: u, message: { message_id: u % 100000, date: Math.floor(Date.now() / 1000), from, chat: { id: chat, type: 'private' }, text } }); },
    pick: (data) => { const u = nextUpdate++; return post({ update_id: u, callback_query: { id: `cbq-${u}`, chat_instance: '-1', from, message: { message_id: 1, date: 1, chat: { id: chat, type: 'private' } }, data } }); },
    texts: () => tg.calls('sendMessage').filter((r) => String(r.body.chat_id) === String(chat)).map((r) => String(r.body.text)),
  };
}

let zseq = 0;
function zaloPerson(user: string): Person {
  const say = async (text: string) => {
    const raw = JSON.stringify({
      app_id: ZALO.appId, user_id_by_app: '1', event_name: 'user_send_text', sender: { id: user }, recipient: { id: ZALO.oaId },
      message: { msg_id: `emsg-${++zseq}-${Date.now()}`, text }, timestamp: String(Date.now()),
    });
    const sig = signZalo(raw, { appId: ZALO.appId, oaSecret: ZALO.oaSecret, timestamp: (/"timestamp":"(\d+)"/.exec(raw) ?? [])[1] ?? '' });
    const res = await fetch(`${ws.svc.url}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': sig }, body: raw });
    expect(res.status).toBe(200);
  };
  // A Zalo user types the option's label (or its number): the label is what the engine matches.
  return { channel: 'zalo', userId: user, say, pick: (_p, key) => say(label(key)), texts: () => zalo.sent(user) };
}

async function webchatPerson(): Promise<Person> {
  const c = new ChatClient(ws.url);
  await c.open();
  const sse: SseReader = c.stream();
  const post = async (body: Record<string, string>) => expect((await c.post('/send', { id: clientId(), ...body })).status).toBe(200);
  return {
    channel: 'webchat', userId: c.sid,
    say: (text) => post({ text }), pick: (payload) => post({ payload }),
    texts: () => sse.messages().map((m) => m.text), close: () => sse.close(), client: c,
  };
}

const label = (key: string) => ws.svc.wired.flows.texts.vi![key]!;
const pidOf = (p: Person) => pseudonymousId(ws.svc.config.pseudonymKey, p.channel, p.userId);

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const nodeIs = (pid: string, node: string | null) => until(`node ${node}`, async () => {
  const c = await ConversationModel.findOne({ _id: pid }).lean();
  return !!c && (c.state as { node?: string | null }).node === node;
});
const replied = (p: Person, re: RegExp, after = 0) => until(`reply ${re}`, async () => p.texts().slice(after).some((t) => re.test(t)));

/** First contact → a counsellor's live chat (claimed, a message each way) → a note and a follow-up on it. */
async function withOpenCase(p: Person, pid: string): Promise<void> {
  await p.say('xin chào');
  await replied(p, /Xin chào, mình là An/);
  await nodeIs(pid, 'main.menu');
  await p.pick('counsellor', 'main.opt.counsellor');
  await nodeIs(pid, 'counsellor.consent');
  await p.pick('consent_yes', 'counsellor.opt.yes');
  await nodeIs(pid, 'counsellor.role');
  await p.pick('role_self', 'counsellor.opt.self');
  await nodeIs(pid, 'counsellor.age');
  await p.pick('age_18_29', 'counsellor.opt.age_18_29');
  await nodeIs(pid, 'counsellor.province');
  await p.say('Hà Nội');
  const c = await until('queued case', () => HandoffCaseModel.findOne({ pid, status: 'queued' }).lean());
  const h = ws.svc.wired.handoff;
  expect((await h.claim('lan', c.hid)).ok).toBe(true);
  expect((await h.send('lan', c.hid, 'Chào bạn, mình là Lan')).ok).toBe(true);
  await replied(p, /Chào bạn, mình là Lan/);
  await p.say('cảm ơn chị');
  await until('relayed message', async () => (await HandoffMessageModel.countDocuments({ pid, from: 'person' })) > 0);
  const now = new Date();
  await CaseNoteModel.create({ hid: c.hid, pid, author: 'lan', noteSealed: 'sealed-note', createdAt: now, deleteAfter: new Date(now.getTime() + 86_400_000) });
  await FollowUpModel.create({ fid: `f-${randomUUID()}`, pid, channel: p.channel, lang: 'vi', window: 'morning', status: 'open', createdAt: now, claimedBy: null, danger: false, updatedAt: now });
}

/** Report totals of some months after the rollup folder has caught up: cell id → counter → n. */
async function reportTotals(months: string[]): Promise<Record<string, Record<string, number>>> {
  await until('rollup drained', async () => (await foldRollup()).drained);
  const out: Record<string, Record<string, number>> = {};
  // The erase ends a live chat as the person leaving, so one case's outcome moves (none →
  // abandoned) and it counts as abandoned: compare the outcomes by their sum per cell.
  const moved = (k: string) => k.startsWith('outcome:') || k === 'abandoned';
  for (const c of await readCells(months)) {
    const n = Object.entries(c.n).filter(([k, v]) => v !== 0 && k !== 'abandoned');
    out[c._id] = Object.fromEntries([...n.filter(([k]) => !moved(k)), ['outcome:*', n.filter(([k]) => moved(k)).reduce((a, [, v]) => a + v, 0)]].sort());
  }
  return out;
}

async function eraseAndCheck(p: Person): Promise<void> {
  const pid = pidOf(p);
  await withOpenCase(p, pid);
  const casesOfPid = await CaseModel.countDocuments({ pid });
  expect(casesOfPid).toBeGreaterThan(0);
  const casesBefore = await CaseModel.countDocuments({});
  const months = [...new Set((await CaseModel.find({ pid }).lean()).map((c) => String(c.month)))];
  const oldIds = (await CaseModel.find({ pid }, { _id: 1 }).lean()).map((c) => String(c._id));
  const totalsBefore = await reportTotals(months);
  const erasedBefore = (await metrics.erasures.get()).values.find((v) => v.labels.channel === p.channel)?.value ?? 0;

  const seen = p.texts().length;
  await p.say('xóa dữ liệu của tôi');
  await replied(p, /Bạn có muốn mình xoá dữ liệu của bạn không\?/, seen);
  // Nothing is erased before the person says yes.
  expect(await ConversationModel.countDocuments({ _id: pid })).toBe(1);
  expect(await HandoffCaseModel.countDocuments({ pid })).toBe(1);
  await p.pick('erase_yes', 'erase.opt.yes');
  await replied(p, /^Đã xong\. Dữ liệu của bạn đã được xoá\./, seen);
  await until('conversation erased', async () => (await ConversationModel.countDocuments({ _id: pid })) === 0);
  await settled(); // let the outbox settle the confirmation (it must record nothing)

  expect(await ConversationModel.countDocuments({ _id: pid })).toBe(0);
  expect(await HandoffCaseModel.countDocuments({ pid })).toBe(0);
  expect(await HandoffMessageModel.countDocuments({ pid })).toBe(0);
  expect(await CaseNoteModel.countDocuments({ pid })).toBe(0);
  expect(await FollowUpModel.countDocuments({ pid })).toBe(0);
  expect(await FlagModel.countDocuments({ _id: pid })).toBe(0);
  expect(await ChatMessageModel.countDocuments({ pid })).toBe(0);
  expect(await DeliveredModel.countDocuments({ _id: { $regex: `^${pid}:` } })).toBe(0);
  // The anonymous records stay counted, linked to nobody.
  expect(await CaseModel.countDocuments({ pid })).toBe(0);
  expect(await CaseModel.countDocuments({ _id: { $regex: `^${pid}:` } })).toBe(0);
  expect(await CaseModel.countDocuments({})).toBe(casesBefore);
  // The report rollup re-counts them: the same totals, and nothing counted under the old ids.
  expect(await reportTotals(months)).toEqual(totalsBefore);
  for (const id of oldIds) expect(await readCounted(id)).toBeNull();
  // Audited without identifiers.
  expect((await metrics.erasures.get()).values.find((v) => v.labels.channel === p.channel)?.value).toBe(erasedBefore + 1);
  logs.assertAbsent(pid, p.userId, 'Hà Nội', 'cảm ơn chị');
}

afterEach(() => {
  logs.assertAbsent(TG_TOKEN, TG_SECRET, ZALO.appSecret, ZALO.oaSecret);
});

describe('erase my data, end to end', () => {
  it('Telegram: erased at once, and the next message starts afresh', async () => {
    const p = telegramPerson(918270001);
    await eraseAndCheck(p);
    const seen = p.texts().length;
    await p.say('xin chào');
    await replied(p, /^Xin chào, mình là An/, seen);
    expect(await ConversationModel.countDocuments({ _id: pidOf(p) })).toBe(1);
  });

  it('Zalo: erased at once (options typed by label), and the next message starts afresh', async () => {
    const p = zaloPerson('zerase-1000000000000000001');
    await eraseAndCheck(p);
    const seen = p.texts().length;
    await p.say('xin chào');
    await replied(p, /^Xin chào, mình là An/, seen);
  });

  it('web chat: erased at once; the page\'s quick exit after it brings nothing back; a new visit starts afresh', async () => {
    const p = await webchatPerson();
    await eraseAndCheck(p);
    const pid = pidOf(p);
    p.close?.();
    // The erase reply ends the session like an exit: the page posts /exit, which must not re-create the conversation.
    expect((await p.client!.post('/exit', {})).status).toBeLessThan(400);
    await settled();
    expect(await ConversationModel.countDocuments({ _id: pid })).toBe(0);
    const sidHash = new SessionKeys(ws.svc.config.sessionSecret).sidHash(p.userId);
    expect(await WebchatMessageModel.countDocuments({ sidHash })).toBe(0);
    expect(await ResumeCodeModel.countDocuments({ sidHash })).toBe(0);
    const again = await webchatPerson();
    await again.say('xin chào');
    await replied(again, /^Xin chào, mình là An/);
    again.close?.();
  });
});
