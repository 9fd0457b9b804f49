/**
 * The web chat in a real browser (headless Debian Chromium via playwright-core), against
 * the real service: welcome → a menu choice → a typed message, then the quick exit.
 * The neutral site is intercepted with page.route, so nothing leaves the machine.
 * Checks: no storage of any kind, the chat page leaves no history entry, the cookie is
 * gone, no CSP violation or script error. Saves test-output/webchat.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_EXIT_URL } from '../../src/channels/webchat';
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
async function phone(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
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
    await page.waitForURL((u) => u.host === exitHost, { timeout: 10_000 });
    expect(await page.title()).toBe('Tin tức');
    expect(await page.evaluate(() => history.length)).toBe(historyAtChat); // replaced, not pushed
    // Back does not return to the chat.
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain('/chat');
    // The cookie is cleared by POST /chat/exit (sent with keepalive as the page left).
    const deadline = Date.now() + 5_000;
    while ((await context.cookies(`${ws.url}/chat`)).some((c) => c.name === 'sid') && Date.now() < deadline) await page.waitForTimeout(100);
    expect((await context.cookies(`${ws.url}/chat`)).some((c) => c.name === 'sid')).toBe(false);
    // And nothing in the chat origin's storage afterwards (checked from a page of that origin).
    const probe = await context.newPage();
    await probe.goto(`${ws.url}/healthz`);
    expect(await storageCounts(probe)).toEqual({ local: 0, session: 0, idb: 0 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the Esc key is a quick exit too', async () => {
    const { context, page, problems } = await phone();
    await page.goto(`${ws.url}/chat`);
    await page.locator('#options button').first().waitFor({ timeout: 20_000 });
    const h = await page.evaluate(() => history.length);
    expect(await storageCounts(page)).toEqual({ local: 0, session: 0, idb: 0 });
    await page.locator('#text').focus(); // Esc works while typing, too
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => u.host === exitHost, { timeout: 10_000 });
    expect(await page.evaluate(() => history.length)).toBe(h);
    expect(problems).toEqual([]);
    await context.close();
  });
});
