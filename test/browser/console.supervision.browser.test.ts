/**
 * Supervision in a real browser (headless Debian Chromium via playwright-core), on the real
 * server and database, the person on Telegram (a fake Bot API on loopback):
 * - a manager creates and edits a quick text; the counsellor finds it by search in the
 *   quick-insert picker and sends it;
 * - a counsellor writes a shift handover note (one with a phone number is refused);
 * - a supervisor opens the counsellor's live chat read-only: the counsellor sees the banner
 *   and the row in the chat, the audit log has the view; stopping removes the banner;
 * - after closing, the counsellor's header shows the wrap-up time left; they end it early.
 * Screenshots of each changed screen at laptop (1366×768) and tablet (768×1024) size, and
 * the counsellor's screens at phone size (360×740), go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { AuditModel, HandoverNoteModel, QuickTextModel } from '../../src/console/store';
import { ConversationModel } from '../../src/conversations/store';
import { HandoffCaseModel } from '../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../fakes/fakeTelegram';
import { postUpdate, telegramEnv, textUpdate } from '../support/telegram';
import { ConsoleService, makeUser, startConsoleService, tapUpdate, until } from '../integration/console/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const SIZES = { laptop: { width: 1366, height: 768 }, tablet: { width: 768, height: 1024 }, phone: { width: 360, height: 740 } } as const;
const PERSON_TEXT = 'Chị ơi em cần giúp, anh ấy sắp về rồi';
const QUICK_VI = 'Chào bạn, mình là tư vấn viên của đường dây. Bạn đang ở nơi an toàn chứ?';
const NOTE = 'Nhà tạm lánh ở Đống Đa đóng cửa đến thứ Hai; giới thiệu sang Hội Phụ nữ quận.';
const CHAT = 3001;

let cs: ConsoleService;
let tg: FakeTelegram;
let browser: Browser;
let upd = 90_000;
const problems: string[] = [];

beforeAll(async () => {
  tg = await startFakeTelegram();
  cs = await startConsoleService({ ...telegramEnv(tg.url), WRAPUP_MINUTES: '2' });
  await makeUser('lan', 'counsellor');
  await makeUser('sup', 'supervisor');
  await makeUser('hoa', 'manager');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(OUT, { recursive: true });
});
afterAll(async () => { await browser?.close(); await cs?.close(); cs?.svc.cleanup(); await tg?.close(); });

async function open(username: string, size: keyof typeof SIZES): Promise<Page> {
  const context = await browser.newContext({ viewport: SIZES[size], locale: 'vi-VN' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${username} pageerror: ${e.message}`));
  // Failed requests are checked by their answer below (the refused handover note is a 400 on purpose).
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`${username} console: ${m.text()}`); });
  page.on('response', (r) => {
    const expected = r.status() === 401 || (r.status() === 400 && r.url().endsWith('/console/api/handover'));
    if (r.status() >= 400 && !expected) problems.push(`${username} ${r.request().method()} ${new URL(r.url()).pathname}: ${r.status()}`);
  });
  await page.goto(`${cs.url}/console/`);
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  await page.click('#login-form button[type=submit]');
  await page.locator('#nav').waitFor({ state: 'visible' });
  return page;
}

/** Screenshots of the page as it is now, at the given sizes (then back to the first). */
async function shoot(page: Page, name: string, sizes: (keyof typeof SIZES)[] = ['laptop', 'tablet']): Promise<void> {
  const start = page.viewportSize();
  for (const s of sizes) {
    await page.setViewportSize(SIZES[s]);
    await page.screenshot({ path: path.join(OUT, `console-supervision-${name}-${s}.png`), fullPage: true });
  }
  if (start) await page.setViewportSize(start);
}

async function say(text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(CHAT, text, upd++))).toBe(200); }
const pid = () => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(CHAT) });

it('a manager manages a quick text; a counsellor writes a handover note and inserts the text by search', async () => {
  const m = await open('hoa', 'laptop');
  // A manager lands on the shift overview: staff only, with headers, and takes no case.
  await m.locator('#manager-view').waitFor({ state: 'visible' });
  expect(await m.locator('[data-view="queue"]').isVisible()).toBe(false);
  expect(await m.locator('#manager-view thead').first().innerText()).toContain('Số ca (đang mở / tối đa)');

  await m.click('[data-view="quicktexts"]');
  await m.locator('#qt-body tr[data-qid="emergency"]').waitFor();
  await m.fill('#qt-label-vi', 'Chào hỏi');
  await m.fill('#qt-label-en', 'Greeting');
  await m.fill('#qt-text-vi', 'Chào bạn, mình đang nghe.');
  await m.fill('#qt-text-en', 'Hello, I am listening.');
  await m.click('#qt-save');
  const row = m.locator('#qt-body tr', { hasText: 'Chào hỏi' });
  await row.waitFor();
  // Edit: the new version replaces the text.
  await row.locator('button.qt-edit').click();
  expect(await m.inputValue('#qt-label-vi')).toBe('Chào hỏi');
  await m.fill('#qt-text-vi', QUICK_VI);
  await m.click('#qt-save');
  await m.locator('#qt-body tr', { hasText: QUICK_VI }).waitFor();
  expect(await m.locator('#qt-body tr', { hasText: 'Chào hỏi' }).innerText()).toContain('v2');
  const qid = (await QuickTextModel.findOne({ 'label.vi': 'Chào hỏi' }).lean())!.qid;
  expect(await AuditModel.countDocuments({ target: qid, action: { $in: ['quicktext_add', 'quicktext_edit'] }, actor: 'hoa' })).toBe(2);
  // Retire and restore, as a manager would correct a mistake.
  await m.locator('#qt-body tr', { hasText: 'Chào hỏi' }).locator('button.qt-retire').click();
  await m.locator('#qt-body tr.retired', { hasText: 'Chào hỏi' }).waitFor();
  await shoot(m, 'quicktexts');
  await m.locator('#qt-body tr', { hasText: 'Chào hỏi' }).locator('button.qt-restore').click();
  await m.locator('#qt-body tr:not(.retired)', { hasText: 'Chào hỏi' }).waitFor();

  // The counsellor goes on duty and writes a handover note; a phone number is refused.
  const c = await open('lan', 'laptop');
  await c.locator('#queue-view').waitFor({ state: 'visible' });
  await c.check('#online');
  const box = c.locator('#q-handover');
  await box.locator('textarea').fill('Gọi lại cho chị ấy: 0912 345 678');
  await box.locator('button[type=submit]').click();
  await box.locator('.h-msg', { hasText: 'thông tin cá nhân' }).waitFor();
  expect(await HandoverNoteModel.countDocuments({})).toBe(0);
  await box.locator('textarea').fill(NOTE);
  await box.locator('button[type=submit]').click();
  await box.locator('.h-list li', { hasText: NOTE }).waitFor();
  expect(await box.locator('.h-msg').innerText()).toBe('');
  await shoot(c, 'queue-handover', ['laptop', 'tablet', 'phone']);

  // A person asks for a counsellor; the counsellor claims and inserts the quick text by search.
  await say('hi');
  expect(await postUpdate(cs.svc.url, tapUpdate(CHAT, 'counsellor', upd++))).toBe(200);
  for (const t of ['1', '1', '3', 'ha noi']) await say(t);
  await c.locator('tr.queue-row').first().waitFor({ timeout: 15_000 });
  await c.locator('tr.queue-row button.claim').first().click();
  await c.locator('#chat').waitFor({ state: 'visible' });
  await say(PERSON_TEXT);
  await c.locator('#messages li.from-person', { hasText: PERSON_TEXT }).waitFor({ timeout: 10_000 });
  await until(async () => (await c.locator('#quick option').count()) > 2, 5000, 'quick texts');
  await c.fill('#quick-search', 'chao hoi');
  expect(await c.locator('#quick option:not([hidden])', { hasText: 'Chào hỏi' }).count()).toBe(1);
  expect(await c.locator('#quick option:not([hidden])', { hasText: 'Số khẩn cấp' }).count()).toBe(0);
  await shoot(c, 'chat-quick-search', ['laptop', 'tablet', 'phone']);
  await c.selectOption('#quick', { label: 'Chào hỏi' });
  expect(await c.inputValue('#send-text')).toBe(QUICK_VI);
  await c.click('#send');
  await tg.waitFor(() => tg.sent(CHAT).includes(QUICK_VI));
  // The transfer list says what its number means.
  expect(await c.locator('label[for="transfer-to"]').innerText()).toContain('số chỗ còn trống');
  await m.close();
  await c.close();
});

it('a supervisor views the live chat read-only: the counsellor sees the banner, the view is audited', async () => {
  const c = await open('lan', 'laptop');
  await c.click('[data-view="cases"]');
  await c.locator('#messages li.from-person', { hasText: PERSON_TEXT }).waitFor({ timeout: 10_000 });
  const hid = (await HandoffCaseModel.findOne({ pid: pid(), status: 'active' }).lean())!.hid;

  const s = await open('sup', 'laptop');
  await s.click('[data-view="manager"]');
  const live = s.locator(`#m-active tr[data-hid="${hid}"]`);
  await live.waitFor();
  expect(await live.innerText()).toContain('lan');
  expect(await s.locator('#m-counsellors').innerText()).toMatch(/lan[\s\S]*1 \/ 3/);
  await live.locator('button.watch').click();
  await s.locator('#mon-messages li.from-person', { hasText: PERSON_TEXT }).waitFor();
  // Read-only: the panel has nowhere to write.
  expect(await s.locator('#monitor textarea, #monitor input').count()).toBe(0);
  await s.locator('#o-handover .h-list li', { hasText: NOTE }).waitFor();
  await shoot(s, 'overview-monitor');

  await c.locator('#watch-banner', { hasText: 'sup' }).waitFor({ timeout: 10_000 });
  await c.locator('#messages li.from-system', { hasText: 'Giám sát viên sup đang xem' }).waitFor({ timeout: 10_000 });
  await shoot(c, 'chat-supervisor-banner', ['laptop', 'tablet', 'phone']);
  expect(await AuditModel.findOne({ action: 'monitor_start', target: hid, actor: 'sup' }).lean()).toMatchObject({ detail: { counsellor: 'lan' } });

  // The manager's overview shows the case with its times, but no way to read it.
  const m = await open('hoa', 'laptop');
  const mRow = m.locator(`#m-active tr[data-hid="${hid}"]`);
  await mRow.waitFor();
  expect(await mRow.locator('button.watch').count()).toBe(0);
  expect(await m.locator('body').innerText()).not.toContain(PERSON_TEXT);
  expect(await m.locator('#m-counsellors').innerText()).not.toMatch(/hoa/);
  await shoot(m, 'overview-manager');
  await m.close();

  // A new message reaches the supervisor's panel live.
  await say('Anh ấy đang gõ cửa');
  await s.locator('#mon-messages li.from-person', { hasText: 'Anh ấy đang gõ cửa' }).waitFor({ timeout: 10_000 });

  await s.click('#mon-stop');
  await s.locator('#monitor').waitFor({ state: 'hidden' });
  await c.locator('#watch-banner').waitFor({ state: 'detached', timeout: 10_000 });
  await c.locator('#messages li.from-system', { hasText: 'Giám sát viên sup đã dừng xem' }).waitFor({ timeout: 10_000 });
  expect(await AuditModel.findOne({ action: 'monitor_end', target: hid, actor: 'sup' }).lean()).not.toBeNull();

  // Wrap-up: after closing, the header shows the time left; the supervisor sees the state.
  await c.click('#open-close');
  await c.selectOption('#f-outcome', 'information_given');
  await c.click('#close-submit');
  await c.locator('#chat').waitFor({ state: 'hidden', timeout: 10_000 });
  // The person's messages read as danger: the debrief prompt comes first.
  if (await c.locator('#debrief').isVisible()) await c.click('#debrief-ok');
  await c.locator('#wrapup', { hasText: /Tổng kết ca: còn [12]:\d\d/ }).waitFor({ timeout: 10_000 });
  await shoot(c, 'wrapup-header', ['laptop', 'tablet', 'phone']);
  await s.locator('#m-counsellors tr[data-user="lan"]', { hasText: 'Đang tổng kết ca' }).waitFor({ timeout: 10_000 });
  await shoot(s, 'overview-wrapup');
  expect(await cs.handoff.supervision.wrapUpOf('lan')).not.toBeNull();
  await c.click('#wrapup-end');
  await c.locator('#wrapup').waitFor({ state: 'hidden' });
  await until(async () => (await cs.handoff.supervision.wrapUpOf('lan')) === null, 5000, 'wrap-up ended');
  expect(await AuditModel.findOne({ action: 'wrapup_end', actor: 'lan' }).lean()).not.toBeNull();
  await s.locator('#m-counsellors tr[data-user="lan"]', { hasText: 'Đang trực' }).waitFor({ timeout: 10_000 });
  expect((await ConversationModel.findOne({ pid: pid() }).lean())!.status).toBe('bot');
  expect(problems).toEqual([]);
});
