/**
 * Accessibility of the web chat in a real browser (headless Debian Chromium via
 * playwright-core) against the real service: where keyboard focus goes after a reply, who is
 * speaking for screen readers, a live region that announces only the new reply, numbered
 * choices that match what typing a number picks, the first screen on a phone, and axe-core
 * finding nothing serious or critical (after the welcome, after a choice, in English).
 * Screenshots at phone, tablet and laptop sizes go to test-output/webchat-*.png.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { createWebchat } from '../../src/channels/webchat';
import { FieldCipher } from '../../src/shared/crypto';
import { startWebchatService, WebchatService } from '../integration/webchat/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const PHONE = { width: 360, height: 740 };
const SIZES = [{ name: 'phone', ...PHONE }, { name: 'tablet', width: 768, height: 1024 }, { name: 'laptop', width: 1366, height: 768 }];
/** The page moves focus this long after the last message of a reply (SETTLE_MS in webchat.js), plus room. */
const SETTLED_MS = 600;

let ws: WebchatService;
let browser: Browser;

beforeAll(async () => {
  ws = await startWebchatService();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  mkdirSync(OUT, { recursive: true });
});
afterAll(async () => { await browser?.close(); await ws?.close(); });

interface Chat { context: BrowserContext; page: Page; problems: string[] }

/**
 * The chat after its welcome, in a context where only loopback is reachable. `bypassCSP`
 * only for axe: playwright injects its script inline, which the page's CSP rightly refuses.
 */
async function openChat(size = PHONE, opts: { bypassCSP?: boolean } = {}): Promise<Chat> {
  const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: 1, locale: 'vi-VN', bypassCSP: opts.bypassCSP ?? false });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(`${ws.url}/chat`);
  await page.locator('#options button[data-payload="find_help"]').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(SETTLED_MS);
  return { context, page, problems };
}

/** Pick an option by mouse and wait until the reply (with its choices) has settled. */
async function choose(page: Page, payload: string): Promise<void> {
  const before = await page.locator('.msg.bot').count();
  await page.locator(`#options button[data-payload="${payload}"]`).click();
  await waitForReply(page, before);
}

async function waitForReply(page: Page, botCountBefore: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n && document.querySelectorAll('#options button').length > 0, botCountBefore, { timeout: 20_000 });
  await page.waitForTimeout(SETTLED_MS);
}

/** The focused element, described for assertions. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { tag: el?.tagName.toLowerCase() ?? '', id: el?.id ?? '', className: el?.className ?? '', payload: el?.getAttribute('data-payload') ?? null, text: el?.textContent ?? '' };
});

/** Send a bot message to this browser's session as another instance's outbox would (a reply without choices, say). */
async function botSays(context: BrowserContext, text: string): Promise<void> {
  const sid = (await context.cookies(`${ws.url}/chat`)).find((c) => c.name === 'sid')!.value;
  const cfg = ws.svc.config;
  const other = createWebchat(cfg, { cipher: new FieldCipher(cfg.dataKeys), receive: async () => ({ status: 'accepted' }) });
  expect((await other.adapter.send(sid, { text })).ok).toBe(true);
  other.stop();
}

/** axe-core's serious and critical findings on the page as it is now (printed when there are any). */
async function seriousViolations(page: Page, when: string): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join(' | ')}`);
  });
  if (violations.length) console.log(`axe (${when}):\n${violations.join('\n')}`);
  return violations;
}

/** Chrome's own accessible names of the option buttons (what a screen reader is given). */
async function optionNames(context: BrowserContext, page: Page): Promise<string[]> {
  const cdp = await context.newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '#options button' });
  const names: string[] = [];
  for (const nodeId of nodeIds) {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    names.push(String(nodes[0]?.name?.value ?? ''));
  }
  await cdp.detach();
  return names;
}

/** The element's box lies within the viewport (and below the header, for what scrolls). */
async function inView(page: Page, selector: string): Promise<{ top: number; bottom: number; visibleTop: number; visibleBottom: number }> {
  return page.evaluate((sel) => {
    const box = document.querySelector(sel)!.getBoundingClientRect();
    const scroll = document.getElementById('scroll')!.getBoundingClientRect();
    const inScroll = document.getElementById('scroll')!.contains(document.querySelector(sel));
    return { top: box.top, bottom: box.bottom, visibleTop: inScroll ? scroll.top : 0, visibleBottom: inScroll ? scroll.bottom : window.innerHeight };
  }, selector);
}

describe('web chat accessibility', () => {
  it('the first screen on a phone shows the quick exit, its hint and the top of the privacy notice', async () => {
    const { context, page, problems } = await openChat();
    const exit = await inView(page, '#exit');
    expect(exit.top).toBeGreaterThanOrEqual(0);
    expect(exit.bottom).toBeLessThanOrEqual(PHONE.height);
    const hint = await inView(page, '#notice');
    expect(hint.top).toBeGreaterThanOrEqual(hint.visibleTop);
    expect(hint.bottom).toBeLessThanOrEqual(hint.visibleBottom);
    const privacy = await inView(page, '.msg.bot');
    expect(await page.locator('.msg.bot').first().textContent()).toMatch(/Xin chào/);
    expect(privacy.top).toBeGreaterThanOrEqual(privacy.visibleTop);
    expect(privacy.top + 40).toBeLessThanOrEqual(privacy.visibleBottom); // at least its first line
    await page.screenshot({ path: path.join(OUT, 'webchat-first-screen-phone.png') });
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each(SIZES)('screenshots of the first screen and after a choice ($name)', async (size) => {
    const { context, page, problems } = await openChat(size);
    await page.screenshot({ path: path.join(OUT, `webchat-first-${size.name}.png`) });
    await choose(page, 'rights');
    await page.screenshot({ path: path.join(OUT, `webchat-after-choice-${size.name}.png`) });
    const exit = await inView(page, '#exit'); // the quick exit stays on screen after scrolling
    expect(exit.top).toBeGreaterThanOrEqual(0);
    expect(exit.bottom).toBeLessThanOrEqual(size.height);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('focus goes to the first new choice, or the newest message; never to <body>; typing keeps the box', async () => {
    const { context, page, problems } = await openChat();
    // Welcome: the first choice of the menu.
    expect(await focused(page)).toMatchObject({ tag: 'button', payload: 'danger' });

    // A choice made with the keyboard: the tapped button disappears, focus lands on the next reply's first choice.
    await page.locator('#options button[data-payload="rights"]').focus();
    const before = await page.locator('.msg.bot').count();
    await page.keyboard.press('Enter');
    expect((await focused(page)).tag).not.toBe('body'); // at once, before the reply: on the person's own message
    await waitForReply(page, before);
    const afterChoice = await focused(page);
    const firstPayload = await page.locator('#options button').first().getAttribute('data-payload');
    expect(afterChoice).toMatchObject({ tag: 'button', payload: firstPayload });

    // A reply without choices: the newest message.
    await page.locator('#lang').focus();
    await botSays(context, 'Một tin nhắn không có lựa chọn');
    await page.locator('.msg.bot', { hasText: 'Một tin nhắn không có lựa chọn' }).waitFor();
    await page.waitForTimeout(SETTLED_MS);
    expect(await focused(page)).toMatchObject({ tag: 'div', className: 'msg bot' });
    expect((await focused(page)).text).toContain('Một tin nhắn không có lựa chọn');

    // Typing in the box: a reply (even with choices) does not take the box away. The send is
    // held back a little so the person is surely typing when the reply comes.
    await page.route('**/chat/send', async (route) => { await new Promise((r) => setTimeout(r, 800)); await route.fallback(); });
    const beforeTyped = await page.locator('.msg.bot').count();
    await page.locator('#text').fill('tôi cần tìm trợ giúp');
    await page.locator('#text').press('Enter');
    await page.keyboard.type('đang gõ tiếp');
    expect(await page.locator('.msg.bot').count()).toBe(beforeTyped); // still typing, no reply yet
    await waitForReply(page, beforeTyped);
    await page.unroute('**/chat/send');
    expect(await focused(page)).toMatchObject({ tag: 'textarea', id: 'text' });
    expect(await page.locator('#text').inputValue()).toBe('đang gõ tiếp');

    // With the box focused but empty, a reply with no choices leaves focus in the box.
    await page.locator('#text').fill('');
    await botSays(context, 'Thêm một tin nhắn');
    await page.locator('.msg.bot', { hasText: 'Thêm một tin nhắn' }).waitFor();
    await page.waitForTimeout(SETTLED_MS);
    expect(await focused(page)).toMatchObject({ tag: 'textarea', id: 'text' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('each message says who speaks, in the interface language; the live region holds only the new reply', async () => {
    const { context, page, problems } = await openChat();
    expect(await page.locator('#log').getAttribute('role')).toBe('log');
    expect(await page.locator('#log').getAttribute('aria-live')).toBe('off');
    expect(await page.locator('#announce').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#announce-urgent').getAttribute('aria-live')).toBe('assertive');

    const botTexts = async () => (await page.locator('.msg.bot').evaluateAll((els) => els.map((e) => Array.from(e.childNodes).filter((n) => !(n instanceof HTMLElement && n.classList.contains('sr'))).map((n) => n.textContent).join(''))));
    const welcome = await botTexts();
    expect(await page.locator('#announce p').allTextContents()).toEqual(welcome);
    expect(await page.locator('.msg.bot .sr').first().textContent()).toBe('Trợ lý: ');

    // Danger: only the new reply is announced; the emergency numbers interrupt (assertive).
    await choose(page, 'danger');
    expect(await page.locator('.msg.me .sr').first().textContent()).toBe('Bạn: ');
    const reply = (await botTexts()).slice(welcome.length);
    const announced = [...await page.locator('#announce-urgent p').allTextContents(), ...await page.locator('#announce p').allTextContents()];
    expect(announced.sort()).toEqual([...reply].sort());
    expect((await page.locator('#announce-urgent').textContent()) ?? '').toMatch(/113/);
    expect((await page.locator('#announce').textContent()) ?? '').not.toMatch(/113/);

    // The speaker names follow the language switch.
    await page.locator('#lang').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('.msg.bot .sr').first().textContent()).toBe('Assistant: ');
    expect(await page.locator('.msg.me .sr').first().textContent()).toBe('You: ');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('choices are numbered as the bot counts them, read as "1. Label", and typing "2" picks the second', async () => {
    const { context, page, problems } = await openChat();
    const buttons = page.locator('#options button');
    const count = await buttons.count();
    const badges = await page.locator('#options button .num').evaluateAll((els) => els.map((e) => e.firstChild?.textContent));
    expect(badges).toEqual(Array.from({ length: count }, (_x, i) => String(i + 1)));
    const labels = await buttons.evaluateAll((els) => els.map((e) => e.lastChild?.textContent ?? ''));
    expect(await optionNames(context, page)).toEqual(labels.map((l, i) => `${i + 1}. ${l}`));

    // What the second button leads to, in another chat…
    const other = await openChat();
    await choose(other.page, (await buttons.nth(1).getAttribute('data-payload'))!);
    const viaButton = await other.page.locator('.msg.bot').nth(2).textContent();
    await other.context.close();
    // …is what typing "2" leads to here.
    const before = await page.locator('.msg.bot').count();
    await page.locator('#text').fill('2');
    await page.locator('#text').press('Enter');
    await waitForReply(page, before);
    expect(await page.locator('.msg.bot').nth(before).textContent()).toBe(viaButton);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('axe-core finds nothing serious or critical: after the welcome, after a choice, in English', async () => {
    const { context, page } = await openChat(PHONE, { bypassCSP: true });
    expect(await seriousViolations(page, 'welcome')).toEqual([]);
    await choose(page, 'rights');
    expect(await seriousViolations(page, 'after a choice')).toEqual([]);
    const before = await page.locator('.msg.bot').count();
    await page.locator('#lang').click();
    await waitForReply(page, before);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await seriousViolations(page, 'English')).toEqual([]);
    await context.close();
  });
});
