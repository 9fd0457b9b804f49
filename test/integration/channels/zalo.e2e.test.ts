/**
 * Zalo OA end to end: the REAL server with ZALO_API_BASE / ZALO_OAUTH_BASE pointing at a
 * fake on 127.0.0.1. Events are signed like Zalo signs them and POSTed to /webhooks/zalo;
 * replies and token refreshes are read from what the fake recorded.
 */
import { ZaloAdapter, ZaloTokenManager } from '../../../src/channels/zalo';
import { inboxKey, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import type { DeliveryEvent } from '../../../src/outbox/types';
import { OutboxModel } from '../../../src/outbox/store';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { FakeZalo, signZalo, startFakeZalo } from '../../fakes/fakeZalo';
import { settled } from '../../support/settled';

const APP_ID = '2553928453557884079';
const APP_SECRET = 'zalo-app-secret-XYZ';
const OA_SECRET = 'zalo-oa-secret-ABC';
const OA_ID = '3662729599332560487';
type Svc = Awaited<ReturnType<typeof startTestService>>;
let svc: Svc;
let fake: FakeZalo;
const logs = captureLogs();
const deliveries: DeliveryEvent[] = [];

beforeAll(async () => {
  fake = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, refreshToken: 'rt-1', refreshDelayMs: 200 });
  svc = await startTestService({
    ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: APP_SECRET, ZALO_OA_SECRET: OA_SECRET, ZALO_REFRESH_TOKEN: 'rt-1',
    ZALO_API_BASE: fake.url, ZALO_OAUTH_BASE: fake.url,
    OFFICE_HOURS: 'Mon-Sun 00:00-24:00', // open all day, with a counsellor on duty (below)
  });
  await svc.wired.handoff.setOnline('lan', 'counsellor', true);
  svc.wired.outbox.onDelivery((e) => deliveries.push(e));
});
afterAll(async () => { await svc.close(); svc.cleanup(); await fake.close(); logs.stop(); });

let seq = 0;
const event = (user: string, text: string, name = 'user_send_text', msgId = `msg-${++seq}-${Date.now()}`, at = Date.now()) => JSON.stringify({
  app_id: APP_ID, user_id_by_app: '1', event_name: name, sender: { id: user }, recipient: { id: OA_ID },
  message: { msg_id: msgId, text }, timestamp: String(at),
});
const post = (raw: string, sig: string | null = 'auto') => {
  const ts = (/"timestamp":"(\d+)"/.exec(raw) ?? [])[1] ?? '';
  const header = sig === 'auto' ? signZalo(raw, { appId: APP_ID, oaSecret: OA_SECRET, timestamp: ts }) : sig;
  return fetch(`${svc.url}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'x-zevent-signature': header }) }, body: raw });
};

/** A person on Zalo: types texts, picks numbered options by their label. */
function person(user: string) {
  let seen = 0;
  const waitFor = async (pred: (t: string) => boolean, label: string) => {
    try {
      await fake.waitFor(() => fake.sent(user).slice(seen).some(pred), 20_000);
    } catch {
      throw new Error(`no reply matching ${label}; got ${JSON.stringify(fake.sent(user).slice(seen).map((t) => t.slice(0, 80)))}`);
    }
    const all = fake.sent(user);
    const idx = all.findIndex((t, i) => i >= seen && pred(t));
    seen = idx + 1;
    return all[idx]!;
  };
  let last = '';
  return {
    async say(text: string) { expect((await post(event(user, text))).status).toBe(200); },
    /** Wait for a reply offering an option whose label matches, remember it. */
    async expectOption(label: RegExp) {
      last = await waitFor((t) => t.split('\n').some((l) => /^\d+\. /.test(l) && label.test(l)), `option ${label}`);
    },
    /** Type the number of that option, as a Zalo user would. */
    async choose(label: RegExp) {
      const line = last.split('\n').find((l) => /^\d+\. /.test(l) && label.test(l));
      if (!line) throw new Error(`no option ${label}`);
      await this.say(line.split('.')[0]!);
    },
    expectAny: () => waitFor(() => true, 'any reply'),
  };
}

afterEach(() => {
  logs.assertAbsent(APP_SECRET, OA_SECRET, 'rt-1', 'rt-2', 'rt-3', 'at-2', 'at-3', 'zuser-', 'Hà Nội');
});

describe('Zalo OA webhook, end to end', () => {
  it('bootstraps the token once and holds a whole conversation with numbered options', async () => {
    const p = person('zuser-1000000000000000001');
    await p.say('xin chào');
    await p.expectOption(/Quyền của tôi/);
    expect(fake.refreshCalls()).toHaveLength(1); // bootstrap from ZALO_REFRESH_TOKEN, once
    await p.choose(/Quyền của tôi/);
    await p.expectOption(/Quyền của người bị bạo lực/);
    await p.choose(/Quyền của người bị bạo lực/);
    await p.expectOption(/Tìm hỗ trợ/);
    await p.choose(/Tìm hỗ trợ/);
    await p.expectAny();
    await p.say('Hà Nội');
    await p.expectOption(/tư vấn viên/);
    await p.choose(/tư vấn viên/);
    await p.expectOption(/Có, kết nối/);
    await p.choose(/Có, kết nối/);
    await p.expectOption(/người gặp chuyện/);
    await p.choose(/người gặp chuyện/);
    await p.expectOption(/18–29/);
    await p.choose(/18–29/);
    await p.expectAny();
    await p.say('Hà Nội');
    await p.expectAny();
    await p.say('thoát');
    await p.expectAny();
    for (const t of fake.sent()) expect(t.length).toBeLessThanOrEqual(2000);
    expect(fake.refreshCalls(true)).toHaveLength(1);
  });

  it('answers a redelivered msg_id once and ignores the OA\'s own echoes', async () => {
    const user = 'zuser-1000000000000000002';
    const raw = event(user, 'xin chào');
    expect((await post(raw)).status).toBe(200);
    expect((await post(raw)).status).toBe(200);
    await person(user).expectOption(/Quyền của tôi/);
    const echo = event(user, 'Mình có thể giúp gì', 'oa_send_text');
    const echoSig = signZalo(echo, { appId: APP_ID, oaSecret: OA_SECRET, timestamp: (/"timestamp":"(\d+)"/.exec(echo) ?? [])[1]! });
    expect((await post(echo, echoSig)).status).toBe(200);
    await settled();
    expect(fake.sent(user).filter((t) => /Quyền của tôi/.test(t))).toHaveLength(1);
    const key = inboxKey('zalo', (/"msg_id":"([^"]+)"/.exec(raw) ?? [])[1]!);
    expect(await InboxModel.countDocuments({ _id: key })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: key })).toBe(1);
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const user = 'zuser-1000000000000000003';
    const raw = event(user, 'hello');
    expect((await post(raw, 'mac=' + '0'.repeat(64))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    const signedForOther = signZalo(raw, { appId: APP_ID, oaSecret: APP_SECRET, timestamp: '1' });
    expect((await post(raw, signedForOther)).status).toBe(401);
    await settled();
    expect(await InboxModel.countDocuments({ channel: 'zalo', updateId: (/"msg_id":"([^"]+)"/.exec(raw) ?? [])[1] })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: inboxKey('zalo', (/"msg_id":"([^"]+)"/.exec(raw) ?? [])[1]!) })).toBe(0);
    expect(fake.sent(user)).toHaveLength(0);
  });

  it('answers a signed event older than ZALO_EVENT_MAX_AGE_MINUTES 200 but does not process it, and counts it', async () => {
    const staleCount = async () => {
      const text = await (await fetch(`${svc.url}/metrics`)).text();
      return Number((/^gbv_stale_updates_total\{channel="zalo"\} (\d+)/m.exec(text) ?? [])[1] ?? 0);
    };
    const before = await staleCount();
    const user = 'zuser-1000000000000000006';
    const minute = 60_000;
    // A replay after the seen log was purged (3 days), and one just past the 60-minute default window.
    for (const age of [3 * 24 * 60 * minute + minute, 61 * minute]) {
      const raw = event(user, 'cứu em với, chồng em đang cầm dao', 'user_send_text', `msg-stale-${age}`, Date.now() - age);
      const r = await post(raw);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ ok: true, ignored: 'stale event' });
      expect(await InboxSeenModel.countDocuments({ _id: inboxKey('zalo', `msg-stale-${age}`) })).toBe(0);
    }
    await settled();
    expect(fake.sent(user)).toHaveLength(0);
    expect(await staleCount()).toBe(before + 2);
    // Within the window (Zalo redelivering after a few minutes), the event is processed.
    expect((await post(event(user, 'xin chào', 'user_send_text', 'msg-late-ok', Date.now() - 50 * minute))).status).toBe(200);
    await person(user).expectOption(/Quyền của tôi/);
  });

  it('answers malformed bodies 4xx and stays ready', async () => {
    expect((await post('{not json', signZalo('{not json', { appId: APP_ID, oaSecret: OA_SECRET, timestamp: '' }))).status).toBe(400);
    const noSender = JSON.stringify({ event_name: 'user_send_text', message: { msg_id: 'x', text: 'a' }, timestamp: '5' });
    expect((await post(noSender, signZalo(noSender, { appId: APP_ID, oaSecret: OA_SECRET, timestamp: '5' }))).status).toBe(400);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
  });

  it('refreshes once on -220 / -216 and retries; a 500 is delivered later, in order, once', async () => {
    const user = 'zuser-1000000000000000004';
    const before = fake.refreshCalls().length;
    fake.failNext(1, '-220');
    const p = person(user);
    await p.say('xin chào');
    await p.expectOption(/Quyền của tôi/);
    expect(fake.refreshCalls().length).toBe(before + 1);
    fake.revokeAccessToken();
    fake.failNext(1, '500');
    await p.choose(/Quyền của tôi/);
    await p.expectOption(/Quyền của người bị bạo lực/);
    expect(fake.refreshCalls().length).toBe(before + 2);
    expect(fake.refreshCalls(true).length).toBe(fake.refreshCalls().length); // no refresh token reused
    const texts = fake.sent(user);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('two token managers on the same database refreshing at once make exactly one refresh call', async () => {
    const adapter = svc.wired.adapters.find((a) => a.name === 'zalo') as ZaloAdapter;
    const other = new ZaloTokenManager({ appId: APP_ID, appSecret: APP_SECRET, oauthBase: fake.url }, svc.wired.cipher);
    const current = await adapter.tokens.accessToken();
    fake.revokeAccessToken();
    const before = fake.refreshCalls(true).length;
    const [a, b] = await Promise.all([adapter.tokens.refreshAfterRejection(current), other.refreshAfterRejection(current)]);
    expect(a).toBe(b);
    expect(a).toBe(fake.accessToken());
    expect(fake.refreshCalls(true).length).toBe(before + 1);
  });

  it('-230 (out of the 7-day window) is not retried and is reported as window_expired', async () => {
    const user = 'zuser-1000000000000000005';
    fake.failNext(1, '-230');
    await post(event(user, 'xin chào'));
    await fake.waitFor(() => deliveries.some((d) => d.status === 'window_expired'), 20_000);
    const dead = await OutboxModel.find({ channel: 'zalo', status: 'dead' }).lean();
    expect(dead.some((r) => r.lastError === 'window_expired' && r.attempts === 1)).toBe(true);
    const attempts = fake.requests.filter((r) => r.path === '/v3.0/oa/message/cs' && r.error === -230);
    expect(attempts).toHaveLength(1);
  });
});
