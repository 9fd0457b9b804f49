/**
 * Facebook Messenger end to end: the REAL server (embedded DB, pipeline, outbox worker,
 * handoff) with MESSENGER_API_BASE pointing at a fake Graph API on 127.0.0.1. Webhook bodies
 * are signed as Meta signs them and POSTed to /webhooks/messenger; replies are read from
 * what the fake recorded (which also enforces Meta's 24-hour / 7-day windows).
 */
import { createMessengerAdapter } from '../../../src/channels/messenger';
import { runMessengerSetup } from '../../../src/cli/messengerSetup';
import { ConversationModel, inboxKey, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import { HandoffCaseModel } from '../../../src/handoff/store';
import type { DeliveryEvent } from '../../../src/outbox/types';
import { OutboxModel } from '../../../src/outbox/store';
import { captureLogs } from '../../support/logs';
import { startTestService, testConfig } from '../../support/service';
import { FakeMessenger, SentMessage, signMessenger, startFakeMessenger } from '../../fakes/fakeMessenger';
import { settled } from '../../support/settled';

const TOKEN = 'EAAGm0PX4ZCpsBAFAKEpageTOKEN123';
const APP_SECRET = 'messenger-app-secret-0123456789';
const VERIFY_TOKEN = 'messenger-verify-token-abcdefghijkl';
const PAGE_ID = '104857601234567';
const HOUR = 3_600_000;
type Svc = Awaited<ReturnType<typeof startTestService>>;
let svc: Svc;
let fake: FakeMessenger;
const logs = captureLogs();
const deliveries: DeliveryEvent[] = [];

beforeAll(async () => {
  fake = await startFakeMessenger({ token: TOKEN });
  svc = await startTestService({
    MESSENGER_PAGE_ACCESS_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
    MESSENGER_API_BASE: fake.url, MESSENGER_HUMAN_AGENT: 'true',
    OFFICE_HOURS: 'Mon-Sun 00:00-24:00', // open all day, with a counsellor on duty (below)
  });
  await svc.wired.handoff.setOnline('lan', 'counsellor', true);
  svc.wired.outbox.onDelivery((e) => deliveries.push(e));
});
afterAll(async () => { await svc.close(); svc.cleanup(); await fake.close(); logs.stop(); });

let seq = 0;
const mid = () => `m_${Date.now()}_${++seq}`;
type Event = Record<string, unknown>;
const textEvent = (psid: string, text: string, id = mid(), at = Date.now()): Event =>
  ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: at, message: { mid: id, text } });
const quickReplyEvent = (psid: string, title: string, payload: string): Event =>
  ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: mid(), text: title, quick_reply: { payload } } });
const postbackEvent = (psid: string, payload: string): Event =>
  ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), postback: { mid: mid(), title: 'Menu', payload } });
const body = (...entries: Event[][]) => JSON.stringify({ object: 'page', entry: entries.map((messaging) => ({ id: PAGE_ID, time: Date.now(), messaging })) });

/** POST a raw body; `sig`: 'auto' signs it with the app secret, null sends no header. */
const post = (raw: string, sig: string | null = 'auto') => {
  // Meta counts the window from the person's own messages: tell the fake what they wrote.
  let parsed: { entry?: { messaging?: Event[] }[] } = {};
  try { parsed = JSON.parse(raw) as typeof parsed; } catch { /* a malformed body on purpose */ }
  for (const e of (Array.isArray(parsed.entry) ? parsed.entry : []).flatMap((x) => x.messaging ?? [])) {
    const ev = e as { sender?: { id?: string }; timestamp?: number; message?: { is_echo?: boolean } };
    if (ev.sender?.id && ev.timestamp && !ev.message?.is_echo) fake.personWrote(ev.sender.id, ev.timestamp);
  }
  const header = sig === 'auto' ? signMessenger(raw, APP_SECRET) : sig;
  return fetch(`${svc.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'x-hub-signature-256': header }) }, body: raw });
};

const numbered = (m: SentMessage) => m.text.split('\n').filter((l) => /^\d+\. /.test(l));

/** A person on Messenger: types, taps quick replies, or types an option's number when the options are lines. */
function person(psid: string) {
  let seen = 0;
  let last: SentMessage | undefined;
  const waitFor = async (pred: (m: SentMessage) => boolean, label: string) => {
    try {
      await fake.waitFor(() => fake.sent(psid).slice(seen).some(pred), 20_000);
    } catch {
      throw new Error(`no reply matching ${label}; got ${JSON.stringify(fake.sent(psid).slice(seen).map((m) => [m.text.slice(0, 60), m.quickReplies.map((q) => q.title)]))}`);
    }
    const all = fake.sent(psid);
    const idx = all.findIndex((m, i) => i >= seen && pred(m));
    seen = idx + 1;
    return all[idx]!;
  };
  const offers = (m: SentMessage, label: RegExp) => m.quickReplies.some((q) => label.test(q.title)) || numbered(m).some((l) => label.test(l));
  return {
    psid,
    async say(text: string) { expect((await post(body([textEvent(psid, text)]))).status).toBe(200); },
    async tapMenu(payload: string) { expect((await post(body([postbackEvent(psid, payload)]))).status).toBe(200); },
    async expectOption(label: RegExp) { last = await waitFor((m) => offers(m, label), `option ${label}`); return last; },
    /** A quick reply is tapped; a numbered line is answered with its number. */
    async choose(label: RegExp) {
      const chip = last?.quickReplies.find((q) => label.test(q.title));
      if (chip) { expect((await post(body([quickReplyEvent(psid, chip.title, chip.payload)]))).status).toBe(200); return; }
      const line = last ? numbered(last).find((l) => label.test(l)) : undefined;
      if (!line) throw new Error(`no option ${label}`);
      await this.say(line.split('.')[0]!);
    },
    expectText: (re: RegExp) => waitFor((m) => re.test(m.text), String(re)),
    expectAny: () => waitFor(() => true, 'any reply'),
  };
}

const PSIDS = ['7391045823901001', '7391045823901002', '7391045823901003', '7391045823901004', '7391045823901005', '7391045823901006', '7391045823901007', '7391045823901008'];
afterEach(() => {
  logs.assertAbsent(TOKEN, APP_SECRET, VERIFY_TOKEN, ...PSIDS, 'Hà Nội', 'Chào bạn, mình là Lan');
});

describe('Messenger webhook, end to end', () => {
  it('answers the subscription handshake only with our verify token', async () => {
    const hs = (q: string) => fetch(`${svc.url}/webhooks/messenger?${q}`);
    const ok = await hs(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await hs('hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1158201444')).status).toBe(403);
    expect((await hs(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await hs('hub.mode=subscribe&hub.challenge=1')).status).toBe(400);
    expect((await hs(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=%3Cscript%3E`)).status).toBe(400);
  });

  it('a whole conversation: Get Started → legal page → services for a province → counsellor → exit, quick replies or numbered lines', async () => {
    const p = person(PSIDS[0]!);
    await p.tapMenu('menu'); // the Get Started button
    await p.expectOption(/Quyền của tôi/);
    await p.choose(/Quyền của tôi/);
    await p.expectOption(/Quyền của người bị bạo lực/);
    await p.choose(/Quyền của người bị bạo lực/);
    await p.expectOption(/Tìm hỗ trợ/);
    await p.choose(/Tìm hỗ trợ/);
    await p.expectAny();
    await p.say('Hà Nội');
    await p.expectText(/113/);
    await p.tapMenu('topic:counsellor'); // the persistent menu's "talk to a counsellor", mid-flow
    await p.expectOption(/Có, kết nối/);
    await p.choose(/Có, kết nối/);
    await p.expectOption(/người gặp chuyện/);
    await p.choose(/người gặp chuyện/);
    await p.expectOption(/18–29/);
    await p.choose(/18–29/);
    await p.expectAny();
    await p.say('Hà Nội');
    await p.expectAny();
    await p.tapMenu('exit'); // the persistent menu's exit
    await p.expectText(/Messenger/);
    const all = fake.sent(PSIDS[0]);
    expect(all[all.length - 1]!.text).toMatch(/Xoá đoạn chat/);
    // Every message fits Messenger: text ≤ 2000, chips ≤ 13 with titles ≤ 20, never both chips and lines.
    for (const m of all) {
      expect(m.text.length).toBeLessThanOrEqual(2000);
      expect(m.quickReplies.length).toBeLessThanOrEqual(13);
      for (const q of m.quickReplies) expect([...q.title].length).toBeLessThanOrEqual(20);
      if (m.quickReplies.length) expect(numbered(m)).toHaveLength(0);
      expect(m.messagingType).toBe('RESPONSE');
    }
    // Both renderings were used: short options as chips, the long main menu as numbered lines.
    expect(all.some((m) => m.quickReplies.length > 0)).toBe(true);
    expect(all.some((m) => m.quickReplies.length === 0 && numbered(m).some((l) => /tư vấn viên/.test(l)))).toBe(true);
    // The case is counted on its own channel, and the address is sealed.
    const pid = svc.wired.pipeline.pidOf({ channel: 'messenger', channelUserId: PSIDS[0]! });
    const conv = await ConversationModel.findOne({ _id: pid }).lean();
    expect(conv?.channel).toBe('messenger');
    expect(conv?.addressSealed).not.toContain(PSIDS[0]);
    expect(await HandoffCaseModel.countDocuments({ pid, channel: 'messenger' })).toBeGreaterThan(0);
    const metricsText = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metricsText).toMatch(/gbv_handoff_requests_total\{channel="messenger"\} [1-9]/);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const psid = PSIDS[1]!;
    const id = mid();
    const raw = body([textEvent(psid, 'hello', id)]);
    expect((await post(raw, 'sha256=' + '0'.repeat(64))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    expect((await post(raw, signMessenger(raw, 'another-app-secret'))).status).toBe(401);
    expect((await post(raw.replace('hello', 'hellO'), signMessenger(raw, APP_SECRET))).status).toBe(401); // body changed after signing
    await settled();
    expect(await InboxModel.countDocuments({ _id: inboxKey('messenger', id) })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: inboxKey('messenger', id) })).toBe(0);
    expect(fake.sent(psid)).toHaveLength(0);
    // The good signature over the same bytes is accepted.
    expect((await post(raw)).status).toBe(200);
    await person(psid).expectOption(/Quyền của tôi/);
  });

  it('a batched POST: several entries and events, echoes, deliveries and reads ignored, each person answered once', async () => {
    const [a, b, c] = [PSIDS[2]!, PSIDS[3]!, PSIDS[4]!];
    const echo = { sender: { id: PAGE_ID }, recipient: { id: a }, timestamp: Date.now(), message: { mid: mid(), is_echo: true, text: 'Xin chào' } };
    const delivery = { sender: { id: a }, recipient: { id: PAGE_ID }, timestamp: Date.now(), delivery: { mids: ['m_x'], watermark: Date.now() } };
    const read = { sender: { id: b }, recipient: { id: PAGE_ID }, timestamp: Date.now(), read: { watermark: Date.now() } };
    const photo = { sender: { id: c }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: mid(), attachments: [{ type: 'image', payload: { url: 'https://example.invalid/x.jpg' } }] } };
    const raw = body([textEvent(a, 'xin chào'), echo, delivery], [read, textEvent(b, 'hello')], [photo]);
    const res = await post(raw);
    expect(res.status).toBe(200);
    await person(a).expectOption(/Quyền của tôi/);
    await person(b).expectAny();
    await person(c).expectText(/chỉ đọc được chữ|only read text/); // an attachment gets the kind "please type"
    // Only the irrelevant events: 200, ignored, nothing stored.
    const ignored = await post(body([echo, delivery, read]));
    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toMatchObject({ ok: true, ignored: expect.any(String) });
    await settled();
    expect(fake.sent(a).filter((m) => m.quickReplies.some((q) => /Quyền của tôi/.test(q.title)) || numbered(m).some((l) => /Quyền của tôi/.test(l)))).toHaveLength(1);
  });

  it('answers a redelivered event once', async () => {
    const psid = PSIDS[5]!;
    const id = mid();
    const raw = body([textEvent(psid, 'xin chào', id)]);
    expect((await post(raw)).status).toBe(200);
    expect((await post(raw)).status).toBe(200);
    await person(psid).expectOption(/Quyền của tôi/);
    await settled();
    expect(await post(raw).then((r) => r.status)).toBe(200); // again after processing
    await settled();
    const count = fake.sent(psid).length;
    expect(count).toBeGreaterThan(0);
    expect(new Set(fake.sent(psid).map((m) => m.text)).size).toBe(count);
    expect(await InboxModel.countDocuments({ _id: inboxKey('messenger', id) })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: inboxKey('messenger', id) })).toBe(1);
  });

  it('answers malformed bodies 400 with the field, and stays ready', async () => {
    const bad = async (raw: string) => { const r = await post(raw); expect(r.status).toBe(400); return (await r.json()) as { details: string[] }; };
    await bad('{not json');
    expect((await bad(JSON.stringify({ object: 'page' }))).details.join(' ')).toMatch(/entry/);
    const noMid = JSON.stringify({ object: 'page', entry: [{ messaging: [{ sender: { id: '1' }, message: { text: 'a' } }] }] });
    expect((await bad(noMid)).details.join(' ')).toMatch(/entry\.0\.messaging\.0\.message\.mid/);
    const other = await post(JSON.stringify({ object: 'instagram', entry: [] }));
    expect(other.status).toBe(200);
    expect((await fetch(`${svc.url}/webhooks/messenger`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
  });

  it('when the Graph API answers 429 then 500, the replies are delivered later, in order, once', async () => {
    const psid = PSIDS[6]!;
    fake.failNext(1, '429');
    fake.failNext(1, '500');
    const p = person(psid);
    await p.say('xin chào');
    await p.expectOption(/Quyền của tôi/);
    await settled();
    const attempts = fake.requests.filter((r) => r.path === '/me/messages' && (r.body.recipient as { id: string }).id === psid);
    expect(attempts.map((r) => r.status).slice(0, 3)).toEqual([429, 500, 200]);
    const delivered = fake.sent(psid);
    expect(new Set(delivered.map((m) => m.text)).size).toBe(delivered.length);
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    // The welcome first, the menu last.
    expect(numbered(delivered[delivered.length - 1]!).some((l) => /Quyền của tôi/.test(l)) || delivered[delivered.length - 1]!.quickReplies.length > 0).toBe(true);
    expect(await OutboxModel.countDocuments({ pid: svc.wired.pipeline.pidOf({ channel: 'messenger', channelUserId: psid }) })).toBe(0);
  });

  it('the 24-hour window: the bot never writes after it; a counsellor uses HUMAN_AGENT up to 7 days, then is told window_expired', async () => {
    const psid = PSIDS[7]!;
    const pid = svc.wired.pipeline.pidOf({ channel: 'messenger', channelUserId: psid });
    const p = person(psid);
    await p.say('xin chào');
    await p.expectOption(/Quyền của tôi/);
    await p.choose(/tư vấn viên/);
    await p.expectOption(/Có, kết nối/);
    await p.choose(/Có, kết nối/);
    await p.expectOption(/người gặp chuyện/);
    await p.choose(/người gặp chuyện/);
    await p.expectOption(/18–29/);
    await p.choose(/18–29/);
    await p.expectAny();
    await p.say('Hà Nội');
    const queued = await waitUntil(() => HandoffCaseModel.findOne({ pid, status: 'queued' }).lean());
    const h = svc.wired.handoff;
    expect((await h.claim('lan', queued.hid)).ok).toBe(true);
    expect((await h.send('lan', queued.hid, 'Chào bạn, mình là Lan')).ok).toBe(true);
    expect((await p.expectText(/mình là Lan/)).messagingType).toBe('RESPONSE');

    // 30 hours pass without a word from the person.
    const ago = async (ms: number) => {
      await ConversationModel.updateOne({ _id: pid }, { $set: { lastActivityAt: new Date(Date.now() - ms) } });
      fake.personWrote(psid, Date.now() - ms);
    };
    await ago(30 * HOUR);
    const requestsBefore = fake.requests.length;
    // The bot (a system notice) may no longer write: not sent, reported window_expired.
    const [botRow] = await svc.wired.control.sendTexts(pid, ['Nhắc nhở'], 'system');
    await waitUntil(async () => deliveries.find((d) => d.outboxId === botRow && d.status === 'window_expired'));
    // A counsellor may, with the HUMAN_AGENT tag (the page has the permission in this test).
    expect((await h.send('lan', queued.hid, 'Bạn vẫn ổn chứ?')).ok).toBe(true);
    const tagged = await p.expectText(/Bạn vẫn ổn chứ/);
    expect(tagged).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(fake.requests.slice(requestsBefore).filter((r) => r.path === '/me/messages')).toHaveLength(1); // nothing tried for the bot's notice

    // Eight days: not even a counsellor. Not sent, and the console shows why.
    await ago(8 * 24 * HOUR);
    const before = fake.requests.length;
    expect((await h.send('lan', queued.hid, 'Mình vẫn ở đây')).ok).toBe(true);
    const expired = await waitUntil(async () => {
      const r = await h.messages('lan', queued.hid);
      return r.ok ? r.messages.find((m) => m.text === 'Mình vẫn ở đây' && m.delivery === 'window_expired') : undefined;
    });
    expect(expired.from).toBe('counsellor');
    expect(fake.requests.length).toBe(before);
    const dead = await OutboxModel.find({ pid, status: 'dead' }).lean();
    expect(dead.every((r) => r.lastError === 'window_expired' && r.attempts === 1)).toBe(true);
    expect(dead).toHaveLength(2);

    // The person writes again: the window opens anew and the bot answers with RESPONSE.
    await p.say('cảm ơn');
    await waitUntil(async () => {
      const r = await h.messages('lan', queued.hid);
      return r.ok ? r.messages.find((m) => m.from === 'person' && m.text === 'cảm ơn') : undefined;
    });
    expect((await h.send('lan', queued.hid, 'Rất vui được nghe bạn')).ok).toBe(true);
    expect((await p.expectText(/Rất vui được nghe bạn/)).messagingType).toBe('RESPONSE');
  });

  it('without the human-agent permission a counsellor reply after 24 hours is refused before any call', async () => {
    const cfg = testConfig('/tmp/unused', { MESSENGER_PAGE_ACCESS_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN, MESSENGER_API_BASE: fake.url });
    const adapter = createMessengerAdapter(cfg)!;
    expect(adapter.replyWindowHours).toBe(24);
    expect(svc.wired.adapters.find((a) => a.name === 'messenger')?.replyWindowHours).toBe(168);
    const before = fake.requests.length;
    const r = await adapter.send(PSIDS[0]!, { text: 'Bạn vẫn ổn chứ?' }, { origin: 'counsellor', lastInboundAt: new Date(Date.now() - 25 * HOUR) });
    expect(r).toEqual({ ok: false, retryable: false, windowExpired: true, code: 'window_expired' });
    expect(fake.requests.length).toBe(before);
    // Within the window it goes out as a RESPONSE.
    fake.personWrote(PSIDS[0]!, Date.now() - HOUR);
    const ok = await adapter.send(PSIDS[0]!, { text: 'Bạn vẫn ổn chứ?' }, { origin: 'counsellor', lastInboundAt: new Date(Date.now() - HOUR) });
    expect(ok.ok).toBe(true);
    // Meta's own refusal (code 10 / 2018278) is classified the same way, not retried.
    fake.failNext(1, '2018278');
    expect(await adapter.send(PSIDS[0]!, { text: 'x' })).toMatchObject({ ok: false, retryable: false, windowExpired: true });
  });

  it('npm run messenger:setup subscribes the page and sets Get Started and the persistent menu from content', async () => {
    const cfg = testConfig('/tmp/unused', { MESSENGER_PAGE_ACCESS_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN, MESSENGER_API_BASE: fake.url });
    const lines = await runMessengerSetup([], cfg, () => svc.wired.flows);
    expect(lines.join('\n')).toMatch(/subscribed/);
    expect(fake.requests.some((r) => r.path === '/me/subscribed_apps' && r.query.subscribed_fields === 'messages,messaging_postbacks')).toBe(true);
    const profile = fake.profile() as { get_started: { payload: string }; persistent_menu: { locale: string; call_to_actions: { title: string; payload: string }[] }[] };
    expect(profile.get_started).toEqual({ payload: 'menu' });
    const byLocale = Object.fromEntries(profile.persistent_menu.map((m) => [m.locale, m.call_to_actions]));
    expect(Object.keys(byLocale)).toEqual(['default', 'vi_VN', 'en_US', 'en_GB']);
    expect(byLocale.default!.map((a) => a.payload)).toEqual(['menu', 'topic:counsellor', 'exit']);
    expect(byLocale.default!.map((a) => a.title)).toEqual(['Menu chính', 'Nói chuyện với tư vấn viên', 'Thoát nhanh']);
    expect(byLocale.en_US!.every((a) => a.title.length <= 30 && /[A-Za-z]/.test(a.title))).toBe(true);
    const info = await runMessengerSetup(['--info'], cfg, () => svc.wired.flows);
    expect(info[0]).toMatch(/persistent_menu/);
    expect(info.join('')).not.toContain(TOKEN);
  });
});

/** Poll until fn gives a value (or fail after 20 s). */
async function waitUntil<T>(fn: () => Promise<T | null | undefined> | T | null | undefined): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitUntil: timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
