/**
 * Nobody is missed, and Block (issue #15), on the real server and database with the person on
 * Telegram and Zalo (fake APIs on loopback): the queue notice carries a danger flag and nothing
 * personal; the on-duty state after a reload; presence ends with the last console tab (after a
 * grace period), on log-out and on the switch; the reply window on the cases API; block with a
 * coded reason (the person is told kindly and always gets the emergency numbers), the list of
 * blocks and unblock, with role checks and audit rows.
 */
import http from 'node:http';
import request from 'supertest';
import { AuditModel } from '../../../src/console/store';
import { ConversationModel } from '../../../src/conversations/store';
import { HandoffCaseModel, HandoffMessageModel, PresenceModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { signZalo, startFakeZalo, FakeZalo } from '../../fakes/fakeZalo';
import { captureLogs } from '../../support/logs';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from './harness';

const APP_ID = 'zalo-app-alerts';
const APP_SECRET = 'zalo-app-secret-alerts';
const OA_SECRET = 'zalo-oa-secret-alerts';
let cs: ConsoleService;
let tg: FakeTelegram;
let zalo: FakeZalo;
const logs = captureLogs();
let upd = 70_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  zalo = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, refreshToken: 'rt-1' });
  cs = await startConsoleService({
    ...telegramEnv(tg.url), CONSOLE_PRESENCE_GRACE_SECONDS: '1.5', ZALO_REPLY_WINDOW_HOURS: '24',
    ZALO_APP_ID: APP_ID, ZALO_APP_SECRET: APP_SECRET, ZALO_OA_SECRET: OA_SECRET, ZALO_REFRESH_TOKEN: 'rt-1', ZALO_API_BASE: zalo.url, ZALO_OAUTH_BASE: zalo.url,
  });
  for (const u of ['lan', 'minh']) await makeUser(u, 'counsellor');
  await makeUser('hoa', 'manager');
  await makeUser('sup', 'supervisor');
  await makeUser('root', 'admin');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); await zalo.close(); logs.stop(); });

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function askForCounsellor(chat: number): Promise<void> {
  await say(chat, 'hi');
  expect(await postUpdate(cs.svc.url, tapUpdate(chat, 'counsellor', upd++))).toBe(200);
  for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
  await until(async () => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status === 'queued', 15_000, 'queued');
}

/** The console's event stream with a session cookie; collects the change notices as sent. */
function openStream(cookie: string): { events: Record<string, unknown>[]; ready: Promise<void>; close(): void } {
  const events: Record<string, unknown>[] = [];
  let opened: () => void = () => undefined;
  const ready = new Promise<void>((r) => { opened = r; });
  const req = http.get(`${cs.url}/console/api/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block);
        if (/^event: hello$/m.test(block)) opened();
        if (/^event: change$/m.test(block) && data) events.push(JSON.parse(data[1]!));
      }
    });
  });
  req.on('error', () => undefined);
  return { events, ready, close: () => req.destroy() };
}
async function cookieOf(username: string): Promise<{ cookie: string; csrf: string }> {
  const r = await request(cs.url).post('/console/api/login').send({ username, password: 'correct horse battery' });
  return { cookie: String(r.headers['set-cookie']).split(';')[0]!, csrf: r.body.csrfToken as string };
}
const online = async (u: string) => !!(await PresenceModel.findOne({ username: u }).lean())?.online;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue notices and presence', () => {
  it('a queue notice says "danger" and carries nothing about the person', async () => {
    const { cookie } = await cookieOf('lan');
    const lan = await login(cs.url, 'lan');
    await post(lan, '/presence', { online: true });
    const stream = openStream(cookie);
    try {
      await askForCounsellor(2001);
      const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
      await until(async () => stream.events.some((e) => e.kind === 'queue' && e.hid === hid), 5000, 'queue notice');
      expect(stream.events.find((e) => e.kind === 'queue' && e.hid === hid)).toEqual({ kind: 'queue', hid, danger: false });
      await say(2001, 'cứu tôi với chồng tôi đang đánh tôi');
      await until(async () => stream.events.some((e) => e.kind === 'queue' && e.hid === hid && e.danger === true), 8000, 'danger notice');
      for (const e of stream.events) expect(Object.keys(e).sort()).toEqual(e.kind === 'queue' ? ['danger', 'hid', 'kind'] : ['hid', 'kind']);
      expect(JSON.stringify(stream.events)).not.toMatch(/cứu|2001|chồng/);
    } finally { stream.close(); }
  });

  it('GET /presence says what the server has: on after the switch, off after log-out; no session → 401', async () => {
    expect((await request(cs.url).get('/console/api/presence')).status).toBe(401);
    const minh = await login(cs.url, 'minh');
    expect((await minh.agent.get('/console/api/presence')).body).toEqual({ online: false });
    await post(minh, '/presence', { online: true });
    // A reload (a new page, the same session) reads the truth.
    expect((await minh.agent.get('/console/api/presence')).body).toEqual({ online: true });
    expect((await post(minh, '/logout')).status).toBe(200);
    expect(await online('minh')).toBe(false);
    const again = await login(cs.url, 'minh');
    expect((await again.agent.get('/console/api/presence')).body).toEqual({ online: false });
    const root = await login(cs.url, 'root');
    expect((await root.agent.get('/console/api/presence')).body).toEqual({ online: false });
  });

  it('presence ends after the last console tab closed (after the grace period), not while one is open or on a reload', async () => {
    const { cookie, csrf } = await cookieOf('minh');
    expect((await request(cs.url).post('/console/api/presence').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ online: true })).status).toBe(200);
    const tab1 = openStream(cookie);
    const tab2 = openStream(cookie);
    await Promise.all([tab1.ready, tab2.ready]);
    tab1.close();
    await sleep(2500); // longer than the grace period
    expect(await online('minh')).toBe(true); // one tab still open
    tab2.close();
    // A reload: the stream comes back within the grace period.
    const reloaded = openStream(cookie);
    await reloaded.ready;
    await sleep(2500);
    expect(await online('minh')).toBe(true);
    reloaded.close();
    await until(async () => !(await online('minh')), 5000, 'offline after the last tab');
    await until(() => AuditModel.findOne({ actor: 'minh', action: 'offline', 'detail.reason': 'tabs_closed' }).lean(), 5000, 'audit row');
  });
});

describe('reply window', () => {
  const zaloEvent = (user: string, text: string) => JSON.stringify({
    app_id: APP_ID, user_id_by_app: '1', event_name: 'user_send_text', sender: { id: user }, recipient: { id: 'oa-1' },
    message: { msg_id: `m-${upd++}`, text }, timestamp: String(Date.now()),
  });
  const zaloSay = async (user: string, text: string) => {
    const raw = zaloEvent(user, text);
    const ts = (/"timestamp":"(\d+)"/.exec(raw) ?? [])[1] ?? '';
    const r = await fetch(`${cs.svc.url}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': signZalo(raw, { appId: APP_ID, oaSecret: OA_SECRET, timestamp: ts }) }, body: raw });
    expect(r.status).toBe(200);
  };

  it('a Zalo case shows until when the counsellor can reply (ZALO_REPLY_WINDOW_HOURS from the last message); Telegram has no limit', async () => {
    const lan = await login(cs.url, 'lan');
    await post(lan, '/presence', { online: true });
    const user = 'zuser-alerts-1';
    const zpid = cs.svc.wired.pipeline.pidOf({ channel: 'zalo', channelUserId: user });
    await zaloSay(user, 'hi');
    await zalo.waitFor(() => zalo.sent(user).some((t) => t.split('\n').some((l) => /^\d+\. .*tư vấn viên/i.test(l))), 15_000);
    const menu = zalo.sent(user).find((t) => t.split('\n').some((l) => /^\d+\. .*tư vấn viên/i.test(l)))!;
    await zaloSay(user, menu.split('\n').find((l) => /^\d+\. .*tư vấn viên/i.test(l))!.split('.')[0]!);
    for (const t of ['1', '1', '3', 'ha noi']) { await sleep(150); await zaloSay(user, t); }
    const z = await until(() => HandoffCaseModel.findOne({ pid: zpid, status: 'queued' }).lean(), 15_000, 'zalo queued');
    expect((await post(lan, `/queue/${z.hid}/claim`)).status).toBe(200);
    const tHid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
    expect((await post(lan, `/queue/${tHid}/claim`)).status).toBe(200);
    const cases = (await lan.agent.get('/console/api/cases')).body.cases as { hid: string; replyUntil: string | null }[];
    const last = (await HandoffCaseModel.findOne({ hid: z.hid }).lean())!.lastPersonAt;
    expect(cases.find((c) => c.hid === z.hid)!.replyUntil).toBe(new Date(last.getTime() + 24 * 3_600_000).toISOString());
    expect(cases.find((c) => c.hid === tHid)!.replyUntil).toBeNull();
  }, 60_000);
});

describe('block and unblock', () => {
  it('blocks with a coded reason and a duration: audited, marked, the person told kindly with the emergency numbers', async () => {
    const lan = await login(cs.url, 'lan');
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
    const root = await login(cs.url, 'root');
    expect((await post(root, `/cases/${hid}/block`, { hours: 24, reason: 'spam_or_prank' })).status).toBe(403);
    const minh = await login(cs.url, 'minh');
    expect((await post(minh, `/cases/${hid}/block`, { hours: 24, reason: 'spam_or_prank' })).status).toBe(403); // not their case
    expect((await post(lan, `/cases/${hid}/block`, { hours: 24 * 31, reason: 'spam_or_prank' })).status).toBe(400);
    const before = tg.sent(2001).length;
    const r = await post(lan, `/cases/${hid}/block`, { hours: 24, reason: 'abusive_to_staff' });
    expect(r.status).toBe(200);
    const until24 = new Date(r.body.until as string);
    expect(Math.abs(until24.getTime() - Date.now() - 24 * 3_600_000)).toBeLessThan(60_000);
    expect((await ConversationModel.findOne({ pid: pidOf(2001) }).lean())!.blockedUntil!.toISOString()).toBe(until24.toISOString());
    await tg.waitFor(() => tg.sent(2001).slice(before).some((t) => /nhắn lại cho chúng tôi từ \d\d\/\d\d\/\d{4} \d\d:\d\d/.test(t)));
    await tg.waitFor(() => tg.sent(2001).slice(before).some((t) => t.includes('113')));
    const c = ((await lan.agent.get('/console/api/cases')).body.cases as { hid: string; blockedUntil: string; blockReason: string }[]).find((x) => x.hid === hid)!;
    expect(c).toMatchObject({ blockedUntil: until24.toISOString(), blockReason: 'abusive_to_staff' });
    const blocks = (await minh.agent.get('/console/api/blocks')).body.blocks as { hid: string; reason: string; until: string; by: string }[];
    expect(blocks).toContainEqual({ hid, channel: 'telegram', lang: 'vi', reason: 'abusive_to_staff', until: until24.toISOString(), by: 'lan' });
    expect(JSON.stringify(blocks)).not.toContain(pidOf(2001));
    expect((await root.agent.get('/console/api/blocks')).status).toBe(403);
    expect((await request(cs.url).get('/console/api/blocks')).status).toBe(401);
    const row = await AuditModel.findOne({ action: 'block', actor: 'lan' }).sort({ at: -1 }).lean();
    expect(row!.detail).toMatchObject({ hid, reason: 'abusive_to_staff', hours: 24 });
  });

  it('a blocked person: no relay, but every message gets the emergency numbers and when they can write again', async () => {
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
    const msgs = await HandoffMessageModel.countDocuments({ caseId: hid });
    const before = tg.sent(2001).length;
    await say(2001, 'xin chào');
    await tg.waitFor(() => tg.sent(2001).slice(before).some((t) => /nhắn lại từ \d\d\/\d\d\/\d{4}/.test(t)));
    expect(tg.sent(2001).slice(before).some((t) => t.includes('113'))).toBe(true);
    expect(await HandoffMessageModel.countDocuments({ caseId: hid })).toBe(msgs);
  });

  it('unblock by another counsellor, a supervisor or a manager (not an admin), audited; the person is told', async () => {
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
    expect((await request(cs.url).post(`/console/api/cases/${hid}/unblock`)).status).toBe(401);
    const root = await login(cs.url, 'root');
    expect((await post(root, `/cases/${hid}/unblock`)).status).toBe(403);
    const minh = await login(cs.url, 'minh');
    expect((await post(minh, '/cases/hnotacase/unblock')).status).toBe(404);
    const before = tg.sent(2001).length;
    expect((await post(minh, `/cases/${hid}/unblock`)).status).toBe(200);
    expect((await ConversationModel.findOne({ pid: pidOf(2001) }).lean())!.blockedUntil).toBeNull();
    await tg.waitFor(() => tg.sent(2001).slice(before).some((t) => /nhắn tin cho chúng tôi như bình thường/.test(t)));
    expect((await post(minh, `/cases/${hid}/unblock`)).status).toBe(409);
    expect(await AuditModel.findOne({ action: 'unblock', actor: 'minh', 'detail.hid': hid }).lean()).not.toBeNull();
    // A supervisor can block any case; a manager (who reads no live chat) cannot block but can lift it.
    const sup = await login(cs.url, 'sup');
    expect((await post(sup, `/cases/${hid}/block`, { hours: 72, reason: 'threats_to_staff' })).status).toBe(200);
    const hoa = await login(cs.url, 'hoa');
    expect((await post(hoa, `/cases/${hid}/block`, { hours: 24, reason: 'threats_to_staff' })).status).toBe(403);
    expect((await post(hoa, `/cases/${hid}/unblock`)).status).toBe(200);
    expect((await minh.agent.get('/console/api/blocks')).body.blocks).toEqual([]);
  });

  it('a supervisor blocks someone waiting in the queue: the queue row shows the block and its expiry', async () => {
    await askForCounsellor(2002);
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2002), status: 'queued' }).lean())!.hid;
    const sup = await login(cs.url, 'sup');
    const r = await post(sup, `/cases/${hid}/block`, { hours: 24, reason: 'spam_or_prank' });
    expect(r.status).toBe(200);
    const lan = await login(cs.url, 'lan');
    const row = ((await lan.agent.get('/console/api/queue')).body.queue as { hid: string; blockedUntil: string | null; blockReason: string | null }[]).find((q) => q.hid === hid)!;
    expect(row).toMatchObject({ blockedUntil: r.body.until, blockReason: 'spam_or_prank' });
    expect((await post(lan, `/cases/${hid}/unblock`)).status).toBe(200);
    const after = ((await lan.agent.get('/console/api/queue')).body.queue as { hid: string; blockedUntil: string | null }[]).find((q) => q.hid === hid)!;
    expect(after.blockedUntil).toBeNull();
  });

  it('a blocked person can still erase their data at once', async () => {
    const lan = await login(cs.url, 'lan');
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001) }).lean())!.hid;
    expect((await post(lan, `/cases/${hid}/block`, { hours: 24, reason: 'spam_or_prank' })).status).toBe(200);
    await say(2001, 'xóa dữ liệu của tôi');
    await tg.waitFor(() => tg.sent(2001).some((t) => /không thể hoàn tác|không hoàn tác/i.test(t)), 8000);
    expect(await postUpdate(cs.svc.url, tapUpdate(2001, 'erase_yes', upd++))).toBe(200);
    await until(async () => (await ConversationModel.countDocuments({ pid: pidOf(2001) })) === 0, 8000, 'conversation erased');
    expect(await HandoffCaseModel.countDocuments({ pid: pidOf(2001) })).toBe(0);
    expect(await HandoffMessageModel.countDocuments({ pid: pidOf(2001) })).toBe(0);
  });
});
