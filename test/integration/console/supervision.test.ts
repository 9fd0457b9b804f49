/**
 * Supervision on the real server and database, the person on Telegram (a fake Bot API):
 * - role boundaries: a supervisor takes cases and views any live case read-only; a manager
 *   sees the overview but no message text and takes no case; an admin manages users only;
 * - a supervisor's view is audited and shown to the counsellor (watchers, a system row);
 * - the overview lists staff only, with waiting and handling times; reassign;
 * - wrap-up after a close: no transfer or reassignment reaches the counsellor; claiming or
 *   "end early" ends it;
 * - shift handover notes: personal data refused, who reads and who deletes, retention;
 * - quick texts: seeded, created, edited, retired, restored by managers (audited), offered to
 *   counsellors in the case's language.
 */
import { runUserCommand } from '../../../src/cli/user';
import { AuditModel, HandoverNoteModel, QuickTextModel } from '../../../src/console/store';
import { ConversationModel } from '../../../src/conversations/store';
import { HandoffCaseModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { Agent, ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from './harness';

let cs: ConsoleService;
let tg: FakeTelegram;
const logs = captureLogs();
let upd = 70_000;
let lan: Agent; let minh: Agent; let sup: Agent; let hoa: Agent; let root: Agent;
const PERSON_TEXT = 'em sợ lắm, anh ấy vừa về';

beforeAll(async () => {
  tg = await startFakeTelegram();
  cs = await startConsoleService({ ...telegramEnv(tg.url), WRAPUP_MINUTES: '2', HOTLINE_NUMBER: '1900 0000', HANDOVER_NOTE_HOURS: '48' });
  for (const u of ['lan', 'minh']) await makeUser(u, 'counsellor');
  await makeUser('sup', 'supervisor');
  await makeUser('hoa', 'manager');
  await makeUser('root', 'admin');
  [lan, minh, sup, hoa, root] = await Promise.all([login(cs.url, 'lan'), login(cs.url, 'minh'), login(cs.url, 'sup'), login(cs.url, 'hoa'), login(cs.url, 'root')]);
  for (const a of [lan, minh, sup]) expect((await post(a, '/presence', { online: true })).status).toBe(200);
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); logs.stop(); });

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function tap(chat: number, data: string): Promise<void> { expect(await postUpdate(cs.svc.url, tapUpdate(chat, data, upd++))).toBe(200); }
const status = async (chat: number) => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status;

/** Walk the counsellor flow to the request; returns the queued case id. */
async function queued(chat: number): Promise<string> {
  await say(chat, 'hi');
  await tap(chat, 'counsellor');
  for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
  await until(async () => (await status(chat)) === 'queued', 8000, 'queued');
  return (await HandoffCaseModel.findOne({ pid: pidOf(chat), status: 'queued' }).lean())!.hid;
}
const CLOSE = { violenceTypes: [], contextFlags: [], perpetratorRelation: null, referrals: [], outcome: 'information_given' };
const audited = (action: string, target: string) => AuditModel.findOne({ action, target }).lean();
const get = (a: Agent, path: string) => a.agent.get(`/console/api${path}`);

describe('roles', () => {
  it('a manager takes no case and reads no live message; an admin sees no live case', async () => {
    const hid = await queued(2001);
    expect((await post(hoa, `/queue/${hid}/claim`)).status).toBe(403);
    expect((await post(root, `/queue/${hid}/claim`)).status).toBe(403);
    expect((await post(lan, `/queue/${hid}/claim`)).status).toBe(200);
    await say(2001, PERSON_TEXT);
    for (const a of [hoa, root]) {
      expect((await get(a, `/cases/${hid}/messages`)).status).toBe(403);
      expect((await get(a, `/supervision/cases/${hid}/messages`)).status).toBe(403);
      expect((await post(a, `/supervision/cases/${hid}/watch`)).status).toBe(403);
      expect((await get(a, '/queue')).status).toBe(403);
    }
    expect((await get(root, '/manager/overview')).status).toBe(403);
    expect((await post(root, `/manager/cases/${hid}/reassign`, { to: 'minh' })).status).toBe(403);
    // The manager's overview carries no message text.
    const o = await get(hoa, '/manager/overview');
    expect(o.status).toBe(200);
    expect(JSON.stringify(o.body)).not.toContain(PERSON_TEXT);
    // A counsellor cannot view another's case as a supervisor would.
    expect((await post(minh, `/supervision/cases/${hid}/watch`)).status).toBe(403);
    expect((await get(minh, `/supervision/cases/${hid}/messages`)).status).toBe(403);
  });

  it('a supervisor can also take a case; a manager adds supervisors, not managers', async () => {
    const hid = await queued(2002);
    expect((await post(sup, `/queue/${hid}/claim`)).status).toBe(200);
    expect((await get(sup, '/cases')).body.cases.map((c: { hid: string }) => c.hid)).toContain(hid);
    expect((await post(hoa, '/users', { username: 'sup2', role: 'supervisor', password: 'tám con mèo ngủ trưa' })).status).toBe(201);
    expect((await post(hoa, '/users', { username: 'mgr9', role: 'manager', password: 'tám con mèo ngủ trưa' })).status).toBe(403);
    // The operator's command line knows the role too.
    expect(await runUserCommand(['add', '--username', 'sup3', '--role', 'supervisor', '--password-stdin'], async () => 'tám con mèo ngủ trưa\n', 'test-secret')).toEqual(['user sup3 added (supervisor)']);
    expect(await runUserCommand(['add', '--username', 'boss4', '--role', 'boss', '--password-stdin'], async () => 'tám con mèo ngủ trưa\n', 'test-secret').catch((e: Error) => e.message)).toMatch(/counsellor, supervisor, manager or admin/);
  });
});

describe('a supervisor viewing a live chat', () => {
  it('needs a started view to read; the view is audited and shown to the counsellor; read-only', async () => {
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(2001), status: 'active' }).lean())!.hid;
    await until(async () => (await get(lan, `/cases/${hid}/messages`)).body.messages.some((m: { text: string }) => m.text === PERSON_TEXT), 8000, 'relay');
    expect((await get(sup, `/supervision/cases/${hid}/messages`)).status).toBe(403);
    expect((await post(sup, `/supervision/cases/${hid}/watch`)).status).toBe(200);
    expect(await audited('monitor_start', hid)).toMatchObject({ actor: 'sup', detail: { counsellor: 'lan' } });
    const r = await get(sup, `/supervision/cases/${hid}/messages`);
    expect(r.status).toBe(200);
    expect(r.body.readOnly).toBe(true);
    expect(r.body.messages.map((m: { text: string }) => m.text)).toContain(PERSON_TEXT);
    // The counsellor sees who is viewing, in the case list and as a row in the chat.
    const mine = (await get(lan, '/cases')).body.cases.find((c: { hid: string }) => c.hid === hid);
    expect(mine.watchers).toEqual(['sup']);
    const rows = (await get(lan, `/cases/${hid}/messages`)).body.messages as { from: string; text: string; counsellorId: string }[];
    expect(rows).toContainEqual(expect.objectContaining({ from: 'system', text: 'supervisor_viewing', counsellorId: 'sup' }));
    // Read-only: the supervisor cannot write to the person in someone else's case.
    expect((await post(sup, `/cases/${hid}/messages`, { text: 'xin chào' })).status).toBe(403);
    // A second open of the panel (even two at once) renews the view without a second row.
    const twice = await Promise.all([post(sup, `/supervision/cases/${hid}/watch`), post(sup, `/supervision/cases/${hid}/watch`)]);
    expect(twice.map((x) => x.status)).toEqual([200, 200]);
    const again = (await get(lan, `/cases/${hid}/messages`)).body.messages as { text: string }[];
    expect(again.filter((m) => m.text === 'supervisor_viewing')).toHaveLength(1);
    expect((await post(sup, `/supervision/cases/${hid}/unwatch`)).status).toBe(200);
    expect(await audited('monitor_end', hid)).toMatchObject({ actor: 'sup' });
    expect((await get(lan, '/cases')).body.cases.find((c: { hid: string }) => c.hid === hid).watchers).toEqual([]);
    expect((await get(lan, `/cases/${hid}/messages`)).body.messages.some((m: { text: string }) => m.text === 'supervisor_left')).toBe(true);
    expect((await get(sup, `/supervision/cases/${hid}/messages`)).status).toBe(403);
    expect((await post(sup, `/supervision/cases/${hid}/unwatch`)).status).toBe(404);
    expect((await post(sup, '/supervision/cases/nope/watch')).status).toBe(404);
    logs.assertAbsent(PERSON_TEXT);
  });

  it('the overview lists staff only, with waiting and handling times; a supervisor reassigns', async () => {
    await cs.handoff.heartbeat('hoa', 'manager');
    await cs.handoff.heartbeat('root', 'admin');
    const waiting = await queued(2003);
    const o = (await get(sup, '/manager/overview')).body as { counsellors: { username: string; role: string }[]; queue: { hid: string; waitedMs: number }[]; active: { hid: string; waitedMs: number; handledMs: number; counsellorId: string }[] };
    expect(o.counsellors.map((c) => c.username).sort()).toEqual(['lan', 'minh', 'sup']);
    expect(o.counsellors.find((c) => c.username === 'sup')!.role).toBe('supervisor');
    expect(o.queue.find((q) => q.hid === waiting)!.waitedMs).toBeGreaterThanOrEqual(0);
    const a = o.active.find((c) => c.counsellorId === 'lan')!;
    expect(a.handledMs).toBeGreaterThan(0);
    expect(a.waitedMs).toBeGreaterThanOrEqual(0);
    expect((await post(sup, `/manager/cases/${a.hid}/reassign`, { to: 'minh' })).status).toBe(200);
    expect((await HandoffCaseModel.findOne({ hid: a.hid }).lean())!.counsellorId).toBe('minh');
    expect(await audited('reassign', a.hid)).toMatchObject({ actor: 'sup', detail: { from: 'lan', to: 'minh' } });
    expect((await post(lan, `/queue/${waiting}/claim`)).status).toBe(200);
  });
});

describe('wrap-up', () => {
  it('after a close no transfer reaches the counsellor until it ends; claiming or "end early" ends it', async () => {
    const lanCase = (await HandoffCaseModel.findOne({ pid: pidOf(2003), status: 'active' }).lean())!.hid;
    expect((await get(lan, '/wrapup')).body.until).toBeNull();
    expect((await post(lan, `/cases/${lanCase}/close`, CLOSE)).status).toBe(200);
    const w = (await get(lan, '/wrapup')).body as { until: string; leftMs: number };
    expect(w.leftMs).toBeGreaterThan(60_000);
    expect(w.leftMs).toBeLessThanOrEqual(120_000);
    expect((await cs.handoff.core.staffing()).wrapUp.lan).toBeDefined();
    const minhCase = (await HandoffCaseModel.findOne({ pid: pidOf(2001), status: 'active' }).lean())!.hid;
    const refused = await post(minh, `/cases/${minhCase}/transfer`, { to: 'lan' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('in_wrapup');
    expect((await post(hoa, `/manager/cases/${minhCase}/reassign`, { to: 'lan' })).body.error).toBe('in_wrapup');
    const list = (await get(minh, '/counsellors')).body.counsellors as { username: string; wrapUp: boolean; free: number }[];
    expect(list.find((c) => c.username === 'lan')).toMatchObject({ wrapUp: true, free: 3 });
    const overview = (await get(hoa, '/manager/overview')).body.counsellors as { username: string; wrapUpUntil: string | null }[];
    expect(overview.find((c) => c.username === 'lan')!.wrapUpUntil).not.toBeNull();
    // Ended early: audited, lan's free places count again, and the transfer goes through.
    const during = (await cs.handoff.core.staffing()).freeSlots;
    expect((await post(lan, '/wrapup/end')).body.ended).toBe(true);
    expect((await cs.handoff.core.staffing()).freeSlots).toBe(during + 3);
    expect(await AuditModel.findOne({ action: 'wrapup_end', actor: 'lan' }).lean()).not.toBeNull();
    expect((await post(lan, '/wrapup/end')).body.ended).toBe(false);
    expect((await post(minh, `/cases/${minhCase}/transfer`, { to: 'lan' })).status).toBe(200);
    // Closing again starts a new wrap-up; claiming a case is the counsellor's choice and ends it.
    expect((await post(lan, `/cases/${minhCase}/close`, CLOSE)).status).toBe(200);
    expect((await get(lan, '/wrapup')).body.until).not.toBeNull();
    const next = await queued(2004);
    expect((await post(lan, `/queue/${next}/claim`)).status).toBe(200);
    expect((await get(lan, '/wrapup')).body.until).toBeNull();
    expect((await get(hoa, '/wrapup')).status).toBe(403);
  });
});

describe('shift handover notes', () => {
  it('refuses personal data, is read by everyone, deleted by its author, a supervisor or a manager', async () => {
    for (const text of ['Gọi lại cho chị ấy số 0912 345 678', 'her number: +1 (555) 123-4567', 'email lan.nguyen@example.com', 'ca h0123456789abcdef0123456 cần theo dõi', '', 'x'.repeat(1001)]) {
      const r = await post(lan, '/handover', { text });
      expect(r.status).toBe(400);
      if (text.length > 0 && text.length <= 1000) expect(r.body.error).toBe('personal_data');
    }
    expect((await post(lan, '/handover', { text: { $gt: '' } })).status).toBe(400);
    expect(await HandoverNoteModel.countDocuments({})).toBe(0);
    const note = 'Danh bạ Hà Nội: nhà tạm lánh quận Đống Đa đóng cửa đến thứ Hai. Gọi 113/111 vẫn bình thường, tổng đài 1900 0000 cũng vậy.';
    const r = await post(lan, '/handover', { text: note });
    expect(r.status).toBe(201);
    expect(await audited('handover_add', r.body.nid)).toMatchObject({ actor: 'lan' });
    expect(JSON.stringify(await AuditModel.find({ action: 'handover_add' }).lean())).not.toContain('Đống Đa');
    expect((await post(root, '/handover', { text: 'admin note' })).status).toBe(403);
    for (const a of [minh, sup, hoa, root]) {
      const list = (await get(a, '/handover')).body as { hours: number; notes: { nid: string; text: string; author: string; deletable: boolean }[] };
      expect(list.hours).toBe(48);
      expect(list.notes[0]).toMatchObject({ nid: r.body.nid, text: note, author: 'lan', deletable: a === sup || a === hoa });
    }
    expect((await post(minh, `/handover/${r.body.nid}/delete`)).status).toBe(403);
    expect((await post(sup, `/handover/${r.body.nid}/delete`)).status).toBe(200);
    expect(await audited('handover_delete', r.body.nid)).toMatchObject({ actor: 'sup', detail: { author: 'lan' } });
    expect((await post(sup, `/handover/${r.body.nid}/delete`)).status).toBe(404);
    // Older than HANDOVER_NOTE_HOURS: not shown, and gone.
    await HandoverNoteModel.create({ nid: 'nold', author: 'minh', text: 'cũ', createdAt: new Date(Date.now() - 49 * 3_600_000) });
    expect((await get(lan, '/handover')).body.notes).toEqual([]);
    expect(await HandoverNoteModel.countDocuments({ nid: 'nold' })).toBe(0);
  });
});

describe('quick texts', () => {
  const body = { label: { vi: 'Chào hỏi', en: 'Greeting' }, text: { vi: 'Chào bạn, mình đang nghe đây.', en: 'Hello, I am listening.' } };

  it('are seeded from what the picker offered, managed by managers only, every change audited', async () => {
    const list = (await get(hoa, '/quicktexts')).body.texts as { qid: string; text: { vi: string; en: string }; retired: boolean }[];
    const seed = list.find((q) => q.qid === 'emergency')!;
    expect(seed.text.vi).toContain('113');
    expect(seed.text.en).toContain('113');
    expect(seed.text.vi).toContain('{hotline}');
    for (const a of [lan, sup, root]) {
      expect((await get(a, '/quicktexts')).status).toBe(403);
      expect((await post(a, '/quicktexts', body)).status).toBe(403);
    }
    expect((await post(hoa, '/quicktexts', { label: { vi: '' }, text: { vi: 'x' } })).status).toBe(400);
    expect((await post(hoa, '/quicktexts', { label: { vi: ['a'] }, text: { vi: 'x' } })).status).toBe(400);
    const r = await post(hoa, '/quicktexts', body);
    expect(r.status).toBe(201);
    const qid = r.body.qid as string;
    expect(await audited('quicktext_add', qid)).toMatchObject({ actor: 'hoa', detail: { version: 1 } });

    const hid = (await HandoffCaseModel.findOne({ counsellorId: 'lan', status: 'active' }).lean())!.hid;
    let items = (await get(lan, `/cases/${hid}/quick`)).body.items as { label: string; text: string }[];
    expect(items).toContainEqual({ label: 'Chào hỏi', text: 'Chào bạn, mình đang nghe đây.' });
    expect(items.find((i) => i.label === 'Số khẩn cấp')!.text).toContain('1900 0000');
    expect(items.length).toBeGreaterThan(2); // directory entries for the province follow

    expect((await post(hoa, `/quicktexts/${qid}`, { ...body, text: { vi: 'Chào bạn, mình là tư vấn viên.', en: body.text.en } })).status).toBe(200);
    expect(await audited('quicktext_edit', qid)).toMatchObject({ detail: { version: 2, changed: ['text.vi'] } });
    expect((await QuickTextModel.findOne({ qid }).lean())!.version).toBe(2);
    expect((await post(hoa, '/quicktexts/qnope', body)).status).toBe(404);

    expect((await post(hoa, `/quicktexts/${qid}/retire`)).status).toBe(200);
    expect(await audited('quicktext_retire', qid)).not.toBeNull();
    items = (await get(lan, `/cases/${hid}/quick`)).body.items;
    expect(items.some((i) => i.label === 'Chào hỏi')).toBe(false);
    const kept = ((await get(hoa, '/quicktexts')).body.texts as { qid: string; retired: boolean }[]).find((q) => q.qid === qid);
    expect(kept!.retired).toBe(true);
    expect((await post(hoa, `/quicktexts/${qid}/restore`)).status).toBe(200);
    expect(await audited('quicktext_restore', qid)).not.toBeNull();
    items = (await get(lan, `/cases/${hid}/quick`)).body.items;
    expect(items).toContainEqual({ label: 'Chào hỏi', text: 'Chào bạn, mình là tư vấn viên.' });
    // Another counsellor's case: refused.
    expect((await get(minh, `/cases/${hid}/quick`)).status).toBe(403);
  });
});
