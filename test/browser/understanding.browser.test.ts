/**
 * People's own words in the web chat, in a real browser (headless Debian Chromium via
 * playwright-core) against the real service and model: a story typed at the menu reaches its
 * page; a message with two likely meanings gets a short question whose buttons work; a
 * danger message gets the emergency numbers first; gibberish gets an acknowledgement with the
 * menu and the counsellor option. Screenshots at phone, tablet and laptop sizes in test-output/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { startWebchatService, WebchatService } from '../integration/webchat/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const SIZES = [{ name: 'phone', width: 360, height: 740 }, { name: 'tablet', width: 768, height: 1024 }, { name: 'laptop', width: 1366, height: 768 }];

let ws: WebchatService;
let browser: Browser;
beforeAll(async () => {
  ws = await startWebchatService();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(OUT, { recursive: true });
});
afterAll(async () => { await browser?.close(); await ws?.close(); });

async function open(width: number, height: number): Promise<{ page: Page; close: () => Promise<void>; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'vi-VN' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${ws.url}/chat`);
  await page.locator('#options button').first().waitFor({ timeout: 20_000 });
  return { page, close: () => context.close(), problems };
}

/** Type a message and wait for the bot's answer to it; returns the new bot messages' text. */
async function say(page: Page, text: string): Promise<string[]> {
  const before = await page.locator('.msg.bot').count();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n && document.querySelectorAll('#options button').length > 0, before, { timeout: 20_000 });
  await page.waitForTimeout(300); // the rest of the same answer
  return (await page.locator('.msg.bot').allTextContents()).slice(before);
}

describe.each(SIZES)('people\'s own words in the web chat ($name)', ({ name, width, height }) => {
  it('a story reaches its page, a question clarifies, danger comes first, nothing is a dead end', async () => {
    const { page, close, problems } = await open(width, height);

    const story = await say(page, 'chồng tôi kiểm tra điện thoại, đọc hết tin nhắn của tôi');
    expect(story.join('\n')).toMatch(/tinh thần|tâm lý/i);
    await page.screenshot({ path: path.join(OUT, `understanding-topic-${name}.png`) });

    const clarify = await say(page, 'tôi muốn hòa bình với chồng');
    expect(clarify.at(-1)).toMatch(/hiểu đúng ý bạn/);
    const buttons = page.locator('#options button[data-payload^="topic:"]');
    expect(await buttons.count()).toBeGreaterThanOrEqual(2);
    await expect(page.locator('#options button[data-payload="topic:counsellor"]').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(OUT, `understanding-clarify-${name}.png`) });
    const before = await page.locator('.msg.bot').count();
    await buttons.first().click();
    // The whole answer (a page can be several messages; the last one brings the choices).
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n && document.querySelectorAll('#options button').length > 0, before, { timeout: 20_000 });
    await page.waitForTimeout(500);

    const danger = await say(page, 'nó đang cầm dao đứng ngoài cửa, em sợ lắm');
    expect(danger[0]).toMatch(/113/);
    await page.screenshot({ path: path.join(OUT, `understanding-danger-${name}.png`) });

    const lost = await say(page, 'asdf ghjk qwerty');
    expect(lost[0]).toMatch(/chưa chắc đã hiểu đúng/);
    await expect(page.locator('#options button[data-payload="counsellor"]').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(OUT, `understanding-not-understood-${name}.png`) });

    expect(problems).toEqual([]);
    await close();
  });
});
