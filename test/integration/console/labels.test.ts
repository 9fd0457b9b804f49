/**
 * Issue #15, labels part, on the real server and database: the label catalogue route, the
 * audit log's filters and pages (with a clear 400 for bad filter input), and the returning
 * person's history (earlier dispositions, the sealed note opened only by the counsellor
 * handling the case or a supervisor, each opening audited without the note's text).
 */
import { monthOf } from '../../../src/cases';
import { AuditModel } from '../../../src/console/store';
import type { EventContext } from '../../../src/conversations';
import { buildReport, buildReportFromCases, parsePeriod } from '../../../src/reports';
import { ConversationModel } from '../../../src/conversations/store';
import { HandoffCaseModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from './harness';

let cs: ConsoleService;
let tg: FakeTelegram;
let upd = 70_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  cs = await startConsoleService(telegramEnv(tg.url));
  for (const u of ['lan', 'minh']) await makeUser(u, 'counsellor');
  await makeUser('hoa', 'manager');
  await makeUser('sup', 'supervisor');
  await makeUser('root', 'admin');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); });

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function tap(chat: number, data: string): Promise<void> { expect(await postUpdate(cs.svc.url, tapUpdate(chat, data, upd++))).toBe(200); }
const status = async (chat: number) => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status;

/** Walk the counsellor flow to the request, wait until queued; the new case's hid. */
async function queue(chat: number): Promise<string> {
  const before = new Set((await HandoffCaseModel.find({ pid: pidOf(chat) }).lean()).map((c) => c.hid));
  await say(chat, 'hi');
  await tap(chat, 'counsellor');
  for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
  await until(async () => (await status(chat)) === 'queued', 8000, 'queued');
  return (await until(async () => (await HandoffCaseModel.find({ pid: pidOf(chat), status: 'queued' }).lean()).find((c) => !before.has(c.hid)), 8000, 'new case'))!.hid;
}

describe('GET /labels', () => {
  it('answers every signed-in role with the catalogue in vi or en; 401 without a session; 400 for another language', async () => {
    const anon = await (await import('supertest')).default(cs.url).get('/console/api/labels?lang=vi');
    expect(anon.status).toBe(401);
    for (const u of ['lan', 'hoa', 'root']) {
      const a = await login(cs.url, u);
      const vi = await a.agent.get('/console/api/labels?lang=vi');
      expect(vi.status).toBe(200);
      expect(vi.body.labels.violence.physical_assault).toBe('Bạo lực thể chất');
      expect(vi.body.labels.province['ha-noi']).toBe('Hà Nội');
      expect(vi.body.labels.auditAction.note_open).toBeTruthy();
    }
    const lan = await login(cs.url, 'lan');
    const en = await lan.agent.get('/console/api/labels?lang=en');
    expect(en.body.labels.ageGroup['18_29']).toBe('18–29');
    expect(en.body.labels.province['ha-noi']).toBe('Hanoi');
    expect((await lan.agent.get('/console/api/labels?lang=fr')).status).toBe(400);
    expect((await lan.agent.get('/console/api/labels?lang=vi&lang=en')).status).toBe(400);
  });
});

describe('the returning person\'s history', () => {
  let first = '';
  let second = '';
  const NOTE = 'Chị ấy muốn được gọi lại sau 20 giờ; đã nói về nhà tạm lánh.';

  it('keeps the coded disposition on the closed case and shows it, with the kept note, to the counsellor of the next case', async () => {
    const lan = await login(cs.url, 'lan');
    const minh = await login(cs.url, 'minh');
    await post(lan, '/presence', { online: true });
    await post(minh, '/presence', { online: true });
    first = await queue(3001);
    expect((await post(lan, `/queue/${first}/claim`)).status).toBe(200);
    const d = { violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner', referrals: ['shelter', 'police'], outcome: 'referred', note: NOTE };
    expect((await post(lan, `/cases/${first}/close`, d)).status).toBe(200);
    expect((await HandoffCaseModel.findOne({ hid: first }).lean())!.disposition).toMatchObject({ outcome: 'referred', referrals: ['shelter', 'police'] });

    second = await queue(3001);
    expect((await post(minh, `/queue/${second}/claim`)).status).toBe(200);
    const h = await minh.agent.get(`/console/api/cases/${second}/history`);
    expect(h.status).toBe(200);
    expect(h.body.episodes).toHaveLength(1);
    const e = h.body.episodes[0];
    expect(e).toMatchObject({ hid: first, channel: 'telegram', outcome: 'closed', counsellorId: 'lan' });
    expect(e.disposition).toMatchObject({ violenceTypes: ['physical_assault'], perpetratorRelation: 'intimate_partner', outcome: 'referred' });
    expect(e.note).toMatchObject({ author: 'lan' });
    expect(JSON.stringify(h.body)).not.toContain('nhà tạm lánh'); // the list never carries the note's text
  });

  it('lets only the counsellor handling the case, or a supervisor, read it: others 403, manager and admin 403, no session 401', async () => {
    const lan = await login(cs.url, 'lan');
    expect((await lan.agent.get(`/console/api/cases/${second}/history`)).status).toBe(403);
    expect((await post(lan, `/cases/${second}/history/${first}/note`)).status).toBe(403);
    const sup = await login(cs.url, 'sup');
    expect((await sup.agent.get(`/console/api/cases/${second}/history`)).status).toBe(200);
    const hoa = await login(cs.url, 'hoa');
    expect((await hoa.agent.get(`/console/api/cases/${second}/history`)).status).toBe(403);
    expect((await post(hoa, `/cases/${second}/history/${first}/note`)).status).toBe(403);
    const root = await login(cs.url, 'root');
    expect((await root.agent.get(`/console/api/cases/${second}/history`)).status).toBe(403);
    expect((await post(root, `/cases/${second}/history/${first}/note`)).status).toBe(403);
    const anon = (await import('supertest')).default(cs.url);
    expect((await anon.get(`/console/api/cases/${second}/history`)).status).toBe(401);
    expect((await lan.agent.get('/console/api/cases/nope/history')).status).toBe(404);
    expect((await lan.agent.get(`/console/api/cases/${encodeURIComponent('a b')}/history`)).status).toBe(400);
  });

  it('opens the note for the counsellor handling the case and audits the opening without the text', async () => {
    const minh = await login(cs.url, 'minh');
    const r = await post(minh, `/cases/${second}/history/${first}/note`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ text: NOTE, author: 'lan' });
    const rows = await AuditModel.find({ action: 'note_open' }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'minh', target: first, detail: { hid: second, author: 'lan' } });
    expect(JSON.stringify(await AuditModel.find({}).lean())).not.toContain('tạm lánh');
    // A note of someone else's case, or of the case itself, is not found; a malformed id is a 400.
    expect((await post(minh, `/cases/${second}/history/${second}/note`)).status).toBe(404);
    expect((await post(minh, `/cases/${second}/history/not-a-case/note`)).status).toBe(404);
    expect((await post(minh, `/cases/${second}/history/${encodeURIComponent('x y')}/note`)).status).toBe(400);
    expect(await AuditModel.countDocuments({ action: 'note_open' })).toBe(1);
  });
});

describe('GET /audit with filters and pages', () => {
  it('filters by user, action and local day, pages on the server, and answers 400 to bad filters', async () => {
    const hoa = await login(cs.url, 'hoa');
    const get = (q: string) => hoa.agent.get(`/console/api/audit?${q}`);
    const all = await get('limit=200');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThan(5);
    const logins = await get('action=login&actor=minh');
    expect(logins.status).toBe(200);
    expect(logins.body.entries.length).toBeGreaterThan(0);
    expect(logins.body.entries.every((e: { action: string; actor: string }) => e.action === 'login' && e.actor === 'minh')).toBe(true);
    expect(logins.body.total).toBe(await AuditModel.countDocuments({ action: 'login', actor: 'minh' }));
    // Pages: two pages of one entry are the two newest entries, in order.
    const p1 = await get('limit=1&skip=0');
    const p2 = await get('limit=1&skip=1');
    expect([p1.body.entries[0].at, p2.body.entries[0].at]).toEqual(all.body.entries.slice(0, 2).map((e: { at: string }) => e.at));
    expect(p1.body).toMatchObject({ limit: 1, skip: 0, total: all.body.total });
    // Days are local days: everything today is in today; nothing before 2020.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect((await get(`from=${today}&to=${today}`)).body.total).toBe(all.body.total);
    expect((await get('to=2019-12-31')).body.total).toBe(0);
    for (const bad of ['action=bogus', 'from=2026-13-01', 'from=2026-11-30&to=2026-11-01', 'actor[$gt]=', 'limit=-1', 'skip=x', 'actor=a%20b', 'action=login&action=close']) {
      const r = await get(bad);
      expect([bad, r.status]).toEqual([bad, 400]);
      expect(r.body.error).toBe('invalid');
    }
    const lan = await login(cs.url, 'lan');
    expect((await lan.agent.get('/console/api/audit')).status).toBe(403);
  });
});

describe('reports: bot listings apart from counsellor referrals', () => {
  it('counts the bot showing a list as a listing only, and the close form\'s referrals as counsellor referrals', async () => {
    const now = new Date();
    const ctx: EventContext = { pid: 'pid-listing-only', channel: 'telegram', lang: 'vi', at: now, vars: {}, status: 'bot', updateId: 'listing-1' };
    await cs.cases.onEvents(ctx, [{ type: 'referral', province: 'ha-noi', categories: ['police', 'legal_aid'] }]);
    const period = parsePeriod(monthOf(now, 'Asia/Ho_Chi_Minh'))!;
    const r = await buildReport(period);
    const cells = (d: keyof typeof r.dims) => Object.fromEntries(r.dims[d].filter((c) => c.count > 0).map((c) => [c.code, c.count]));
    // The counsellor of person 3001 referred to shelter and police; the bot only showed a list.
    expect(cells('counsellorReferral')).toEqual({ police: 1, shelter: 1 });
    expect(cells('listing')).toEqual({ police: 1, legal_aid: 1 });
    expect(cells('referral')).toEqual({ police: 2, shelter: 1, legal_aid: 1 }); // both together, as before
    // The rollup and the raw aggregation agree on the new breakdowns.
    expect((await buildReportFromCases(period, {}, new Date(r.generatedAt))).dims).toEqual(r.dims);
  });
});
