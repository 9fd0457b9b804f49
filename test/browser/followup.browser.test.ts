/**
 * A promise kept: on the web chat, with no counsellor online, a person asks to be contacted
 * later. The truth comes first ("no counsellor is free"), then a safe time, then a one-time
 * return code. They close the browser (the session cookie dies with it). A counsellor in the
 * console claims the follow-up and writes; the console says the person has not read it yet.
 * Hours later, in a fresh browser, the person types the code: the chat reopens and shows the
 * counsellor's message, and the console now says the person came back. The code works once.
 * Screenshots (phone 360×740): followup-*.png in test-output/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { chromium, Browser, Page } from 'playwright-core';
import { FollowUpModel } from '../../src/handoff/store';
import { ConsoleService, makeUser, startConsoleService } from '../integration/console/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const COUNSELLOR_TEXT = 'Chào bạn, mình là tư vấn viên. Bạn có an toàn để trò chuyện lúc này không?';
const CODE_RE = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/;

let cs: ConsoleService;
let browser: Browser;

beforeAll(async () => {
  cs = await startConsoleService();
  await makeUser('mai', 'counsellor');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => { await browser?.close(); await cs?.close(); cs?.svc.cleanup(); });

async function newPage(width: number, height: number): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'vi-VN' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  return { page, close: () => context.close() };
}

const shot = async (p: Page, name: string) => { mkdirSync(OUT, { recursive: true }); await p.screenshot({ path: path.join(OUT, `followup-${name}.png`) }); };

it('a follow-up on the web chat reaches the person through a one-time return code, and the console shows it was read', async () => {
  // 1. Nobody online: the person hears that first, then leaves a safe time.
  const person = await newPage(360, 740);
  const p = person.page;
  await p.goto(`${cs.svc.url}/chat`);
  await p.locator('#options button[data-payload="counsellor"]').waitFor({ timeout: 20_000 });
  await p.click('#options button[data-payload="counsellor"]');
  const truth = p.locator('.msg.bot', { hasText: 'chưa có tư vấn viên nào rảnh' });
  await truth.waitFor({ timeout: 10_000 });
  expect(await p.locator('.msg.bot', { hasText: /đã báo cho tư vấn viên|hàng chờ/ }).count()).toBe(0);
  await shot(p, 'nobody-online');
  await p.click('#options button[data-payload="leave_time"]');
  await p.locator('#options button[data-payload="time_any"]').waitFor();
  await p.click('#options button[data-payload="time_any"]');
  const codeMsg = p.locator('.msg.bot', { hasText: 'Mã quay lại của bạn' });
  await codeMsg.waitFor({ timeout: 10_000 });
  // The code message keeps the person's menu buttons on screen (it comes after the menu).
  await p.locator('#options button[data-payload="find_help"]').waitFor({ timeout: 5_000 });
  await shot(p, 'code');
  const code = CODE_RE.exec(await codeMsg.innerText())![1]!;
  // Only a keyed hash of the code is stored, nowhere in clear.
  const db = mongoose.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    const dump = JSON.stringify(await db.collection(name).find({}).toArray());
    expect(dump.includes(code) ? name : null).toBeNull();
  }
  await person.close(); // the browser is closed: its session cookie is gone

  // 2. The counsellor claims the follow-up and writes; the console says it is not read yet.
  const counsellor = await newPage(1366, 768);
  const c = counsellor.page;
  await c.goto(`${cs.url}/console/`);
  await c.fill('#username', 'mai');
  await c.fill('#password', 'correct horse battery');
  await c.click('#login-form button[type=submit]');
  await c.locator('#queue-view').waitFor({ state: 'visible' });
  await c.check('#online');
  await c.click('[data-view="followups"]');
  const item = c.locator('#followup-list li').first();
  await item.waitFor({ timeout: 10_000 });
  expect(await item.innerText()).toContain('Mã quay lại dùng được đến');
  await item.locator('button.primary').click();
  await c.locator('#chat').waitFor({ state: 'visible', timeout: 10_000 });
  await c.locator('#chat-head', { hasText: 'chưa mở lại' }).waitFor({ timeout: 10_000 });
  await c.fill('#send-text', COUNSELLOR_TEXT);
  await c.click('#send');
  await c.locator('#messages li.from-counsellor', { hasText: COUNSELLOR_TEXT }).waitFor({ timeout: 10_000 });

  // 3. Later, a fresh browser: the code reopens the chat with the counsellor's message.
  const back = await newPage(360, 740);
  const b = back.page;
  await b.goto(`${cs.svc.url}/chat`);
  await b.locator('#options button').first().waitFor({ timeout: 20_000 });
  const historyBefore = await b.evaluate(() => history.length);
  await b.click('#resume summary');
  await b.fill('#resume-code', code.toLowerCase().replace('-', ' '));
  await shot(b, 'enter-code');
  await b.click('#resume-go');
  await b.locator('.msg.bot', { hasText: COUNSELLOR_TEXT }).waitFor({ timeout: 15_000 });
  await b.locator('.msg.bot', { hasText: 'khung giờ bạn đã chọn' }).waitFor();
  await shot(b, 'reopened');
  expect(await b.evaluate(() => history.length)).toBe(historyBefore); // reopened in place, no history entry

  // 4. The console now shows the follow-up was read.
  await c.locator('#messages li', { hasText: 'mở lại web chat bằng mã' }).waitFor({ timeout: 10_000 });
  await c.locator('#chat-head', { hasText: 'đã mở lại bằng mã lúc' }).waitFor({ timeout: 10_000 });
  await shot(c, 'console-read');
  expect((await FollowUpModel.findOne({}).sort({ createdAt: -1 }).lean())!.returnedAt).toBeInstanceOf(Date);

  // 5. The code works once.
  const again = await newPage(360, 740);
  await again.page.goto(`${cs.svc.url}/chat`);
  await again.page.locator('#options button').first().waitFor({ timeout: 20_000 });
  await again.page.click('#resume summary');
  await again.page.fill('#resume-code', code);
  await again.page.click('#resume-go');
  await again.page.locator('#resume-status', { hasText: 'Mã không đúng' }).waitFor({ timeout: 10_000 });
  await Promise.all([again.close(), back.close(), counsellor.close()]);
});
