/**
 * The console on a night shift, in a real browser (headless Debian Chromium via playwright-core)
 * against the real server and database; people write on Telegram (a fake Bot API on loopback).
 * - a new danger case alerts: the tab title counts it, a browser notification (observed by
 *   wrapping window.Notification in an init script; permission granted by the browser) says
 *   only "DANGER: person waiting", a beep is played; the sound switch is remembered;
 * - the on-duty box shows the server's truth after a reload;
 * - Alt+N claims the next (danger first); Enter sends, Shift+Enter makes a new line;
 * - the bot's emergency numbers during a live chat are shown highlighted;
 * - a message in a case not on screen: unread badge, case moved to the top, count in the title;
 *   opening the case clears it;
 * - block with a confirmation (reason, duration), the mark and expiry, unblock.
 * Screenshots at laptop (1366×768) and tablet (768×1024) size in test-output/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { AuditModel } from '../../src/console/store';
import { ConversationModel } from '../../src/conversations/store';
import { HandoffCaseModel } from '../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../fakes/fakeTelegram';
import { signZalo, startFakeZalo, FakeZalo } from '../fakes/fakeZalo';
import { postUpdate, telegramEnv, textUpdate } from '../support/telegram';
import { ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from '../integration/console/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
const PHONE = { width: 360, height: 740 };

let cs: ConsoleService;
let tg: FakeTelegram;
let zalo: FakeZalo;
const ZALO = { appId: 'zalo-app-browser', appSecret: 'zalo-app-secret-browser', oaSecret: 'zalo-oa-secret-browser' };
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
let upd = 80_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  zalo = await startFakeZalo({ appId: ZALO.appId, appSecret: ZALO.appSecret, refreshToken: 'rt-1' });
  // A one-hour Zalo reply window: a claimed Zalo case is at once inside the last hour (the warning).
  cs = await startConsoleService({
    ...telegramEnv(tg.url), ZALO_REPLY_WINDOW_HOURS: '1',
    ZALO_APP_ID: ZALO.appId, ZALO_APP_SECRET: ZALO.appSecret, ZALO_OA_SECRET: ZALO.oaSecret, ZALO_REFRESH_TOKEN: 'rt-1', ZALO_API_BASE: zalo.url, ZALO_OAUTH_BASE: zalo.url,
  });
  await makeUser('lan', 'counsellor');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  context = await browser.newContext({ viewport: LAPTOP, locale: 'vi-VN' });
  await context.grantPermissions(['notifications'], { origin: cs.url });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  // Observe what the page does with notifications and sound (the real objects still run).
  await context.addInitScript(() => {
    const w = window as unknown as { __notes: { title: string; body?: string }[]; __beeps: number; Notification: typeof Notification; AudioContext: typeof AudioContext };
    w.__notes = [];
    w.__beeps = 0;
    const Real = w.Notification;
    if (Real) {
      const Wrapped = function (title: string, opts?: NotificationOptions) { w.__notes.push({ title, body: opts?.body }); return new Real(title, opts); } as unknown as typeof Notification;
      Object.defineProperty(Wrapped, 'permission', { get: () => Real.permission });
      (Wrapped as unknown as { requestPermission: typeof Notification.requestPermission }).requestPermission = Real.requestPermission.bind(Real);
      w.Notification = Wrapped;
    }
    const osc = w.AudioContext.prototype.createOscillator;
    w.AudioContext.prototype.createOscillator = function (this: AudioContext) { w.__beeps++; return osc.call(this); };
  });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/401/.test(m.text())) problems.push(`console: ${m.text()}`); });
  mkdirSync(OUT, { recursive: true });
}, 60_000);
afterAll(async () => { await browser?.close(); await cs?.close(); cs?.svc.cleanup(); await tg?.close(); await zalo?.close(); });

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function askForCounsellor(chat: number): Promise<void> {
  await say(chat, 'hi');
  expect(await postUpdate(cs.svc.url, tapUpdate(chat, 'counsellor', upd++))).toBe(200);
  for (const t of ['1', '1', '3', 'ha noi']) await say(chat, t);
  await until(async () => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status === 'queued', 15_000, 'queued');
}
const hidOf = async (chat: number) => (await HandoffCaseModel.findOne({ pid: pidOf(chat) }).sort({ waitingSince: -1 }).lean())!.hid;
const notes = () => page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);
async function shots(name: string, phone = false): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `console-alerts-${name}-laptop.png`), fullPage: true });
  await page.setViewportSize(TABLET);
  await page.screenshot({ path: path.join(OUT, `console-alerts-${name}-tablet.png`), fullPage: true });
  if (phone) {
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(OUT, `console-alerts-${name}-phone.png`), fullPage: true });
  }
  await page.setViewportSize(LAPTOP);
}

it('a new danger case: the title counts it, a notification says only "DANGER", a beep; the sound switch is remembered', async () => {
  await page.goto(`${cs.url}/console/`);
  await page.fill('#username', 'lan');
  await page.fill('#password', 'correct horse battery');
  await page.click('#login-form button[type=submit]');
  await page.locator('#queue-view').waitFor({ state: 'visible' });
  // Permission already granted: no button to ask; never asked on load.
  expect(await page.locator('#notify-permission').isHidden()).toBe(true);
  await page.check('#online');
  await until(async () => (await cs.handoff.presenceOf('lan')).online, 5000, 'online');

  await askForCounsellor(3001);
  await page.waitForFunction(() => document.title.startsWith('(1) Hàng chờ'), undefined, { timeout: 10_000 });
  await until(async () => (await notes()).some((n) => n.title === 'Có người mới đang chờ'), 5000, 'new-person notification');
  await say(3001, 'cứu tôi với chồng tôi đang đánh tôi');
  await page.waitForFunction(() => document.title.startsWith('(1) ⚠ NGUY HIỂM – Hàng chờ'), undefined, { timeout: 10_000 });
  await until(async () => (await notes()).some((n) => n.title === 'NGUY HIỂM: có người đang chờ'), 5000, 'danger notification');
  // Names no one, quotes nothing.
  expect(JSON.stringify(await notes())).not.toMatch(/cứu|chồng|3001|ha noi/);
  expect(await page.evaluate(() => (window as unknown as { __beeps: number }).__beeps)).toBeGreaterThanOrEqual(4); // 1 + 3 for danger
  await page.locator('tr.queue-row .badge.danger').waitFor();
  await shots('queue-danger');

  // The sound can be switched off, and stays off after a reload; the on-duty box shows the server's truth.
  await page.click('#sound');
  expect(await page.evaluate(() => localStorage.getItem('console.sound'))).toBe('off');
  await page.reload();
  await page.locator('#queue-view').waitFor({ state: 'visible' });
  await page.waitForFunction(() => (document.getElementById('online') as HTMLInputElement).checked, undefined, { timeout: 5000 });
  expect(await page.locator('#sound').getAttribute('aria-pressed')).toBe('false');
  await page.waitForFunction(() => document.title.startsWith('(1) ⚠'), undefined, { timeout: 5000 });
  await page.click('#sound');
  expect(await page.locator('#sound').getAttribute('aria-pressed')).toBe('true');
});

it('Alt+N claims the danger case first; Enter sends, Shift+Enter makes a new line; the bot\'s emergency numbers are highlighted', async () => {
  await askForCounsellor(3002); // waits less long and no danger: second in line
  await page.locator('tr.queue-row').nth(1).waitFor({ timeout: 10_000 });
  await page.locator('body').click();
  await page.keyboard.press('Alt+KeyN');
  await page.locator('#chat').waitFor({ state: 'visible' });
  const danger = await hidOf(3001);
  await until(async () => (await HandoffCaseModel.findOne({ hid: danger }).lean())?.counsellorId === 'lan', 5000, 'claimed the danger case');

  await page.click('#send-text');
  await page.keyboard.type('Chào em,');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('chị đang nghe đây.');
  expect(await page.inputValue('#send-text')).toBe('Chào em,\nchị đang nghe đây.');
  await page.keyboard.press('Enter');
  await tg.waitFor(() => tg.sent(3001).includes('Chào em,\nchị đang nghe đây.'));
  // The box empties when the console's POST returns, which may come after the fake received it.
  await page.waitForFunction(() => (document.querySelector('#send-text') as HTMLTextAreaElement).value === '', undefined, { timeout: 10_000 });

  await say(3001, 'anh ấy cầm dao, tôi sợ anh ấy giết tôi');
  const row = page.locator('#messages li.from-system.sys-bot_emergency');
  await row.waitFor({ timeout: 10_000 });
  expect(await row.innerText()).toContain('113');
  expect(await row.evaluate((e) => getComputedStyle(e).borderTopColor)).toBe('rgb(161, 29, 43)');
});

it('a message in a case not on screen: unread badge, moved to the top, counted in the title; opening the case clears it', async () => {
  // Claim the second person too (through the queue), so their case is on screen.
  await page.click('#nav button[data-view="queue"]');
  await page.locator('tr.queue-row button.claim').first().click();
  const other = await hidOf(3002);
  await until(async () => (await HandoffCaseModel.findOne({ hid: other }).lean())?.counsellorId === 'lan', 5000, 'claimed');
  await page.locator(`#case-list li[data-hid="${other}"].selected`).waitFor();
  const danger = await hidOf(3001);

  const lan = await login(cs.url, 'lan');
  const seqs = async () => ((await lan.agent.get(`/console/api/cases/${danger}/messages`)).body.messages as { seq: number; from: string }[]);
  const seqBefore = Math.max(...(await seqs()).map((m) => m.seq));
  await say(3001, 'Chị ơi em cần giúp gấp, anh ấy sắp về rồi');
  const badge = page.locator(`#case-list li[data-hid="${danger}"] .badge.unread`);
  await badge.waitFor({ timeout: 10_000 });
  // The person's message, and the bot's emergency row when the words sound like danger.
  const fresh = await until(async () => { const n = (await seqs()).filter((m) => m.seq > seqBefore && m.from !== 'counsellor').length; return n >= 1 ? n : null; }, 5000, 'new rows');
  await until(async () => (await badge.innerText()) === String(fresh), 5000, `badge ${fresh}`);
  expect(await page.locator('#case-list li').first().getAttribute('data-hid')).toBe(danger);
  await page.waitForFunction((n) => document.title.includes(`${n} tin mới`), fresh, { timeout: 5000 });
  await shots('unread', true);

  await page.locator(`#case-list li[data-hid="${danger}"]`).click();
  await page.locator('#messages li.from-person', { hasText: 'anh ấy sắp về rồi' }).waitFor();
  await badge.waitFor({ state: 'detached', timeout: 5000 });
  await page.waitForFunction(() => !/tin mới/.test(document.title), undefined, { timeout: 5000 });

  // Keys: typing in the message box is not taken over (Alt+Q there does nothing); Esc leaves
  // it; then Alt+Q opens quick insert and Alt+↓ switches to the next case in the list.
  await page.click('#send-text');
  await page.keyboard.press('Alt+KeyQ');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('send-text');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Alt+KeyQ');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('quick');
  await page.keyboard.press('Escape');
  const order = await page.locator('#case-list li[data-hid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-hid')));
  await page.keyboard.press('Alt+ArrowDown');
  await page.locator(`#case-list li[data-hid="${order[(order.indexOf(danger) + 1) % order.length]}"].selected`).waitFor();
  await page.keyboard.press('Alt+ArrowUp');
  await page.locator(`#case-list li[data-hid="${danger}"].selected`).waitFor();
});

it('block: a confirmation with a reason and a duration, the mark and expiry, then unblock', async () => {
  const danger = await hidOf(3001);
  await page.locator(`#case-list li[data-hid="${danger}"].selected`).waitFor();
  await page.click('#block');
  await page.locator('#block-dialog').waitFor({ state: 'visible' });
  await page.click('#block-confirm');
  expect(await page.locator('#block-msg').innerText()).toContain('chọn một lý do');
  expect(await cs.handoff.blocks()).toEqual([]);
  await page.check('input[name="block-reason"][value="abusive_to_staff"]');
  await page.selectOption('#block-hours', '72');
  await shots('block-dialog');
  const before = tg.sent(3001).length;
  await page.click('#block-confirm');
  await page.locator('#block-dialog').waitFor({ state: 'hidden' });
  const mark = page.locator('#chat-head .badge.blocked');
  await mark.waitFor({ timeout: 10_000 });
  expect(await mark.innerText()).toMatch(/^ĐÃ CHẶN đến \d\d\/\d\d\/\d{4} \d\d:\d\d$/);
  expect(await page.locator('#chat-head').innerText()).toContain('Lăng mạ, xúc phạm tư vấn viên');
  const blocked = (await ConversationModel.findOne({ pid: pidOf(3001) }).lean())!.blockedUntil!;
  expect(Math.round((blocked.getTime() - Date.now()) / 3_600_000)).toBe(72);
  await tg.waitFor(() => tg.sent(3001).slice(before).some((t) => /nhắn lại cho chúng tôi từ/.test(t)) && tg.sent(3001).slice(before).some((t) => t.includes('113')));
  expect(await AuditModel.findOne({ action: 'block', actor: 'lan', 'detail.reason': 'abusive_to_staff' }).lean()).not.toBeNull();
  await shots('blocked-case', true);

  // The queue page lists the block with its expiry.
  await page.click('#nav button[data-view="queue"]');
  await page.locator(`#blocks-body tr[data-hid="${danger}"]`).waitFor({ timeout: 5000 });
  await shots('blocks-list');
  await page.click('#nav button[data-view="cases"]');
  await page.locator(`#case-list li[data-hid="${danger}"]`).click();
  await page.locator('#chat-head button.unblock').click();
  await mark.waitFor({ state: 'detached', timeout: 10_000 });
  expect((await ConversationModel.findOne({ pid: pidOf(3001) }).lean())!.blockedUntil).toBeNull();
  expect(await AuditModel.findOne({ action: 'unblock', actor: 'lan' }).lean()).not.toBeNull();
  expect(problems).toEqual([]);
});

it('a Zalo case shows how long the counsellor can still reply, with a warning in the last hour', async () => {
  const user = 'zuser-browser-1';
  const zaloSay = async (text: string) => {
    const raw = JSON.stringify({ app_id: ZALO.appId, user_id_by_app: '1', event_name: 'user_send_text', sender: { id: user }, recipient: { id: 'oa-1' }, message: { msg_id: `m-${upd++}`, text }, timestamp: String(Date.now()) });
    const ts = (/"timestamp":"(\d+)"/.exec(raw) ?? [])[1] ?? '';
    const r = await fetch(`${cs.svc.url}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': signZalo(raw, { appId: ZALO.appId, oaSecret: ZALO.oaSecret, timestamp: ts }) }, body: raw });
    expect(r.status).toBe(200);
  };
  await zaloSay('hi');
  await zalo.waitFor(() => zalo.sent(user).some((t) => t.split('\n').some((l) => /^\d+\. .*tư vấn viên/i.test(l))), 15_000);
  const menu = zalo.sent(user).find((t) => t.split('\n').some((l) => /^\d+\. .*tư vấn viên/i.test(l)))!;
  await zaloSay(menu.split('\n').find((l) => /^\d+\. .*tư vấn viên/i.test(l))!.split('.')[0]!);
  for (const t of ['1', '1', '3', 'ha noi']) { await new Promise((r) => setTimeout(r, 150)); await zaloSay(t); }
  const zpid = cs.svc.wired.pipeline.pidOf({ channel: 'zalo', channelUserId: user });
  const z = await until(() => HandoffCaseModel.findOne({ pid: zpid, status: 'queued' }).lean(), 15_000, 'zalo queued');
  await page.click('#nav button[data-view="queue"]');
  await page.locator(`tr.queue-row[data-hid="${z.hid}"] button.claim`).click();
  await page.locator(`#case-list li[data-hid="${z.hid}"].selected`).waitFor({ timeout: 10_000 });
  const warn = page.locator('#chat-head .reply-window.warn');
  await warn.waitFor({ timeout: 5000 });
  expect(await warn.innerText()).toMatch(/^Sắp hết thời hạn trả lời của kênh: còn (59|60) phút$/);
  expect(await page.locator(`#case-list li[data-hid="${z.hid}"] .reply-window.warn`).count()).toBe(1);
  // Telegram has no reply window: nothing shown there.
  await page.locator(`#case-list li[data-hid="${await hidOf(3002)}"]`).click();
  await page.locator(`#case-list li[data-hid="${await hidOf(3002)}"].selected`).waitFor();
  expect(await page.locator('#chat-head .reply-window').count()).toBe(0);
  await page.locator(`#case-list li[data-hid="${z.hid}"]`).click();
  await warn.waitFor();
  await page.locator('#messages li.from-system').first().waitFor();
  await shots('reply-window');
}, 90_000);

it('logging out ends presence; a manager can unblock too (API, role checked elsewhere)', async () => {
  const lanApi = await login(cs.url, 'lan');
  expect((await post(lanApi, '/presence', { online: true })).status).toBe(200);
  await page.click('#logout');
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await until(async () => !(await cs.handoff.presenceOf('lan')).online, 5000, 'offline after log-out');
  expect(await page.title()).toBe('Bảng điều khiển tư vấn viên');
});
