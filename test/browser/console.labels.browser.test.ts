/**
 * Issue #15, labels part, in a real browser (headless Debian Chromium, real server, database
 * and engine; people on Telegram against a fake Bot API on loopback):
 * - no raw code is visible on the queue, the case header, the close form or the reports page
 *   (the page text is compared with every code list of the label catalogue);
 * - the returning person's history: the earlier episode's disposition as labels, the note
 *   opened on request, and the opening in the audit log;
 * - the audit page: headers, Vietnamese action names, filters by user, action and days, pages.
 * Screenshots at laptop (1366×768) and tablet (768×1024) size in test-output/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { audit } from '../../src/console';
import { AuditModel } from '../../src/console/store';
import { ConversationModel } from '../../src/conversations/store';
import { loadFlowSet } from '../../src/flowset';
import { HandoffCaseModel } from '../../src/handoff/store';
import { CODE_LISTS } from '../../src/labels';
import { REPO_ROOT } from '../../src/db/devdb';
import { startFakeTelegram, FakeTelegram } from '../fakes/fakeTelegram';
import { postUpdate, telegramEnv, textUpdate } from '../support/telegram';
import { ConsoleService, login, makeUser, post, startConsoleService, tapUpdate, until } from '../integration/console/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
const NOTE = 'Hẹn gọi lại sau 20 giờ; đã nói về nhà tạm lánh gần nhà mẹ.';

let cs: ConsoleService;
let tg: FakeTelegram;
let browser: Browser;
let upd = 90_000;

/**
 * Every code staff could be shown raw, with the flows' topic ids. Two-letter language codes
 * are left out ("vi" is also a Vietnamese word); the language column is checked by its label.
 */
const CODES = [...new Set([...Object.values(CODE_LISTS).flat(), ...Object.keys(loadFlowSet(REPO_ROOT).topics), 'self', 'helping_other'])].filter((c) => c.length > 2);
/** Codes that appear as whole words (not inside a longer word) in the text. */
function rawCodesIn(text: string): string[] {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return CODES.filter((c) => new RegExp(`(^|[^\\p{L}\\p{N}_-])${esc(c)}(?=$|[^\\p{L}\\p{N}_-])`, 'u').test(text));
}
/** The visible text of the page, plus the texts of the options of its visible selects. */
async function shownText(p: Page): Promise<string> {
  return p.evaluate(() => [document.body.innerText, ...Array.from(document.querySelectorAll('select')).filter((s) => s.offsetParent !== null)
    .flatMap((s) => Array.from(s.options).map((o) => o.textContent ?? ''))].join('\n'));
}

const pidOf = (chat: number) => cs.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
async function say(chat: number, text: string): Promise<void> { expect(await postUpdate(cs.svc.url, textUpdate(chat, text, upd++))).toBe(200); }
async function tap(chat: number, data: string): Promise<void> { expect(await postUpdate(cs.svc.url, tapUpdate(chat, data, upd++))).toBe(200); }
/** Walk the counsellor flow (consent, role 1 = self / 2 = someone else, age 18–29, Hà Nội); the new case's hid. */
async function queue(chat: number, role: '1' | '2'): Promise<string> {
  const before = new Set((await HandoffCaseModel.find({ pid: pidOf(chat) }).lean()).map((c) => c.hid));
  await say(chat, 'hi');
  await tap(chat, 'counsellor');
  for (const t of ['1', role, '3', 'ha noi']) await say(chat, t);
  await until(async () => (await ConversationModel.findOne({ pid: pidOf(chat) }).lean())?.status === 'queued', 10_000, 'queued');
  return (await until(async () => (await HandoffCaseModel.find({ pid: pidOf(chat), status: 'queued' }).lean()).find((c) => !before.has(c.hid)), 10_000, 'case'))!.hid;
}

async function consolePage(username: string, size = LAPTOP): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: size, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|400/.test(m.text())) problems.push(`console: ${m.text()}`); });
  await page.goto(`${cs.url}/console/`);
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  await page.click('#login-form button[type=submit]');
  // The first view is drawn once the options and labels are in (clicking before that would be overridden).
  // Counsellors land on the queue, managers on the shift overview, admins on users.
  await page.locator('main > section:not(.hidden):not(#login-view)').first().waitFor({ state: 'visible' });
  return { page, problems };
}
/** Laptop and tablet screenshots of the current screen. */
async function shoot(p: Page, name: string): Promise<void> {
  for (const [size, vp] of [['laptop', LAPTOP], ['tablet', TABLET]] as const) {
    await p.setViewportSize(vp);
    await p.screenshot({ path: path.join(OUT, `console-labels-${name}-${size}.png`), fullPage: true });
  }
  await p.setViewportSize(LAPTOP);
}

let first = '';
let second = '';

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  tg = await startFakeTelegram();
  cs = await startConsoleService(telegramEnv(tg.url));
  for (const u of ['lan', 'minh']) await makeUser(u, 'counsellor');
  await makeUser('hoa', 'manager');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  // The person's first episode: lan talks with them and closes with a disposition and a note.
  const lan = await login(cs.url, 'lan');
  await post(lan, '/presence', { online: true });
  first = await queue(5001, '1');
  expect((await post(lan, `/queue/${first}/claim`)).status).toBe(200);
  const d = { violenceTypes: ['physical_assault', 'psychological_abuse'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner', referrals: ['shelter', 'legal_aid'], outcome: 'referred', note: NOTE };
  expect((await post(lan, `/cases/${first}/close`, d)).status).toBe(200);
  // They come back (same pseudonymous id); someone else, in danger, helping another person, waits too.
  second = await queue(5001, '1');
  await queue(5002, '2');
  await say(5002, 'cứu với, chồng chị ấy đang đánh chị ấy');
  await until(async () => (await HandoffCaseModel.findOne({ pid: pidOf(5002), status: 'queued' }).lean())?.danger, 10_000, 'danger');
}, 120_000);
afterAll(async () => { await browser?.close(); await cs?.close(); cs?.svc.cleanup(); await tg?.close(); });

it('shows labels, never codes, in the queue, the case header, the history and the close form; the note opens and is audited', async () => {
  const { page: c, problems } = await consolePage('minh');
  await c.check('#online');
  const rows = c.locator('tr.queue-row');
  await until(async () => (await rows.count()) === 2, 10_000, 'two rows');
  await c.locator('tr.queue-row', { hasText: 'Giúp người khác' }).waitFor();
  const queueText = await shownText(c);
  expect(queueText).toContain('18–29 tuổi');
  expect(queueText).toContain('Hà Nội');
  expect(queueText).toContain('Tiếng Việt');
  expect(queueText).toMatch(/\d+ phút/);
  expect(queueText).not.toMatch(/\d+ ph(?!\p{L})/u);
  expect(rawCodesIn(queueText)).toEqual([]);
  await shoot(c, 'queue');

  // Claim the returning person: the case header and the history speak in labels.
  await c.locator(`tr.queue-row[data-hid="${second}"] button.claim`).click();
  await c.locator('#chat').waitFor({ state: 'visible' });
  await c.locator('#history').waitFor({ state: 'visible', timeout: 10_000 });
  await c.click('#history-summary');
  const ep = c.locator(`#history-list li.episode[data-hid="${first}"]`);
  await ep.waitFor();
  const epText = await ep.innerText();
  for (const l of ['Đã giới thiệu dịch vụ', 'Bạo lực thể chất', 'Bạo lực tâm lý, tinh thần', 'Nhà tạm lánh', 'Trợ giúp pháp lý', 'Chồng, vợ hoặc người yêu hiện tại', 'lan']) expect(epText).toContain(l);
  expect(epText).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  expect(epText).not.toContain('tạm lánh gần nhà mẹ'); // the note stays closed until asked for
  const head = await c.locator('#chat-head').innerText();
  expect(head).toContain('Telegram · Tiếng Việt');
  expect(head).toContain('Cho chính mình · 18–29 tuổi · Hà Nội');
  expect(head).toMatch(/nhận lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

  // The close form.
  await c.click('#open-close');
  await c.locator('#close-form').waitFor({ state: 'visible' });
  const formText = await shownText(c);
  for (const l of ['Bạo lực thể chất', 'Trẻ em', 'Người lạ', 'Công an', 'Lập kế hoạch an toàn']) expect(formText).toContain(l);
  expect(rawCodesIn(formText)).toEqual([]);
  await shoot(c, 'case-close-form');
  await c.click('#open-close');

  // Opening the note shows it and leaves one audit entry (without its text).
  await ep.locator('button.open-note').click();
  await ep.locator('.note-text', { hasText: NOTE }).waitFor({ timeout: 10_000 });
  expect(await ep.innerText()).toContain('nhật ký');
  const opened = await until(async () => AuditModel.findOne({ action: 'note_open' }).lean(), 5000, 'audit entry');
  expect(opened).toMatchObject({ actor: 'minh', target: first, detail: { hid: second } });
  expect(JSON.stringify(await AuditModel.find({}).lean())).not.toContain('tạm lánh gần nhà mẹ');
  expect(rawCodesIn(await shownText(c))).toEqual([]);
  await shoot(c, 'case-history');

  // In English too: labels, not codes.
  await c.click('#lang');
  await c.locator('#history-summary', { hasText: 'contacted us before' }).waitFor({ timeout: 10_000 });
  await c.locator('#chat-head', { hasText: 'Telegram · Vietnamese' }).waitFor({ timeout: 10_000 });
  expect(await c.locator('#history-list').innerText()).toContain('Physical assault');
  // In English a one-word code ('claim', 'close') is also an ordinary word of the interface: only
  // codes no sentence contains (with _, - or digits) give a raw code away.
  expect(rawCodesIn(await shownText(c)).filter((code) => /[_\d-]/.test(code))).toEqual([]);
  await c.click('#lang');
  expect(problems).toEqual([]);
});

it('the audit page: headers, Vietnamese action names, filters by user, action and days, and pages', async () => {
  // Enough entries for more than one page.
  for (let i = 0; i < 55; i++) await audit('lan', i % 2 ? 'online' : 'offline');
  const { page: m, problems } = await consolePage('hoa');
  await m.click('[data-view="audit"]');
  await m.locator('#audit-body tr.audit-row').first().waitFor();
  const head = await m.locator('#audit-view thead').innerText();
  for (const h of ['Thời gian', 'Người thực hiện', 'Hành động', 'Đối tượng', 'Chi tiết']) expect(head).toContain(h);
  expect(await m.locator('#audit-body tr.audit-row').count()).toBe(50);
  const total = await AuditModel.countDocuments({});
  expect(await m.locator('#a-page').innerText()).toBe(`1–50 / ${total}`);
  const pageText = await shownText(m);
  expect(pageText).toContain('Đăng nhập');
  expect(pageText).toContain('Bắt đầu trực');
  expect(pageText).toContain('Mở ghi chú ca cũ');
  expect(rawCodesIn(pageText)).toEqual([]);
  await shoot(m, 'audit');

  await m.click('#a-next');
  await m.locator('#a-page', { hasText: `51–${Math.min(100, total)} / ${total}` }).waitFor();
  await m.click('#a-prev');
  await m.locator('#a-page', { hasText: `1–50 / ${total}` }).waitFor();

  // By action: the note opening, with its details in words.
  await m.selectOption('#a-action', 'note_open');
  await m.click('#audit-filter button[type=submit]');
  await m.locator('#a-page', { hasText: '1–1 / 1' }).waitFor();
  const row = await m.locator('#audit-body tr.audit-row').innerText();
  expect(row).toContain('minh');
  expect(row).toContain('Mở ghi chú ca cũ');
  expect(row).toContain('ghi chú của lan');
  // By user and today's local date.
  await m.selectOption('#a-action', '');
  await m.fill('#a-actor', 'lan');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
  await m.fill('#a-from', today);
  await m.fill('#a-to', today);
  await m.click('#audit-filter button[type=submit]');
  const lanCount = await AuditModel.countDocuments({ actor: 'lan' });
  await m.locator('#a-page', { hasText: `/ ${lanCount}` }).waitFor();
  const actors = await m.locator('#audit-body tr.audit-row td:nth-child(2)').allInnerTexts();
  expect(new Set(actors)).toEqual(new Set(['lan']));
  await shoot(m, 'audit-filtered');
  // A range that ends before it starts: a clear message, not a crash.
  await m.fill('#a-from', '2026-12-01');
  await m.fill('#a-to', '2026-11-01');
  await m.click('#audit-filter button[type=submit]');
  await m.locator('#audit-msg', { hasText: 'Bộ lọc chưa hợp lệ' }).waitFor();
  expect(problems).toEqual([]);
});

it('the users list and the manager overview show role and channel labels', async () => {
  const { page: m, problems } = await consolePage('hoa');
  await m.click('[data-view="users"]');
  await m.locator('#users-body tr').first().waitFor();
  const text = await shownText(m);
  expect(text).toContain('Tư vấn viên');
  expect(text).toContain('Quản lý');
  expect(rawCodesIn(text)).toEqual([]);
  await shoot(m, 'users');
  await m.click('[data-view="manager"]');
  await m.locator('#m-active tr').first().waitFor();
  expect(rawCodesIn(await shownText(m))).toEqual([]);
  await shoot(m, 'manager');
  expect(problems).toEqual([]);
});

it('the reports page: labels not codes, local time, the rounded rule explained, a link back to the console', async () => {
  const { page: m, problems } = await consolePage('hoa');
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit' }).format(new Date());
  await m.goto(`${cs.url}/console/reports/?period=${month}`);
  await m.locator('h1').waitFor();
  const text = await shownText(m);
  expect(text).toMatch(/lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  for (const l of ['Dịch vụ tư vấn viên đã giới thiệu', 'Danh sách dịch vụ bot đã hiển thị', 'làm tròn', 'Trò chuyện trên web', 'Rời đi hoặc ngừng trả lời']) expect(text).toContain(l);
  expect(text).not.toContain('Bỏ dở khi chờ');
  expect(rawCodesIn(text)).toEqual([]);
  // Every chart label is inside its drawing.
  const outside = await m.evaluate(() => Array.from(document.querySelectorAll('svg.chart')).flatMap((svg) => {
    const box = svg.getBoundingClientRect();
    return Array.from(svg.querySelectorAll('text')).filter((t) => { const b = t.getBoundingClientRect(); return b.left < box.left - 1 || b.right > box.right + 1; }).map((t) => t.textContent);
  }));
  expect(outside).toEqual([]);
  await shoot(m, 'reports');
  await m.click('text=Về bảng điều khiển tư vấn');
  await m.locator('#nav').waitFor({ state: 'visible' });
  expect(new URL(m.url()).pathname).toBe('/console/');
  expect(problems).toEqual([]);
});
