/**
 * The web chat routes on the real embedded database and a real HTTP server (the app's own
 * buildApp with helmet), with a recording `receive` in place of the pipeline that answers
 * through adapter.send() as the outbox worker would. Covers the HTTP contract: cookie,
 * CSRF and origin, validation, rate limit, ordered live replies, resume/ack, exit, and
 * the in-memory fallback when the database is down.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../src/app';
import type { Inbound } from '../../../src/channels/types';
import { createWebchat, Webchat } from '../../../src/channels/webchat';
import { SessionKeys } from '../../../src/channels/webchat/session';
import { WebchatMessageModel, WebchatSessionModel } from '../../../src/channels/webchat/store';
import { connectDatabase, Database, ensureIndexes } from '../../../src/db/connect';
import { configureLogger } from '../../../src/observability/log';
import { FieldCipher } from '../../../src/shared/crypto';
import { captureLogs } from '../../support/logs';
import { tempDir, testConfig } from '../../support/service';
import { ChatClient, clientId } from './client';

const tmp = tempDir('gbv-webchat-');
let db: Database;
let server: http.Server;
let url: string;
let webchat: Webchat;
let keys: SessionKeys;
const received: Inbound[] = [];
const logs = captureLogs();

beforeAll(async () => {
  configureLogger({ level: 'debug', json: true, silent: !process.env.SHOW_LOGS });
  db = await connectDatabase({ dataDir: tmp.dir });
  await ensureIndexes();
  const cfg = testConfig(tmp.dir);
  keys = new SessionKeys(cfg.sessionSecret);
  const cipher = new FieldCipher(cfg.dataKeys);
  webchat = createWebchat(cfg, {
    cipher,
    async receive(inbound) {
      // A real database call first, so "database down" makes receive throw as the pipeline's does.
      await WebchatSessionModel.exists({ sidHash: 'probe' });
      received.push(inbound);
      if (inbound.kind === 'text') {
        // Answer like the outbox worker: three replies, one after the other, the last with buttons.
        setImmediate(async () => {
          for (const i of [1, 2, 3]) {
            await webchat.adapter.send(inbound.channelUserId, {
              text: `${inbound.text} → reply ${i}`,
              ...(i === 3 ? { options: [{ label: 'Menu', payload: 'menu' }] } : {}),
            });
          }
        });
      }
      return { status: 'accepted' };
    },
  }, { limits: { sendPerSession: 30 } });
  const app = buildApp({ mounts: [{ path: '/chat', router: webchat.router }] });
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  webchat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.close().catch(() => undefined);
  tmp.cleanup();
  logs.stop();
});

async function session(): Promise<ChatClient> {
  const c = new ChatClient(url);
  expect((await c.open()).status).toBe(200);
  return c;
}

describe('web chat routes', () => {
  it('serves the page with a session cookie (HttpOnly, SameSite=Strict, Path=/chat, no Max-Age), no-store and a strict CSP', async () => {
    const c = new ChatClient(url);
    const page = await c.open();
    expect(page.html).toContain('<title>Trò chuyện – Hỗ trợ</title>');
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(page.html).not.toMatch(/\sstyle=/); // no inline styles
    expect(page.html).toMatch(/data-csrf="[A-Za-z0-9_-]{20,}"/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = c.setCookies.find((s) => s.startsWith('sid='))!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/chat/);
    expect(cookie).not.toMatch(/Max-Age|Expires|Secure/i); // a session cookie; Secure only in production

    // The same session on reload: no new cookie.
    const again = await c.open();
    expect(c.setCookies).toHaveLength(0);
    expect(again.html).toContain('data-fresh="0"');

    const js = await fetch(`${url}/chat/static/webchat.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('no-store'); // see static.test.ts
    const body = await js.text();
    expect(body.replace(/\/\*[\s\S]*?\*\//g, '')).not.toMatch(/localStorage|sessionStorage|indexedDB|pushState|replaceState/); // comments may name them
    expect(body).toContain('location.replace');
  });

  it('sets the Secure flag in production', async () => {
    const prod = testConfig(tmp.dir, {
      // Random values: production refuses weak ones (see test/unit/foundation/config.test.ts).
      NODE_ENV: 'production', PSEUDONYM_KEY: '767bc21d42ac1608fc9ae6ba5a569d44dbe5c6ae13310d34ca47d16e2a4922da',
      SESSION_SECRET: 'cdoXQReo_B-wZ3uONRKRfh3Fn78amziBY7AKx69mtUg', DATA_KEY: 'xXkMtTINakesPSwayGAH44KVtNfi1gNtp3sWFMoAihw=',
    });
    const wc = createWebchat(prod, { cipher: new FieldCipher(prod.dataKeys), receive: async () => ({ status: 'accepted' }) });
    const app = buildApp({ mounts: [{ path: '/chat', router: wc.router }] });
    const s = http.createServer(app);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/chat`);
    expect(res.headers.getSetCookie()[0]).toMatch(/; Secure/);
    await new Promise((r) => s.close(r));
  });

  it('passes a message to receive and streams the replies in order', async () => {
    const c = await session();
    const sse = c.stream();
    const id = clientId();
    const r = await c.post('/send', { id, text: 'chị cần giúp' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'accepted' });
    const got = received[received.length - 1]!;
    expect(got).toMatchObject({ channel: 'webchat', channelUserId: c.sid, kind: 'text', text: 'chị cần giúp' });
    expect(got.updateId.endsWith(`:${id}`)).toBe(true);
    expect(got.updateId).not.toContain(c.sid); // the inbox keeps update ids in clear

    await sse.waitFor(() => sse.messages().length >= 3, 10_000, 'three replies');
    const msgs = sse.messages();
    expect(msgs.map((m) => m.text)).toEqual(['chị cần giúp → reply 1', 'chị cần giúp → reply 2', 'chị cần giúp → reply 3']);
    const seqs = msgs.map((m) => m.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(msgs[2]!.options).toEqual([{ label: 'Menu', payload: 'menu' }]);
    // Stored sealed, under a hash of the session id.
    const rows = await WebchatMessageModel.find({}).lean();
    expect(JSON.stringify(rows)).not.toContain('chị cần giúp');
    expect(JSON.stringify(rows)).not.toContain(c.sid);
    sse.close();
    logs.assertAbsent(c.sid, 'chị cần giúp');
  });

  it('gives a retried message the same update id (the pipeline answers it once)', async () => {
    const c = await session();
    const id = clientId();
    await c.post('/send', { id, payload: 'find_help' });
    await c.post('/send', { id, payload: 'find_help' });
    const two = received.slice(-2);
    expect(two[0]!.updateId).toBe(two[1]!.updateId);
    expect(two[0]).toMatchObject({ kind: 'choice', payload: 'find_help' });
  });

  it('resumes after Last-Event-ID, and acknowledged replies are deleted', async () => {
    const c = await session();
    const first = c.stream();
    await c.post('/send', { id: clientId(), text: 'a' });
    await first.waitFor(() => first.messages().length >= 3);
    first.close();
    const [s1, s2, s3] = first.messages().map((m) => m.seq!);
    const resumed = c.stream(s1);
    await resumed.waitFor(() => resumed.messages().length >= 2);
    await new Promise((r) => setTimeout(r, 400));
    expect(resumed.messages().map((m) => m.seq)).toEqual([s2, s3]);
    const sidHash = keys.sidHash(c.sid);
    const left = await WebchatMessageModel.find({ sidHash }).sort({ seq: 1 }).lean();
    expect(left.map((r) => r.seq)).toEqual([s2, s3]); // s1 acknowledged by resuming after it
    expect((await c.post('/ack', { seq: s3 })).status).toBe(204);
    expect(await WebchatMessageModel.countDocuments({ sidHash })).toBe(0);
    resumed.close();
  });

  it('delivers a reply sent by another instance (the poll path, no in-process wake)', async () => {
    const c = await session();
    const sse = c.stream();
    await sse.waitFor(() => sse.status === 200);
    const cfg = testConfig(tmp.dir);
    const other = createWebchat(cfg, { cipher: new FieldCipher(cfg.dataKeys), receive: async () => ({ status: 'accepted' }) });
    const t0 = Date.now();
    for (const text of ['one', 'two', 'three']) expect((await other.adapter.send(c.sid, { text })).ok).toBe(true);
    await sse.waitFor(() => sse.messages().length >= 3, 5_000, 'replies from the other instance');
    expect(sse.messages().map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(Date.now() - t0).toBeLessThan(3_000);
    other.stop();
    sse.close();
  });

  it('refuses a missing or wrong CSRF token, a foreign origin, and no session; records nothing', async () => {
    const c = await session();
    const before = received.length;
    const body = { id: clientId(), text: 'x' };
    expect((await c.post('/send', body, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await c.post('/send', body, { 'x-csrf-token': '' })).status).toBe(403);
    expect((await c.post('/send', body, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await c.post('/send', body, { origin: '' })).status).toBe(403);
    expect((await c.post('/send', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const other = await session(); // another session's token is not this one's
    expect((await c.post('/send', body, { 'x-csrf-token': other.csrf })).status).toBe(403);
    expect((await c.post('/send', body, { cookie: '' })).status).toBe(401);
    expect((await c.post('/ack', { seq: 1 }, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect(received.length).toBe(before);
  });

  it('refuses operator objects, non-strings, long text and malformed JSON with 400', async () => {
    const c = await session();
    const before = received.length;
    const bad: unknown[] = [
      { id: clientId(), text: { $gt: '' } },
      { id: clientId(), payload: { $ne: null } },
      { id: { $gt: '' }, text: 'hi' },
      { id: clientId(), text: ['a'] },
      { id: clientId(), text: 42 },
      { id: clientId(), text: 'x'.repeat(2001) },
      { id: clientId(), text: '   ' },
      { id: clientId(), text: 'a', payload: 'menu' },
      { id: clientId(), payload: 'bad payload with spaces' },
      { text: 'no id' },
      '{"id": "abcdefgh", "text": ',
    ];
    for (const b of bad) expect([b, (await c.post('/send', b)).status]).toEqual([b, 400]);
    expect((await c.post('/send', { id: clientId(), text: 'x'.repeat(2000) })).status).toBe(200);
    expect((await c.post('/ack', { seq: { $gt: 0 } })).status).toBe(400);
    expect(received.length).toBe(before + 1);
  });

  it('rate-limits a session with 429 and a kind message; other sessions go on', async () => {
    const c = await session();
    const statuses: number[] = [];
    let last: Record<string, unknown> | null = null;
    for (let i = 0; i < 31; i++) {
      const r = await c.post('/send', { id: clientId(), payload: 'menu' });
      statuses.push(r.status);
      last = r.json;
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(String(last?.message)).toMatch(/chờ một chút/);
    const other = await session();
    expect((await other.post('/send', { id: clientId(), payload: 'menu' })).status).toBe(200);
  });

  it('quick exit clears the cookie, sends the engine an exit, ends the stream and drops later replies', async () => {
    const c = await session();
    const sid = c.sid;
    const sse = c.stream();
    await sse.waitFor(() => sse.status === 200);
    const r = await c.post('/exit', '');
    expect(r.status).toBe(204);
    const cleared = c.setCookies.find((s) => s.startsWith('sid='))!;
    expect(cleared).toMatch(/^sid=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/Path=\/chat/);
    expect(received[received.length - 1]).toMatchObject({ channelUserId: sid, kind: 'choice', payload: 'exit' });
    await sse.waitFor(() => sse.isEnded, 5_000, 'stream end');

    // A late reply (the exit's own answer) is dropped, not stored.
    const res = await webchat.adapter.send(sid, { text: 'late reply' });
    expect(res.ok).toBe(true);
    expect(await WebchatMessageModel.countDocuments({ sidHash: keys.sidHash(sid) })).toBe(0);

    // Coming back with the old cookie gets a fresh session.
    const back = new ChatClient(url);
    back.cookie = `sid=${sid}`;
    const page = await back.open();
    expect(page.html).toContain('data-fresh="1"');
    expect(back.sid).not.toBe(sid);
  });

  it('with the database down: /send answers 503, and a reply still reaches an open stream from memory', async () => {
    const c = await session();
    const sse = c.stream();
    await sse.waitFor(() => sse.status === 200);
    await new Promise((r) => setTimeout(r, 200));
    await db.close();
    const r = await c.post('/send', { id: clientId(), text: 'help' });
    expect(r.status).toBe(503);
    expect(r.json?.error).toBe('unavailable');
    const sent = await webchat.adapter.send(c.sid, { text: 'Gọi 113 ngay', options: [{ label: 'Menu', payload: 'menu' }] });
    expect(sent.ok).toBe(true);
    await sse.waitFor(() => sse.messages().some((m) => m.text === 'Gọi 113 ngay'), 5_000, 'fallback reply');
    expect(sse.messages().find((m) => m.text === 'Gọi 113 ngay')!.seq).toBeNull();
    // No open stream for a session: the outbox must retry later.
    const none = await webchat.adapter.send('A'.repeat(43), { text: 'x' });
    expect(none).toMatchObject({ ok: false, retryable: true });
    sse.close();
    logs.assertAbsent(c.sid, 'Gọi 113 ngay');
  });
});
