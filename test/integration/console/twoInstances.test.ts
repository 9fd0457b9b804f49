/**
 * Two app instances on one database: the person's webhook lands on instance B, the
 * counsellor works on instance A. A's live stream (SSE) hears about B's messages through
 * the database feed (no shared memory), and the counsellor's replies reach the person.
 */
import http from 'node:http';
import request from 'supertest';
import { ConversationModel } from '../../../src/conversations/store';
import { HandoffCaseModel } from '../../../src/handoff/store';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { postUpdate, telegramEnv, textUpdate } from '../../support/telegram';
import { ConsoleService, makeUser, startConsoleService, tapUpdate, until } from './harness';

let a: ConsoleService;
let b: ConsoleService;
let tg: FakeTelegram;
const logs = captureLogs();
let upd = 90_000;

beforeAll(async () => {
  tg = await startFakeTelegram();
  a = await startConsoleService(telegramEnv(tg.url));
  b = await startConsoleService({ ...telegramEnv(tg.url), MONGODB_URI: a.svc.db.uri });
  await makeUser('lan', 'counsellor');
});
afterAll(async () => { await b.close(); await a.close(); a.svc.cleanup(); b.svc.cleanup(); await tg.close(); logs.stop(); });

/** Open A's event stream with a session cookie; collect the change notices. */
function openStream(url: string, cookie: string): { events: { kind: string; hid: string | null }[]; close(): void } {
  const events: { kind: string; hid: string | null }[] = [];
  const req = http.get(`${url}/console/api/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(block);
        if (/^event: change$/m.test(block) && data) events.push(JSON.parse(data[1]!));
      }
    });
  });
  req.on('error', () => undefined);
  return { events, close: () => req.destroy() };
}

it('a counsellor on instance A chats with a person whose webhook lands on instance B', async () => {
  const chat = 4242;
  const pid = b.svc.wired.pipeline.pidOf({ channel: 'telegram', channelUserId: String(chat) });
  const loginRes = await request(a.url).post('/console/api/login').send({ username: 'lan', password: 'correct horse battery' });
  const cookie = String(loginRes.headers['set-cookie']).split(';')[0]!;
  const csrf = loginRes.body.csrfToken as string;
  const api = (method: 'get' | 'post', path: string, body?: object) => {
    const r = request(a.url)[method](`/console/api${path}`).set('Cookie', cookie).set('X-CSRF-Token', csrf);
    return body ? r.send(body) : r;
  };
  expect((await api('post', '/presence', { online: true })).status).toBe(200);
  const stream = openStream(a.url, cookie);

  // The person, through instance B.
  const send = async (x: Record<string, unknown>) => expect(await postUpdate(b.svc.url, x)).toBe(200);
  await send(textUpdate(chat, 'hi', upd++));
  await send(tapUpdate(chat, 'counsellor', upd++));
  for (const t of ['1', '1', '3', 'ha noi']) await send(textUpdate(chat, t, upd++));
  await until(async () => (await ConversationModel.findOne({ pid }).lean())?.status === 'queued', 20_000, 'queued on B').catch(async (e) => { console.log(JSON.stringify((await ConversationModel.findOne({ pid }).lean())?.state), tg.sent(chat).slice(-3)); throw e; });
  await until(async () => stream.events.some((e) => e.kind === 'queue'), 5000, 'queue notice on A');

  const queue = (await api('get', '/queue')).body.queue as { hid: string }[];
  expect(queue).toHaveLength(1);
  const hid = queue[0]!.hid;
  expect((await api('post', `/queue/${hid}/claim`)).status).toBe(200);
  await until(async () => (await HandoffCaseModel.findOne({ hid }).lean())?.status === 'active', 3000, 'active');

  await send(textUpdate(chat, 'xin chào, tôi cần giúp', upd++));
  await until(async () => stream.events.some((e) => e.kind === 'message' && e.hid === hid), 8000, 'message notice on A from B');
  const msgs = await until(async () => {
    const m = (await api('get', `/cases/${hid}/messages`)).body.messages as { from: string; text: string }[];
    return m.some((x) => x.from === 'person') ? m : null;
  }, 5000, 'message');
  expect(msgs.filter((m) => m.from === 'person').map((m) => m.text)).toEqual(['xin chào, tôi cần giúp']);

  expect((await api('post', `/cases/${hid}/messages`, { text: 'Chào bạn, mình nghe đây.' })).status).toBe(200);
  await tg.waitFor(() => tg.sent(chat).includes('Chào bạn, mình nghe đây.'), 10_000);
  stream.close();
  logs.assertAbsent('xin chào, tôi cần giúp', 'Chào bạn, mình nghe đây.');
});
