/**
 * NoSQL injection on the console, on the real server and database. Log-in with operator
 * objects (`{"$gt": ""}`, `{"$ne": null}`, `{"$regex": ".*"}`), arrays and nested objects
 * in the username and/or the password, as JSON and as urlencoded `username[$gt]=` forms,
 * while real users with a known password exist: never a session that grants access, always
 * 400/401/415, never 5xx. Then the JSON endpoints that take ids from the path, the body or
 * the query, called by a logged-in counsellor and manager with operator objects: 400, and
 * nothing changed in the database.
 *
 * The log-in rate limit is per client and in memory (30 per 15 minutes by default): this
 * file makes fewer than 30 log-in requests that reach the limiter (forms are refused before
 * it, malformed JSON before the router), and asserts that none of them was a 429.
 */
import mongoose from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../../src/cases/store';
import { verifyLogin } from '../../../src/console';
import { AuditModel, SessionModel, UserModel } from '../../../src/console/store';
import { ConversationModel } from '../../../src/conversations/store';
import { FollowUpModel, HandoffCaseModel, HandoffMessageModel, PresenceModel } from '../../../src/handoff/store';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { Agent, ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from './harness';

let cs: ConsoleService;
let tg: FakeTelegram;
const logs = captureLogs();
const PASSWORD = 'correct horse battery';
let upd = 70_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  cs = await startConsoleService(telegramEnv(tg.url));
  // Every user has the same password: an operator in the username that reached the query
  // would match some user, and the right password would then log the attacker in.
  for (const u of ['lan', 'minh']) await makeUser(u, 'counsellor', PASSWORD);
  await makeUser('hoa', 'manager', PASSWORD);
  await makeUser('root', 'admin', PASSWORD);
}, 120_000);
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); logs.stop(); });

/** Lift any log-in wait, so a refused log-in below is refused for what it sent, not for earlier failures. */
const failures = () => mongoose.connection.db!.collection('console_login_failures');
const unlockAll = () => failures().deleteMany({});
const PLACE = { address: '127.0.0.1', secret: 'injection-test' };

/** The session cookie of a response, if any. */
const cookieOf = (r: request.Response): string | null => {
  const raw = r.headers['set-cookie'] as unknown as string[] | undefined;
  const c = (raw ?? []).find((x) => x.startsWith('gbv_console='));
  return c ? c.split(';')[0]! : null;
};

/** A cookie from a refused log-in must not open any protected API. */
async function assertNoAccess(r: request.Response): Promise<void> {
  const cookie = cookieOf(r);
  if (!cookie) return;
  for (const path of ['/console/api/me', '/console/api/queue', '/console/api/users']) {
    expect([401, 403]).toContain((await request(cs.url).get(path).set('Cookie', cookie)).status);
  }
}

describe('log-in with operator objects', () => {
  const op = { gt: { $gt: '' }, ne: { $ne: null }, re: { $regex: '.*' } };
  const jsonCases: [string, unknown][] = [
    ['both $gt', { username: op.gt, password: op.gt }],
    ['username $ne null, right password', { username: op.ne, password: PASSWORD }],
    ['username $regex .*, right password', { username: op.re, password: PASSWORD }],
    ['username $gt "", right password', { username: op.gt, password: PASSWORD }],
    ['username $in, right password', { username: { $in: ['lan', 'hoa', 'root'] }, password: PASSWORD }],
    ['username $exists, password $exists', { username: { $exists: true }, password: { $exists: true } }],
    ['username $where', { username: { $where: 'return true' }, password: PASSWORD }],
    ['nested object username', { username: { a: { $gt: '' } }, password: PASSWORD }],
    ['object with a toString key', { username: { toString: 'lan' }, password: PASSWORD }],
    ['real user, password $ne null', { username: 'lan', password: op.ne }],
    ['real user, password $regex', { username: 'lan', password: op.re }],
    ['real user, password $gt', { username: 'root', password: op.gt }],
    ['arrays', { username: ['lan'], password: [PASSWORD] }],
    ['array of usernames', { username: ['lan', 'hoa'], password: PASSWORD }],
    ['real user, array password', { username: 'hoa', password: [PASSWORD] }],
    ['boolean and number', { username: 'lan', password: true }],
    ['number username', { username: 123, password: PASSWORD }],
    ['no password', { username: 'lan' }],
    ['own __proto__ key', JSON.parse(`{"__proto__": {"username": "lan", "password": "${PASSWORD}"}}`)],
    ['an array body', [{ username: op.ne, password: PASSWORD }]],
  ];

  it.each(jsonCases)('JSON %s: refused with 400 before any query, no session', async (_name, body) => {
    await unlockAll();
    const sessions = await SessionModel.countDocuments({});
    const r = await request(cs.url).post('/console/api/login').set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(r.status).toBe(400); // not even a 401: the body is refused as malformed before the user lookup
    expect(r.body.username).toBeUndefined();
    expect(r.body.csrfToken).toBeUndefined();
    await assertNoAccess(r);
    expect(await SessionModel.countDocuments({})).toBe(sessions);
  });

  const forms: string[] = [
    'username[$gt]=&password[$gt]=',
    `username[$ne]=x&password=${encodeURIComponent(PASSWORD)}`,
    'username=lan&password[$regex]=.*',
    `username=${encodeURIComponent('{"$gt":""}')}&password=${encodeURIComponent(PASSWORD)}`,
    `username[]=lan&password[]=${encodeURIComponent(PASSWORD)}`,
  ];

  it.each(forms)('urlencoded form %s: refused (415, a cross-site form cannot log in), no session', async (form) => {
    const r = await request(cs.url).post('/console/api/login').set('Content-Type', 'application/x-www-form-urlencoded').send(form);
    expect(r.status).toBe(415);
    await assertNoAccess(r);
    // The same form under a JSON content type is malformed JSON: 400.
    const j = await request(cs.url).post('/console/api/login').set('Content-Type', 'application/json').send(form);
    expect(j.status).toBe(400);
    await assertNoAccess(j);
  });

  it('left no log-in behind: no session, no "login" audit row, and the password never reached the logs', async () => {
    expect(await SessionModel.countDocuments({})).toBe(0);
    expect(await AuditModel.countDocuments({ action: 'login' })).toBe(0);
    // Each malformed attempt is on the audit log, for the managers to see.
    expect(await AuditModel.countDocuments({ action: 'login_failed', 'detail.malformed': true })).toBe(jsonCases.length);
    expect(logs.text()).not.toContain('request failed'); // what the error boundary logs for a 5xx
    logs.assertAbsent(PASSWORD);
  });

  it('verifyLogin itself refuses anything but strings (the query never receives an object)', async () => {
    await unlockAll();
    for (const [u, p] of [[op.ne, PASSWORD], [op.gt, op.gt], [['lan'], PASSWORD], ['lan', op.ne]] as const) {
      expect(await verifyLogin(u as unknown as string, p as unknown as string, PLACE)).toEqual({ ok: false, locked: false });
    }
    // Nothing counted as a failed attempt either.
    expect(await failures().countDocuments({})).toBe(0);
    // The right password still works.
    expect((await verifyLogin('lan', PASSWORD, PLACE)).ok).toBe(true);
  });
});

describe('console endpoints with operator objects in ids, bodies and queries', () => {
  let lan: Agent;
  let hoa: Agent;
  let queued: string;
  let active: string;
  const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });

  async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
  async function askForCounsellor(chat: number): Promise<string> {
    await say(chat, 'hi');
    expect(await postUpdate(cs.svc.url, tapUpdate(chat, 'counsellor', upd++))).toBe(200);
    for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
    const c = await until(async () => HandoffCaseModel.findOne({ pid: pidOf(chat), status: 'queued' }).lean(), 30_000, `chat ${chat} queued`);
    return c.hid;
  }

  /** What a successful injection would change, read straight from the database. */
  async function snapshot(): Promise<unknown> {
    const cases = await HandoffCaseModel.find({}).sort({ hid: 1 }).lean();
    const convs = await ConversationModel.find({}).sort({ pid: 1 }).lean();
    return {
      handoff: cases.map((c) => ({ hid: c.hid, status: c.status, counsellorId: c.counsellorId, outcome: c.outcome, xfers: c.xfers, gen: c.gen, msgSeq: c.msgSeq, claimedAt: c.claimedAt })),
      conversations: convs.map((c) => ({ pid: c.pid, status: c.status, blockedUntil: c.blockedUntil, version: c.version })),
      handoffMessages: await HandoffMessageModel.countDocuments({}),
      caseOutcomes: (await CaseModel.find({}).sort({ caseId: 1 }).lean()).map((c) => [c.caseId, c.outcome]),
      users: (await UserModel.find({}).sort({ username: 1 }).lean()).map((u) => [u.username, u.role, !!u.disabled]),
      presence: (await PresenceModel.find({}).sort({ username: 1 }).lean()).map((p) => [p.username, p.online]),
      followUps: (await FollowUpModel.find({}).sort({ fid: 1 }).lean()).map((f) => [f.fid, f.status, f.claimedBy]),
      audit: (await AuditModel.find({ action: { $nin: ['login', 'login_failed', 'login_locked'] } }).lean()).map((a) => [a.actor, a.action, a.target]),
    };
  }

  beforeAll(async () => {
    await unlockAll();
    lan = await login(cs.url, 'lan');
    hoa = await login(cs.url, 'hoa');
    expect((await post(lan, '/presence', { online: true })).status).toBe(200);
    await cs.handoff.setOnline('minh', 'counsellor', true);
    queued = await askForCounsellor(881);
    active = await askForCounsellor(882);
    expect((await post(lan, `/queue/${active}/claim`)).status).toBe(200);
    await until(async () => (await ConversationModel.findOne({ pid: pidOf(882) }).lean())?.status === 'with_counsellor', 10_000, 'with counsellor');
    await say(882, 'một tin nhắn');
    await until(async () => HandoffMessageModel.exists({ from: 'person' }), 15_000, 'the person\'s live message');
  }, 180_000);

  /** The snapshot once background work (webhook processing, deliveries) has settled. */
  async function settled(): Promise<unknown> {
    let last = JSON.stringify(await snapshot());
    return until(async () => {
      await new Promise((r) => setTimeout(r, 1000));
      const now = JSON.stringify(await snapshot());
      const same = now === last;
      last = now;
      return same ? JSON.parse(now) as unknown : null;
    }, 20_000, 'a quiet database');
  }

  const enc = (s: string) => encodeURIComponent(s);
  const BAD_IDS = ['{"$gt":""}', '{"$ne":null}', '[object Object]', '$where', 'a b'];
  const okClose = { violenceTypes: [], contextFlags: [], perpetratorRelation: null, referrals: [], outcome: 'info_given' };

  it('answers 400 to every injection attempt and changes nothing in the database', async () => {
    const before = await settled();
    const attempts: { what: string; run: () => Promise<request.Response> }[] = [];
    const add = (what: string, run: () => Promise<request.Response>) => attempts.push({ what, run });
    for (const bad of BAD_IDS) {
      add(`claim ${bad}`, () => post(lan, `/queue/${enc(bad)}/claim`, { hid: { $gt: '' } }));
      add(`release ${bad}`, () => post(lan, `/cases/${enc(bad)}/release`, { hid: { $ne: null } }));
      add(`close ${bad}`, () => post(lan, `/cases/${enc(bad)}/close`, { ...okClose, hid: { $gt: '' } }));
      add(`transfer ${bad}`, () => post(lan, `/cases/${enc(bad)}/transfer`, { to: 'minh' }));
      add(`block ${bad}`, () => post(lan, `/cases/${enc(bad)}/block`, { hours: 5, reason: 'spam_or_prank' }));
      add(`unblock ${bad}`, () => post(lan, `/cases/${enc(bad)}/unblock`, { hid: { $gt: '' } }));
      add(`send ${bad}`, () => post(lan, `/cases/${enc(bad)}/messages`, { text: 'x' }));
      add(`read ${bad}`, () => lan.agent.get(`/console/api/cases/${enc(bad)}/messages`));
      add(`quick ${bad}`, () => lan.agent.get(`/console/api/cases/${enc(bad)}/quick`));
      add(`follow-up ${bad}`, () => post(lan, `/followups/${enc(bad)}/claim`, { fid: { $gt: '' } }));
      add(`reassign ${bad}`, () => post(hoa, `/manager/cases/${enc(bad)}/reassign`, { to: 'minh' }));
      add(`disable user ${bad}`, () => post(hoa, `/users/${enc(bad)}/disable`));
    }
    add('close with an operator outcome', () => post(lan, `/cases/${active}/close`, { ...okClose, outcome: { $ne: null }, hid: { $gt: '' } }));
    add('close with only an operator hid', () => post(lan, `/cases/${active}/close`, { hid: { $gt: '' } }));
    add('transfer to $gt', () => post(lan, `/cases/${active}/transfer`, { to: { $gt: '' } }));
    add('transfer to $ne null', () => post(lan, `/cases/${active}/transfer`, { to: { $ne: null }, hid: { $gt: '' } }));
    add('transfer to an array', () => post(lan, `/cases/${active}/transfer`, { to: ['minh'] }));
    add('send an operator text', () => post(lan, `/cases/${active}/messages`, { text: { $gt: '' } }));
    add('send an array text', () => post(lan, `/cases/${active}/messages`, { text: ['hello'] }));
    add('block with array hours', () => post(lan, `/cases/${active}/block`, { hours: ['5'] }));
    add('block with operator hours', () => post(lan, `/cases/${active}/block`, { hours: { $gt: 0 }, reason: 'spam_or_prank' }));
    add('block with an operator reason', () => post(lan, `/cases/${active}/block`, { hours: 5, reason: { $ne: null } }));
    add('block with a free-text reason', () => post(lan, `/cases/${active}/block`, { hours: 5, reason: 'he is a liar' }));
    add('block without a reason', () => post(lan, `/cases/${active}/block`, { hours: 5 }));
    add('presence with an operator', () => post(lan, '/presence', { online: { $ne: false } }));
    add('presence with a string', () => post(lan, '/presence', { online: 'false' }));
    add('messages after an operator', () => lan.agent.get(`/console/api/cases/${active}/messages?after=${enc('{"$gt":0}')}`));
    add('messages after twice', () => lan.agent.get(`/console/api/cases/${active}/messages?after=1&after=2`));
    add('reassign to $gt', () => post(hoa, `/manager/cases/${active}/reassign`, { to: { $gt: '' } }));
    add('reassign to an array', () => post(hoa, `/manager/cases/${active}/reassign`, { to: ['minh'] }));
    add('add user with an operator username', () => post(hoa, '/users', { username: { $gt: '' }, role: 'counsellor', password: 'long enough pass' }));
    add('add user with arrays', () => post(hoa, '/users', { username: 'eve1', role: ['counsellor'], password: ['long enough pass'] }));
    add('add user with an operator role', () => post(hoa, '/users', { username: 'eve2', role: { $ne: 'admin' }, password: 'long enough pass' }));
    add('audit with a negative skip', () => hoa.agent.get('/console/api/audit?skip=-1'));
    add('audit with an operator limit', () => hoa.agent.get(`/console/api/audit?limit=${enc('{"$gt":0}')}`));
    add('audit with two limits', () => hoa.agent.get('/console/api/audit?limit=1&limit=2'));

    const wrong: string[] = [];
    for (const a of attempts) {
      const r = await a.run();
      if (r.status !== 400) wrong.push(`${a.what}: ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(JSON.parse(JSON.stringify(await snapshot()))).toEqual(before);
    // The case stays where it was: queued, and active with lan.
    expect((await HandoffCaseModel.findOne({ hid: queued }).lean())!.status).toBe('queued');
    expect((await HandoffCaseModel.findOne({ hid: active }).lean())).toMatchObject({ status: 'active', counsellorId: 'lan' });
  }, 120_000);

  it('still serves the well-formed requests (the checks refuse only malformed input)', async () => {
    expect((await lan.agent.get(`/console/api/cases/${active}/messages?after=0`)).status).toBe(200);
    expect((await hoa.agent.get('/console/api/audit?limit=5&skip=0')).body.entries).toHaveLength(5);
    expect((await post(lan, `/cases/${active}/block`, { hours: 1, reason: 'spam_or_prank' })).status).toBe(200);
    expect((await post(lan, `/cases/${active}/transfer`, { to: 'minh' })).status).toBe(200);
    expect((await HandoffCaseModel.findOne({ hid: active }).lean())!.counsellorId).toBe('minh');
    expect((await post(lan, '/presence', { online: false })).status).toBe(200);
    expect((await PresenceModel.findOne({ username: 'lan' }).lean())!.online).toBe(false);
  });

  it('the reports router (other area) never answers 5xx to operator-shaped queries', async () => {
    const qs = [
      `period=${enc('{"$gt":""}')}`, 'period=2026-03&period=2026-04', 'province=a&province=b', `channel=${enc('{"$ne":null}')}`,
      'snapshot=month:2026-03&snapshot=x', `snapshot=${enc('{"$gt":""}')}`, 'period[$gt]=&province[$ne]=',
    ];
    const wrong: string[] = [];
    for (const q of qs) {
      for (const path of ['/console/reports/api/report', '/console/reports/export.csv', '/console/reports/']) {
        const r = await hoa.agent.get(`${path}?${q}`);
        if (r.status >= 500) wrong.push(`${path}?${q}: ${r.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
