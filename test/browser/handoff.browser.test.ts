/**
 * The counsellor handoff in a real browser (headless Debian Chromium via playwright-core):
 * a person on the web chat asks for a counsellor; a counsellor logs in to the console,
 * sees them in the queue (live), claims, they exchange messages both ways, the counsellor
 * closes with a disposition. Then: the case record carries the disposition, and no
 * message text remains in the database. Saves test-output/console.png.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { chromium, Browser, Page } from 'playwright-core';
import { buildApp } from '../../src/app';
import { CaseModel } from '../../src/cases/store';
import { createWebchat, Webchat } from '../../src/channels/webchat';
import { receiveOrFallback } from '../../src/conversations';
import { HandoffCaseModel, HandoffMessageModel } from '../../src/handoff/store';
import { OutboxWorker } from '../../src/outbox';
import { ConsoleService, makeUser, startConsoleService, until } from '../integration/console/harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(__dirname, '..', '..', 'test-output');
const PERSON_TEXT = 'Em cần người nói chuyện cùng';
const COUNSELLOR_TEXT = 'Chào em, chị là tư vấn viên, chị đang nghe đây.';

let cs: ConsoleService;
let browser: Browser;
let chatUrl: string;
let stopChat: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  cs = await startConsoleService();
  await makeUser('lan', 'counsellor');
  if (cs.svc.wired.mounts.some((m) => m.path === '/chat')) {
    chatUrl = cs.svc.url;
  } else {
    // Until the lead mounts /chat: compose the web chat exactly as its own harness does.
    const w = cs.svc.wired;
    const ingest = { pipeline: w.pipeline, flows: w.flows, engineConfig: w.engineConfig };
    const wc: Webchat = createWebchat(cs.svc.config, { cipher: w.cipher, receive: (i) => receiveOrFallback(ingest, wc.adapter, i) });
    const worker = new OutboxWorker([wc.adapter], w.outbox, w.cipher, { maxAttempts: cs.svc.config.outboxMaxAttempts });
    worker.start();
    wc.start();
    const server = http.createServer(buildApp({ mounts: [{ path: '/chat', router: wc.router }] }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    chatUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stopChat = async () => { wc.stop(); server.closeAllConnections(); await new Promise((r) => server.close(r)); await worker.stop(); };
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => { await browser?.close(); await stopChat(); await cs?.close(); cs?.svc.cleanup(); });

async function newPage(width: number, height: number): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'vi-VN' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/401/.test(m.text())) problems.push(`console: ${m.text()}`); });
  return { page, problems };
}

async function personTypes(p: Page, text: string): Promise<void> {
  await p.fill('#text', text);
  await p.click('#send');
}

it('a person on the web chat reaches a counsellor, they talk, the counsellor closes', async () => {
  // The counsellor logs in on a tablet-sized screen and goes on duty.
  const { page: c, problems: cProblems } = await newPage(1024, 768);
  await c.goto(`${cs.url}/console/`);
  await c.fill('#username', 'lan');
  await c.fill('#password', 'correct horse battery');
  await c.click('#login-form button[type=submit]');
  await c.locator('#queue-view').waitFor({ state: 'visible' });
  await c.check('#online');
  await until(async () => (await mongoose.connection.db!.collection('handoff_presence').findOne({ username: 'lan', online: true })) !== null, 5000, 'online');

  // The person asks for a counsellor on the web chat.
  const { page: p } = await newPage(360, 740);
  await p.goto(`${chatUrl}/chat`);
  await p.locator('#options button[data-payload="counsellor"]').waitFor({ timeout: 20_000 });
  await p.click('#options button[data-payload="counsellor"]');
  await p.locator('#options button[data-payload="consent_yes"]').waitFor();
  await p.click('#options button[data-payload="consent_yes"]');
  await p.locator('#options button[data-payload="role_self"]').waitFor();
  await p.click('#options button[data-payload="role_self"]');
  await p.locator('#options button[data-payload="age_18_29"]').waitFor();
  await p.click('#options button[data-payload="age_18_29"]');
  await personTypes(p, 'ha noi');
  await p.locator('.msg', { hasText: 'vị trí số 1' }).waitFor({ timeout: 15_000 });

  // The queue updates live; the counsellor claims.
  const row = c.locator('tr.queue-row').first();
  await row.waitFor({ timeout: 10_000 });
  expect(await row.innerText()).toContain('18–29 tuổi'); // the age group's label, never its code
  await row.locator('button.claim').click();
  await c.locator('#chat').waitFor({ state: 'visible' });
  await p.locator('.msg', { hasText: 'tư vấn viên đã vào' }).waitFor({ timeout: 10_000 });

  // Both ways.
  await personTypes(p, PERSON_TEXT);
  await c.locator('#messages li.from-person', { hasText: PERSON_TEXT }).waitFor({ timeout: 10_000 });
  await c.fill('#send-text', COUNSELLOR_TEXT);
  await c.click('#send');
  await p.locator('.msg', { hasText: COUNSELLOR_TEXT }).waitFor({ timeout: 10_000 });
  await c.locator('#messages li.from-counsellor .delivery', { hasText: 'đã gửi' }).waitFor({ timeout: 10_000 });
  mkdirSync(OUT, { recursive: true });
  await c.screenshot({ path: path.join(OUT, 'console.png'), fullPage: true });

  // Close with a disposition.
  const hid = (await HandoffCaseModel.findOne({ status: 'active' }).lean())!.hid;
  const pid = (await HandoffCaseModel.findOne({ hid }).lean())!.pid;
  await c.click('#open-close');
  await c.check('input[name="violence"][value="psychological_abuse"]');
  await c.check('input[name="context"][value="intimate_partner_family"]');
  await c.selectOption('#f-perpetrator', 'intimate_partner');
  await c.check('input[name="referrals"][value="legal_aid"]');
  await c.selectOption('#f-outcome', 'referred');
  await c.click('#close-submit');
  await c.locator('#chat').waitFor({ state: 'hidden', timeout: 10_000 });
  await p.locator('.msg', { hasText: 'kết thúc cuộc trò chuyện' }).waitFor({ timeout: 10_000 });

  const rec = await until(async () => {
    const r = await CaseModel.findOne({ pid }).sort({ startedAt: -1 }).lean();
    return r?.outcome === 'referred' ? r : null;
  }, 5000, 'case record');
  expect(rec).toMatchObject({ violenceTypes: ['psychological_abuse'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner', answeredByCounsellor: true });
  expect(await HandoffMessageModel.countDocuments({})).toBe(0);
  // No message text anywhere in the database, in any collection.
  const db = mongoose.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    const dump = JSON.stringify(await db.collection(name).find({}).toArray());
    expect(dump.includes(PERSON_TEXT) || dump.includes(COUNSELLOR_TEXT) ? name : null).toBeNull();
  }
  expect(cProblems).toEqual([]);
});
