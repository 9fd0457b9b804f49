/**
 * The web chat in a real browser (headless Debian Chromium via playwright-core), against
 * the real service: welcome → a menu choice → a typed message, then the quick exit; and
 * every other way out (Esc, the menu's "Thoát nhanh", a typed "thoát", "/stop" or "exit").
 * The neutral site is intercepted with page.route, so nothing leaves the machine.
 * After each exit: the page was replaced (no history entry), no storage of any kind, the
 * cookie is gone, the server closed the session, and /chat opens a fresh welcome. Also no
 * CSP violation or script error. Saves test-output/webchat.png and webchat-exit-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_EXIT_URL } from '../../src/channels/webchat';
import { SessionKeys } from '../../src/channels/webchat/session';
import { isClosed, WebchatMessageModel } from '../../src/channels/webchat/store';
import { startWebchatService, WebchatService } from '../integration/webchat/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const exitHost = new URL(DEFAULT_EXIT_URL).host;

let ws: WebchatService;
let browser: Browser;

beforeAll(async () => {
  ws = await startWebchatService();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => { await browser?.close(); await ws?.close(); });

/** A phone-sized context where only loopback and the (faked) neutral site are reachable. */
interface Chat { context: BrowserContext; page: Page; problems: string[] }

async function phone(): Promise<Chat> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, locale: 'vi-VN' });
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.host === exitHost) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>Tin tức</title><h1>Tin tức hôm nay</h1>' });
    if (u.hostname === '127.0.0.1') return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { context, page, problems };
}

const storageCounts = (page: Page) => page.evaluate(async () => ({
  local: window.localStorage.length,
  session: window.sessionStorage.length,
  idb: (await indexedDB.databases()).length,
}));

const keys = () => new SessionKeys(ws.svc.config.sessionSecret);

/** The chat's session id, from the browser's (HttpOnly) cookie. */
async function sessionId(context: BrowserContext): Promise<string> {
  const sid = (await context.cookies(`${ws.url}/chat`)).find((c) => c.name === 'sid');
  if (!sid) throw new Error('no session cookie');
  return sid.value;
}

/** Open the chat, wait for the welcome's menu; what an exit is checked against afterwards. */
async function openWelcome(page: Page): Promise<{ historyAtChat: number; sid: string }> {
  await page.goto(`${ws.url}/chat`);
  await page.locator('#options button[data-payload="exit"]').waitFor({ timeout: 20_000 });
  return { historyAtChat: await page.evaluate(() => history.length), sid: await sessionId(page.context()) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * After an exit: the neutral site replaced the chat (no history entry; Back does not return),
 * the cookie is gone (cleared by POST /chat/exit, sent with keepalive as the page left), the
 * server closed the session and holds no reply for it, the chat's origin stores nothing, and
 * opening /chat again starts a fresh welcome, not "Bạn đang tiếp tục cuộc trò chuyện".
 */
async function expectLeftWithoutTrace(chat: Chat, before: { historyAtChat: number; sid: string; name: string }): Promise<void> {
  const { context, page, problems } = chat;
  await page.waitForURL((u) => u.host === exitHost, { timeout: 10_000 });
  expect(await page.title()).toBe('Tin tức');
  expect(await page.evaluate(() => history.length)).toBe(before.historyAtChat); // replaced, not pushed
  await page.goBack().catch(() => null);
  expect(page.url()).not.toContain('/chat');

  await until('the session cookie to be cleared', async () => !(await context.cookies(`${ws.url}/chat`)).some((c) => c.name === 'sid'));
  const sidHash = keys().sidHash(before.sid);
  await until('the server to close the session', () => isClosed(sidHash));
  expect(await WebchatMessageModel.countDocuments({ sidHash })).toBe(0);

  const probe = await context.newPage();
  await probe.goto(`${ws.url}/healthz`);
  expect(await storageCounts(probe)).toEqual({ local: 0, session: 0, idb: 0 });
  await probe.close();

  const again = await context.newPage();
  await again.goto(`${ws.url}/chat`);
  expect(await again.locator('#app').getAttribute('data-fresh')).toBe('1');
  await again.locator('#options button[data-payload="find_help"]').waitFor({ timeout: 20_000 });
  expect(await again.locator('.msg.bot').first().textContent()).toMatch(/Xin chào/);
  expect(await again.locator('body').textContent()).not.toContain('Bạn đang tiếp tục cuộc trò chuyện');
  expect(await sessionId(context)).not.toBe(before.sid);
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `webchat-exit-${before.name}.png`) });
  expect(problems).toEqual([]);
  await context.close();
}

describe('web chat in a browser', () => {
  it('chats, then the quick exit replaces the page and leaves nothing behind', async () => {
    const { context, page, problems } = await phone();
    await page.goto(`${ws.url}/chat`);
    expect(await page.title()).toBe('Trò chuyện – Hỗ trợ');
    const historyAtChat = await page.evaluate(() => history.length);

    // Welcome: the main menu's buttons appear.
    await page.locator('#options button[data-payload="find_help"]').waitFor({ timeout: 20_000 });
    const welcomeCount = await page.locator('.msg.bot').count();
    expect(welcomeCount).toBeGreaterThanOrEqual(1);

    // A menu choice.
    await page.locator('#options button[data-payload="rights"]').click();
    await page.locator('.msg.me', { hasText: /.+/ }).first().waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n && document.querySelectorAll('#options button').length > 0, welcomeCount, { timeout: 20_000 });

    // A typed message.
    const before = await page.locator('.msg.bot').count();
    await page.locator('#text').fill('tôi cần tìm trợ giúp');
    await page.locator('#text').press('Enter');
    await page.locator('.msg.me', { hasText: 'tôi cần tìm trợ giúp' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, before, { timeout: 20_000 });
    expect(await page.locator('#text').inputValue()).toBe('');

    // The English switch changes the interface and asks the engine to switch too.
    await page.locator('#lang').click();
    await expect(page.locator('#exit').textContent()).resolves.toBe('Quick exit');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('#lang').click();
    await expect(page.locator('#exit').textContent()).resolves.toBe('Thoát nhanh');
    await page.waitForTimeout(800);

    // Nothing stored in the browser, a session cookie only.
    expect(await storageCounts(page)).toEqual({ local: 0, session: 0, idb: 0 });
    const cookies = await context.cookies(`${ws.url}/chat`);
    const sid = cookies.find((c) => c.name === 'sid')!;
    expect(sid).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/chat', expires: -1 });
    expect(await page.evaluate(() => history.length)).toBe(historyAtChat); // chatting adds no history entries

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'webchat.png'), fullPage: false });
    await page.locator('#about summary').click();
    await page.screenshot({ path: path.join(OUT, 'webchat-about.png'), fullPage: false });
    await expect(page.locator('#exit').isVisible()).resolves.toBe(true); // quick exit visible on every screen
    await expect(page.locator('#text').isVisible()).resolves.toBe(true);
    await page.locator('#about summary').click();

    // Quick exit: the visible button.
    await page.locator('#exit').click();
    await expectLeftWithoutTrace({ context, page, problems }, { historyAtChat, sid: sid.value, name: 'button' });
  });

  it('the Esc key leaves the same way, even while typing', async () => {
    const chat = await phone();
    const before = await openWelcome(chat.page);
    expect(await storageCounts(chat.page)).toEqual({ local: 0, session: 0, idb: 0 });
    await chat.page.locator('#text').focus();
    await chat.page.keyboard.press('Escape');
    await expectLeftWithoutTrace(chat, { ...before, name: 'esc' });
  });

  it('the main menu\'s "Thoát nhanh" leaves at once, without waiting for the server', async () => {
    const chat = await phone();
    const before = await openWelcome(chat.page);
    const sent: string[] = [];
    chat.page.on('request', (r) => { if (r.url().endsWith('/chat/send')) sent.push(r.postData() ?? ''); });
    await chat.page.locator('#options button[data-payload="exit"]').click();
    await expectLeftWithoutTrace(chat, { ...before, name: 'menu-option' });
    expect(sent).toEqual([]); // left locally; the server learnt it from POST /chat/exit
  });

  it.each([['thoát', 'thoat'], ['/stop', 'stop'], ['exit', 'exit']])('typing "%s" leaves the same way once the bot answers with an exit', async (word, name) => {
    const chat = await phone();
    const before = await openWelcome(chat.page);
    await chat.page.locator('#text').fill(word);
    await chat.page.locator('#text').press('Enter');
    await expectLeftWithoutTrace(chat, { ...before, name: `typed-${name}` });
  });
});
