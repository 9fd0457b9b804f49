/**
 * Web chat sessions cannot be planted and streams cannot flood, on the real router and
 * embedded database:
 * - an id the server did not issue (43 × "A", or a real-looking one with a wrong MAC) is
 *   never adopted: the page gets a fresh id, the stream and the API answer 401;
 * - streams are capped per address (429) and per instance (503);
 * - idle streams do not query the database: one notifier per instance looks for replies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { buildApp } from '../../../src/app';
import { createWebchat, Webchat } from '../../../src/channels/webchat';
import { connectDatabase, ensureIndexes, type Database } from '../../../src/db/connect';
import { configureLogger } from '../../../src/observability/log';
import { FieldCipher } from '../../../src/shared/crypto';
import { tempDir, testConfig } from '../../support/service';
import { ChatClient, clientId, SseReader } from './client';

const tmp = tempDir('gbv-webchat-sessions-');
let db: Database;
let server: http.Server;
let url: string;
let webchat: Webchat;
const CAPS = { perAddress: 25, perInstance: 30 };

beforeAll(async () => {
  configureLogger({ level: 'debug', json: true, silent: !process.env.SHOW_LOGS });
  db = await connectDatabase({ dataDir: tmp.dir });
  await ensureIndexes();
  const cfg = testConfig(tmp.dir);
  webchat = createWebchat(cfg, { cipher: new FieldCipher(cfg.dataKeys), receive: async () => ({ status: 'accepted' }) }, { streamCaps: CAPS });
  server = http.createServer(buildApp({ mounts: [{ path: '/chat', router: webchat.router }] }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  webchat.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await db.close().catch(() => undefined);
  tmp.cleanup();
});

const sidOf = (setCookies: string[]) => (setCookies.find((s) => s.startsWith('sid=')) ?? '').split(';')[0]!.slice(4);

describe('session fixation', () => {
  it.each([
    ['an invented id', 'A'.repeat(43)],
    ['a real-looking id with a forged MAC', `${'B'.repeat(43)}.${'C'.repeat(22)}`],
  ])('%s is never adopted: the page issues a fresh id; stream and API refuse the planted one', async (_what, planted) => {
    const c = new ChatClient(url);
    c.cookie = `sid=${planted}`;
    const page = await c.open();
    expect(page.status).toBe(200);
    const issued = sidOf(c.setCookies);
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
    expect(issued).not.toBe(planted);
    const attacker = new ChatClient(url);
    attacker.cookie = `sid=${planted}`;
    const s = attacker.stream();
    await s.waitFor(() => s.status !== 0, 5_000, 'stream status');
    expect(s.status).toBe(401);
    s.close();
    expect((await attacker.post('/send', { id: clientId(), text: 'xin chào' })).status).toBe(401);
  });

  it('the id changes after an exit, even if the old cookie is sent again', async () => {
    const c = new ChatClient(url);
    await c.open();
    const before = c.sid;
    expect((await c.post('/exit', {})).status).toBe(204);
    c.cookie = `sid=${before}`; // someone kept the old cookie
    await c.open();
    expect(c.sid).not.toBe(before);
  });
});

describe('stream flood', () => {
  const open: SseReader[] = [];
  afterAll(() => { for (const s of open) s.close(); });

  it('idle streams never query the database (one notifier per instance), and the caps hold', async () => {
    const clients: ChatClient[] = [];
    for (let i = 0; i < CAPS.perAddress; i++) { const c = new ChatClient(url); await c.open(); clients.push(c); }
    for (const c of clients) open.push(c.stream());
    await Promise.all(open.map((s) => s.waitFor(() => s.status === 200, 10_000, 'stream open')));
    await new Promise((r) => setTimeout(r, 500)); // the first look of each stream is over
    const queries: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => { queries.push(`${collection}.${method}`); });
    try {
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      mongoose.set('debug', false);
    }
    // Before: every stream polled its messages every 300 ms (25 streams × ~6 = 150 queries).
    expect(queries.filter((q) => q.startsWith('webchat_messages')).length).toBe(0);
    expect(queries.filter((q) => q.startsWith('webchat_sessions')).length).toBeLessThanOrEqual(10);

    // One more from the same address: refused.
    const extra = new ChatClient(url);
    await extra.open();
    const refused = extra.stream();
    await refused.waitFor(() => refused.status !== 0, 5_000, 'refused status');
    expect(refused.status).toBe(429);
    refused.close();
  });

  it('a reply still reaches an idle stream at once, and a reply written elsewhere through the notifier', async () => {
    const c = new ChatClient(url);
    await c.open();
    for (const s of open.splice(0, 3)) s.close(); // make room under the address cap
    await new Promise((r) => setTimeout(r, 200));
    const s = c.stream();
    open.push(s);
    await s.waitFor(() => s.status === 200, 5_000, 'stream open');
    await webchat.adapter.send(c.sid, { text: 'một' });
    await s.waitFor(() => s.events.some((e) => e.data.includes('một')), 5_000, 'local reply');
    // Another instance (its own hub, same database) writes the next reply.
    const cfg = testConfig(tmp.dir);
    const other = createWebchat(cfg, { cipher: new FieldCipher(cfg.dataKeys), receive: async () => ({ status: 'accepted' }) });
    await other.adapter.send(c.sid, { text: 'hai' });
    await s.waitFor(() => s.events.some((e) => e.data.includes('hai')), 5_000, 'reply from another instance');
    other.stop();
  });
});
