/**
 * The screens of the person's journey that changed, walked on a phone (360×740) in headless
 * Chromium against the real service: a legal page whose first line stays neutral, danger
 * in the middle of it and "back to where I was", the province picker (alphabetical, with
 * next/back/menu on every page), a former province name, the national numbers (GBV numbers
 * first, no fire or sea rescue). Screenshots: test-output/journey-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { startWebchatService, WebchatService } from '../integration/webchat/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');

let ws: WebchatService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ws = await startWebchatService();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  page = await context.newPage();
  await page.goto(`${ws.url}/chat`);
  await page.locator('#options button[data-payload="rights"]').waitFor({ timeout: 20_000 });
});
afterAll(async () => { await browser?.close(); await ws?.close(); });

const shot = async (name: string) => { mkdirSync(OUT, { recursive: true }); await page.screenshot({ path: path.join(OUT, `journey-${name}.png`) }); };
const tap = async (payload: string) => {
  const b = page.locator(`#options button[data-payload="${payload}"]`);
  await b.waitFor({ timeout: 10_000 });
  await b.click();
};
const say = async (text: string) => { await page.fill('#text', text); await page.click('#send'); };
/** The visible text of a bubble without the screen-reader speaker label. */
const firstLine = async (loc: ReturnType<Page['locator']>) => (await loc.evaluate((el) => Array.from(el.childNodes).filter((n) => !(n instanceof HTMLElement && n.classList.contains('sr'))).map((n) => n.textContent).join(''))).split('\n')[0]!;

it('danger inside a legal page: emergency numbers, then back to the page where the person was', async () => {
  await tap('rights');
  await tap('protection');
  await page.locator('#options button[data-payload="more_rights"]').waitFor();
  await say('chồng tôi đang đánh tôi, cứu tôi với');
  const emergency = page.locator('.msg.bot', { hasText: '113' }).last();
  await emergency.waitFor({ timeout: 10_000 });
  await tap('back'); // "Quay lại chỗ đang xem"
  await page.locator('#options button[data-payload="more_rights"]').waitFor({ timeout: 10_000 });
  await shot('danger-back');
});

it('the province picker is alphabetical and every page has next, back and the main menu', async () => {
  await tap('main');
  await tap('find_help');
  await page.locator('#options button[data-payload^="p:"]').first().waitFor({ timeout: 10_000 });
  const names = await page.locator('#options button[data-payload^="p:"]').evaluateAll((bs) => bs.map((b) => b.lastChild!.textContent!.trim()));
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
  const payloads = await page.locator('#options button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-payload')));
  expect(payloads).toEqual(expect.arrayContaining(['more', 'menu']));
  await shot('picker-page1');
  await tap('more');
  await page.locator('#options button[data-payload="prev"]').waitFor({ timeout: 10_000 });
  const page2 = await page.locator('#options button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-payload')));
  expect(page2).toEqual(expect.arrayContaining(['more', 'prev', 'menu']));
  await shot('picker-page2');
});

it('a former province name says where it belongs now; the national numbers put GBV help first', async () => {
  await say('Quảng Bình');
  await page.locator('.msg.bot', { hasText: 'nay thuộc' }).waitFor({ timeout: 10_000 });
  // The national list is the bot message naming both 113 and 115 (an earlier message may name
  // 113 alone; taking the last with 113 raced the list's arrival in CI).
  const national = page.locator('.msg.bot').filter({ hasText: '113' }).filter({ hasText: '115' }).last();
  await national.waitFor({ timeout: 10_000 });
  const text = await national.innerText();
  expect(text.indexOf('113')).toBeLessThan(text.indexOf('115'));
  expect(text.indexOf('115')).toBeLessThan(text.indexOf('111'));
  expect(text).not.toMatch(/\b114\b|\b112\b/);
  await shot('former-name-national');
});

it('every bot message begins with a line that does not give the subject away on a lock screen', async () => {
  await say('menu');
  await page.locator('#options button[data-payload="is_it"]').waitFor({ timeout: 10_000 });
  await tap('is_it');
  const before = await page.locator('.msg.bot').count();
  await tap('sexual');
  await page.locator('#options button').first().waitFor({ timeout: 10_000 });
  const bubbles = page.locator('.msg.bot');
  const after = await bubbles.count();
  expect(after).toBeGreaterThan(before);
  for (let i = before; i < after; i++) expect(await firstLine(bubbles.nth(i))).not.toMatch(/tình dục|bạo lực|xâm hại|hiếp|113/i);
  await shot('sexual-page');
});
