/**
 * Fuzz: thousands of generated bodies to each webhook (and the web chat when enabled):
 * wrong types, missing fields, huge strings, deep nesting, invalid UTF-8, emoji and RTL
 * text, 10 MB bodies, wrong content types. Never a 5xx, never a crash, memory bounded,
 * and the server is still ready at the end.
 *
 * Seeded: the test's name and every failure carry the seed; `FUZZ_SEED=<seed>` replays the
 * same bodies (the Zalo events' timestamps alone follow the clock, so they stay fresh).
 */
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { InboxModel } from '../../../src/conversations/store';
import { zaloSignature } from '../../../src/channels/zalo/verify';
import { readJson } from '../../../src/channels/wire';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { FakeZalo, startFakeZalo } from '../../fakes/fakeZalo';
import { fuzzCase, fuzzSeed, streamFor } from '../../support/fuzz';
import { startTestService } from '../../support/service';
import { telegramEnv, TG_SECRET, textUpdate } from '../../support/telegram';

const N = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = fuzzSeed();

/** A real full garbage collection (jest runs without --expose-gc), so live memory is what we measure. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
const ZALO = { appId: 'fuzz-app', oaSecret: 'fuzz-oa-secret', appSecret: 'fuzz-app-secret' };

let fake: FakeTelegram;
let fakeZalo: FakeZalo;
let svc: Awaited<ReturnType<typeof startTestService>>;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  fake = await startFakeTelegram();
  fakeZalo = await startFakeZalo({ appId: ZALO.appId, appSecret: ZALO.appSecret, refreshToken: 'rt-fuzz' });
  svc = await startTestService({
    ...telegramEnv(fake.url), ZALO_APP_ID: ZALO.appId, ZALO_APP_SECRET: ZALO.appSecret, ZALO_OA_SECRET: ZALO.oaSecret,
    ZALO_REFRESH_TOKEN: 'rt-fuzz', ZALO_API_BASE: fakeZalo.url, ZALO_OAUTH_BASE: fakeZalo.url, LOG_LEVEL: 'error',
    // The fuzz is about the endpoints, not Telegram's 30/s cap: let replies drain.
    TELEGRAM_MAX_PER_SECOND: '5000',
  });
});
afterAll(async () => { await svc.close(); svc.cleanup(); await fake.close(); await fakeZalo.close(); agent.destroy(); });

function send(path: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  const url = new URL(path, svc.url);
  return new Promise((resolve) => {
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': body.length, ...headers } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', () => resolve(0)); // the server may cut a 10 MB upload short after answering 413
    req.end(body);
  });
}

/** `valid(r)` builds a well-formed update from the endpoint's stream `r`, so it is seeded too. */
async function fuzzEndpoint(path: string, valid: (r: () => number) => Record<string, unknown>, headersFor: (body: Buffer) => Record<string, string>): Promise<Record<number, number>> {
  // Cases are generated synchronously, in index order, before any request awaits: the stream's
  // order does not depend on how the concurrent requests interleave.
  const r = streamFor(SEED, path);
  const statuses: Record<number, number> = {};
  const failures: string[] = [];
  const run = async (i: number) => {
    const c = fuzzCase(r, i, () => valid(r));
    const status = await send(path, c.body, { 'content-type': c.contentType, ...headersFor(c.body) });
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 500 || status === 0) failures.push(`FUZZ_SEED=${SEED} ${path} case ${i} (${c.label}) → ${status}`);
  };
  for (let i = 0; i < N; i += 16) await Promise.all(Array.from({ length: Math.min(16, N - i) }, (_, k) => run(i + k)));
  // A few 10 MB bodies.
  for (let i = 0; i < 5; i++) {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const status = await send(path, big, { 'content-type': 'application/json', ...headersFor(big) });
    if (status !== 413 && status !== 0) failures.push(`10 MB body → ${status}`);
  }
  expect(failures.slice(0, 20)).toEqual([]);
  return statuses;
}

describe('fuzzing the public endpoints', () => {
  it(`survives ${N} hostile bodies per webhook with bounded memory (FUZZ_SEED=${SEED})`, async () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    collectGarbage();
    const before = process.memoryUsage();
    let updateId = 0;
    const tg = await fuzzEndpoint('/webhooks/telegram', (r) => textUpdate(700_000 + Math.floor(r() * 50), 'xin chào', 5_000_000 + updateId++), () => ({ 'x-telegram-bot-api-secret-token': TG_SECRET }));
    const zaloValid = (r: () => number) => ({ app_id: ZALO.appId, event_name: 'user_send_text', timestamp: String(Date.now()), sender: { id: String(800_000 + Math.floor(r() * 50)) }, recipient: { id: 'oa1' }, message: { text: 'xin chào', msg_id: `m${Math.floor(r() * 2 ** 48)}` } });
    const zalo = await fuzzEndpoint('/webhooks/zalo', zaloValid, (body) => {
      const json = readJson(body);
      const obj = typeof json === 'object' && json !== null && !Array.isArray(json) ? json as Record<string, unknown> : {};
      return { 'x-zevent-signature': zaloSignature('mac_appid', ZALO, body, obj) };
    });
    // Each endpoint saw refusals (4xx) and acceptances (2xx): the fuzz reached the parsers.
    for (const statuses of [tg, zalo]) {
      expect(Object.keys(statuses).some((s) => Number(s) >= 400 && Number(s) < 500)).toBe(true);
      expect(statuses[200] ?? 0).toBeGreaterThan(0);
    }
    const ready = await fetch(`${svc.url}/readyz`);
    expect(ready.status).toBe(200);
    // Bounded memory: once the accepted updates are processed, the live heap is back near
    // where it started (a leak would keep growing with the 20,000 bodies), and the process
    // as a whole grows by less than 300 MB although it received ten 10 MB bodies.
    const until = Date.now() + 120_000;
    while (Date.now() < until && (await InboxModel.countDocuments({ status: 'pending' })) > 0) await new Promise((r) => setTimeout(r, 500));
    collectGarbage();
    const after = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(`fuzz memory: heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, rss ${mb(before.rss)} → ${mb(after.rss)} MB`);
    expect(mb(after.heapUsed - before.heapUsed)).toBeLessThan(100);
    expect(mb(after.rss - before.rss)).toBeLessThan(300);
  }, 1_500_000);
});
