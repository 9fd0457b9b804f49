/**
 * The handoff end to end on the real server, database and engine, with the person on
 * Telegram (a fake Bot API on loopback records what they receive): queue, atomic claim,
 * relay both ways in order, close (case record, purge, feedback), out of hours, waiting too
 * long, exit during handoff, inactivity.
 */
import { CaseModel } from '../../../src/cases/store';
import { ConversationModel } from '../../../src/conversations/store';
import { purgeExpired } from '../../../src/jobs';
import { CaseNoteModel, FollowUpModel, HandoffCaseModel, HandoffMessageModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from './harness';

let cs: ConsoleService;
let tg: FakeTelegram;
const logs = captureLogs();
let upd = 50_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  cs = await startConsoleService(telegramEnv(tg.url));
  for (const u of ['lan', 'minh', 'tuan']) await makeUser(u, 'counsellor');
  await makeUser('hoa', 'manager');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); await tg.close(); logs.stop(); });

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function tap(chat: number, data: string): Promise<void> { expect(await postUpdate(cs.svc.url, tapUpdate(chat, data, upd++))).toBe(200); }
const status = async (chat: number) => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status;

/** Walk the counsellor flow to the request (consent, role, age, province). */
async function askForCounsellor(chat: number): Promise<void> {
  await say(chat, 'hi');
  await tap(chat, 'counsellor');
  for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
}

describe('queue, claim, relay, close', () => {
  it('queues the person with position and wait; the queue shows coded answers, danger first', async () => {
    const lan = await login(cs.url, 'lan');
    await post(lan, '/presence', { online: true });
    await askForCounsellor(1001);
    await until(async () => (await status(1001)) === 'queued', 8000, 'queued');
    await tg.waitFor(() => tg.sent(1001).some((t) => /vị trí số 1/.test(t)));
    // A second person in danger jumps ahead.
    await askForCounsellor(1002);
    await until(async () => (await status(1002)) === 'queued', 8000, 'queued 2');
    await say(1002, 'cứu tôi với chồng tôi đang đánh tôi');
    await tg.waitFor(() => tg.sent(1002).some((t) => t.includes('113')));
    await until(async () => (await HandoffCaseModel.findOne({ pid: pidOf(1002) }).lean())?.danger, 8000, 'danger flag');
    const q = await lan.agent.get('/console/api/queue');
    expect(q.status).toBe(200);
    expect(q.body.queue.map((x: { danger: boolean }) => x.danger)).toEqual([true, false]);
    expect(q.body.queue[1].answers).toMatchObject({ role: 'self', ageGroup: '18_29', province: 'ha-noi' });
    expect(JSON.stringify(q.body)).not.toContain('1001');
  });

  it('claims atomically: two counsellors at once → one 200, one 409', async () => {
    const lan = await login(cs.url, 'lan');
    const minh = await login(cs.url, 'minh');
    await post(minh, '/presence', { online: true });
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(1001) }).lean())!.hid;
    const [a, b] = await Promise.all([post(lan, `/queue/${hid}/claim`), post(minh, `/queue/${hid}/claim`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'lan' : 'minh';
    expect((await HandoffCaseModel.findOne({ hid }).lean())!.counsellorId).toBe(winner);
    expect(await status(1001)).toBe('with_counsellor');
    await tg.waitFor(() => tg.sent(1001).some((t) => /tư vấn viên đã vào/.test(t)));
    if (winner !== 'lan') expect((await post(minh, `/cases/${hid}/transfer`, { to: 'lan' })).status).toBe(200);
  });

  it('relays both ways in order; a manager cannot read the messages of a case they do not hold', async () => {
    const lan = await login(cs.url, 'lan');
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(1001) }).lean())!.hid;
    for (const t of ['một', 'hai', 'ba']) await say(1001, `người: ${t}`);
    for (const t of ['một', 'hai', 'ba']) expect((await post(lan, `/cases/${hid}/messages`, { text: `tvv: ${t}` })).status).toBe(200);
    await tg.waitFor(() => tg.sent(1001).filter((t) => t.startsWith('tvv:')).length === 3);
    expect(tg.sent(1001).filter((t) => t.startsWith('tvv:'))).toEqual(['tvv: một', 'tvv: hai', 'tvv: ba']);
    const msgs = await until(async () => {
      const r = await lan.agent.get(`/console/api/cases/${hid}/messages`);
      const list = r.body.messages as { from: string; text: string; delivery: string | null }[];
      return list.filter((m) => m.from === 'person').length === 3 && list.filter((m) => m.delivery === 'sent').length === 3 ? list : null;
    }, 8000, 'messages');
    expect(msgs.filter((m) => m.from === 'person').map((m) => m.text)).toEqual(['người: một', 'người: hai', 'người: ba']);
    // Sealed at rest.
    const raw = await HandoffMessageModel.find({ caseId: hid }).lean();
    expect(JSON.stringify(raw)).not.toContain('người: một');
    const hoa = await login(cs.url, 'hoa');
    expect((await hoa.agent.get(`/console/api/cases/${hid}/messages`)).status).toBe(403);
    const minh = await login(cs.url, 'minh');
    expect((await minh.agent.get(`/console/api/cases/${hid}/messages`)).status).toBe(403);
    logs.assertAbsent('người: một', 'tvv: hai');
  });

  it('closes with a disposition: case record finalised, messages purged, feedback asked, note sealed', async () => {
    const lan = await login(cs.url, 'lan');
    const pid = pidOf(1001);
    const hid = (await HandoffCaseModel.findOne({ pid }).lean())!.hid;
    const bad = await post(lan, `/cases/${hid}/close`, { violenceTypes: ['not_a_type'], contextFlags: [], perpetratorRelation: null, referrals: [], outcome: 'referred' });
    expect(bad.status).toBe(400);
    const r = await post(lan, `/cases/${hid}/close`, {
      violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner',
      referrals: ['police', 'legal_aid'], outcome: 'referred', note: 'ghi chú riêng',
    });
    expect(r.status).toBe(200);
    expect(await HandoffMessageModel.countDocuments({ caseId: hid })).toBe(0);
    expect(await status(1001)).toBe('bot');
    const c = await CaseModel.findOne({ pid }).sort({ startedAt: -1 }).lean();
    expect(c).toMatchObject({ violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner', outcome: 'referred' });
    expect(c!.referrals).toEqual(expect.arrayContaining(['police', 'legal_aid']));
    expect(JSON.stringify(c)).not.toContain('người');
    const note = await CaseNoteModel.findOne({ hid }).lean();
    expect(note!.noteSealed).not.toContain('ghi chú');
    await tg.waitFor(() => tg.sent(1001).some((t) => /kết thúc cuộc trò chuyện/.test(t)));
    await until(async () => ((await ConversationModel.findOne({ pid }).lean())?.state as { node?: string })?.node === 'feedback.start', 5000, 'feedback node');
    expect((await post(lan, `/cases/${hid}/close`, { violenceTypes: [], contextFlags: [], perpetratorRelation: null, referrals: [], outcome: 'referred' })).status).toBe(404);
  });

  it('exit during a handoff ends it at once; the counsellor sees that the person left and can still read the chat until the close form', async () => {
    let lan = await login(cs.url, 'lan');
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(1002), status: 'queued' }).lean())!.hid;
    expect((await post(lan, `/queue/${hid}/claim`)).status).toBe(200);
    await say(1002, 'tin nhắn riêng tư');
    await until(async () => (await HandoffMessageModel.countDocuments({ caseId: hid, from: 'person' })) === 2, 5000, 'relay');
    await say(1002, 'thoát');
    await until(async () => (await status(1002)) === 'bot', 5000, 'status bot');
    const cases = (await lan.agent.get('/console/api/cases')).body.cases as { hid: string; personLeft: boolean }[];
    expect(cases.find((x) => x.hid === hid)!.personLeft).toBe(true);
    const msgs = (await lan.agent.get(`/console/api/cases/${hid}/messages`)).body.messages as { from: string; text: string }[];
    // The transcript stays readable (sealed) until the close form is filled in.
    expect(msgs.map((m) => m.text)).toContain('tin nhắn riêng tư');
    expect(msgs[msgs.length - 1]!.text).toBe('person_left');
    // Not even the daily retention purge takes it while the case is held.
    await purgeExpired(cs.svc.config, new Date(Date.now() + 2 * 3_600_000));
    expect(await HandoffMessageModel.countDocuments({ caseId: hid, from: 'person' })).toBeGreaterThan(0);
    lan = await login(cs.url, 'lan'); // that purge, two hours ahead, also ended the session
    expect((await post(lan, `/cases/${hid}/messages`, { text: 'còn đó không?' })).status).toBe(409);
    expect((await post(lan, `/cases/${hid}/close`, { violenceTypes: [], contextFlags: [], perpetratorRelation: null, referrals: [], outcome: 'safety_plan' })).body.debrief).toBe(true);
    // Purged right after the close.
    expect(await HandoffMessageModel.countDocuments({ caseId: hid })).toBe(0);
  });
});

describe('time and availability', () => {
  it('nobody online: the truth first (no promise, no request), then a safe time → follow-up', async () => {
    const lan = await login(cs.url, 'lan');
    const minh = await login(cs.url, 'minh');
    await post(lan, '/presence', { online: false });
    await post(minh, '/presence', { online: false });
    await say(1003, 'hi');
    await tap(1003, 'counsellor');
    await tg.waitFor(() => tg.sent(1003).some((t) => /chưa có tư vấn viên nào rảnh/.test(t)));
    const after = tg.sent(1003).slice(tg.sent(1003).findIndex((t) => /chưa có tư vấn viên nào rảnh/.test(t)));
    expect(after[0]).toMatch(/113/);
    // Never the consent, the queue or a shift time that is "now".
    expect(tg.sent(1003).some((t) => /đã báo cho tư vấn viên|hàng chờ|Ca trực tiếp theo bắt đầu/.test(t))).toBe(false);
    expect(await HandoffCaseModel.countDocuments({ pid: pidOf(1003) })).toBe(0);
    expect(await status(1003)).toBe('bot');
    await tap(1003, 'leave_time');
    await say(1003, 'buoi toi');
    const f = await until(() => FollowUpModel.findOne({ pid: pidOf(1003) }).lean(), 5000, 'follow-up');
    expect(f.window).toBe('evening');
    const list = (await lan.agent.get('/console/api/followups')).body.followUps as { fid: string; claimable: boolean }[];
    expect(list.map((x) => x.fid)).toContain(f.fid);
    // Claimable only in the chosen window (office hours are all day in this test).
    const evening = new Date('2026-03-03T13:00:00Z'); // 20:00 in Viet Nam
    const morning = new Date('2026-03-03T02:00:00Z'); // 09:00
    expect((await cs.handoff.claimFollowUp('lan', f.fid, morning))).toEqual({ ok: false, code: 'outside_window' });
    const ok = await cs.handoff.claimFollowUp('lan', f.fid, evening);
    expect(ok.ok).toBe(true);
    expect(await status(1003)).toBe('with_counsellor');
    await tg.waitFor(() => tg.sent(1003).some((t) => /khung giờ bạn đã chọn/.test(t)));
  });

  it('waiting too long: a message with alternatives; inactivity closes as abandoned', async () => {
    const tuan = await login(cs.url, 'tuan');
    await post(tuan, '/presence', { online: true });
    await askForCounsellor(1004);
    await until(async () => (await status(1004)) === 'queued', 8000, 'queued');
    await cs.handoff.sweep(new Date(Date.now() + cs.svc.config.handoffWaitLimitMs + 60_000));
    await tg.waitFor(() => tg.sent(1004).some((t) => /chưa quên bạn/.test(t)));
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(1004), status: 'queued' }).lean())!.hid;
    expect((await post(tuan, `/queue/${hid}/claim`)).status).toBe(200);
    await cs.handoff.sweep(new Date(Date.now() + cs.svc.config.handoffIdleMs + 60_000));
    const c = await HandoffCaseModel.findOne({ hid }).lean();
    expect(c).toMatchObject({ status: 'ended', outcome: 'abandoned' });
    expect(await status(1004)).toBe('bot');
    await tg.waitFor(() => tg.sent(1004).some((t) => /một lúc lâu không có tin nhắn/.test(t)));
    const rec = await CaseModel.findOne({ pid: pidOf(1004) }).sort({ startedAt: -1 }).lean();
    expect(rec!.outcome).toBe('abandoned');
  });

  it('out of office hours: the line-closed answer and the queue is not left waiting', async () => {
    const tuan = await login(cs.url, 'tuan');
    await post(tuan, '/presence', { online: true });
    await askForCounsellor(1005);
    await until(async () => (await status(1005)) === 'queued', 8000, 'queued');
    // Move the clock to a holiday (Tết 2026): the sweep takes the person out of the queue.
    await cs.handoff.sweep(new Date('2026-02-17T05:00:00Z'));
    expect(await status(1005)).toBe('bot');
    await tg.waitFor(() => tg.sent(1005).some((t) => /ca trực đã kết thúc/.test(t)));
    expect(tg.sent(1005).some((t) => /23:00|ngày 23\/02|07:00|00:00/.test(t))).toBe(true);
  });
});

describe('the truth first, and danger keeps the thread', () => {
  it('one tap from danger to the queue, first in line; the questions come while waiting and update the queue', async () => {
    const tuan = await login(cs.url, 'tuan');
    await post(tuan, '/presence', { online: true });
    await askForCounsellor(1102); // someone already waiting, not in danger
    await until(async () => (await status(1102)) === 'queued', 8000, 'first queued');
    await say(1103, 'anh ấy đang đập cửa, tôi sợ lắm, cứu tôi');
    await tg.waitFor(() => tg.sent(1103).some((t) => t.includes('113')));
    await tap(1103, 'counsellor');
    await until(async () => (await status(1103)) === 'queued', 8000, 'queued in one tap');
    await tg.waitFor(() => tg.sent(1103).some((t) => /vị trí số 1/.test(t)));
    const c = (await HandoffCaseModel.findOne({ pid: pidOf(1103), status: 'queued' }).lean())!;
    expect(c.danger).toBe(true);
    await tap(1103, 'role_self');
    await say(1103, 'anh ấy sắp về rồi'); // a message for the counsellor, not an answer
    await say(1103, '3');
    await until(async () => (await HandoffCaseModel.findOne({ hid: c.hid }).lean())?.answers.ageGroup === '18_29', 5000, 'answers kept');
    const q = (await tuan.agent.get('/console/api/queue')).body.queue as { hid: string; danger: boolean; answers: Record<string, string> }[];
    expect(q[0]).toMatchObject({ hid: c.hid, danger: true, answers: { role: 'self', ageGroup: '18_29' } });
    expect(await HandoffMessageModel.countDocuments({ caseId: c.hid, from: 'person' })).toBeGreaterThanOrEqual(1);
    expect((await post(tuan, `/queue/${c.hid}/claim`)).status).toBe(200);
  });

  it('danger during a live chat: the person gets the emergency numbers and the counsellor sees that the bot sent them', async () => {
    const tuan = await login(cs.url, 'tuan');
    const hid = (await HandoffCaseModel.findOne({ pid: pidOf(1103), status: 'active' }).lean())!.hid;
    const before = tg.sent(1103).filter((t) => t.includes('113')).length;
    await say(1103, 'nó đang cầm dao xông vào phòng');
    await tg.waitFor(() => tg.sent(1103).filter((t) => t.includes('113')).length > before);
    const msgs = await until(async () => {
      const list = (await tuan.agent.get(`/console/api/cases/${hid}/messages`)).body.messages as { from: string; text: string }[];
      return list.some((m) => m.from === 'system' && m.text === 'bot_emergency') ? list : null;
    }, 5000, 'bot_emergency row');
    const i = msgs.findIndex((m) => m.text === 'nó đang cầm dao xông vào phòng');
    expect(msgs[i + 1]).toMatchObject({ from: 'system', text: 'bot_emergency' });
  });
});
