/**
 * Phases of `npm run bench` that drive a running app through its Telegram webhook:
 * - latency: reply latency at a fixed rate (also used by `history`);
 * - danger: emergency reply latency for danger messages sent while a backlog of ordinary
 *   messages is queued (issue 16: a person in danger must not wait behind it);
 * - history: latency at 50 msg/s with 0, 100,000, 1,000,000 messages already processed
 *   (seen log, delivered log and cases seeded with insertMany in batches).
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { BenchApi } from './fakeApi';
import { openLoop, percentile } from './load';

/** How a phase reaches the app. */
export interface BenchTarget {
  hook: string;
  headers: Record<string, string>;
  api: BenchApi;
}

let updateId = 1;
/** A Telegram text update from `chat`. */
export const update = (chat: number, text: string): string => JSON.stringify({
  update_id: updateId++, message: { message_id: updateId, date: 1735689600, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'B' }, text },
});

/** Wait until count() stops changing for 3 s or reaches target (bounded); returns when it last changed. */
export async function waitQuiet(count: () => number, target: number, limitMs: number): Promise<number> {
  const start = performance.now();
  let last = count(); let lastChange = performance.now();
  while (performance.now() - start < limitMs) {
    await new Promise((r) => setTimeout(r, 50));
    const c = count();
    if (c !== last) { last = c; lastChange = performance.now(); }
    if (c >= target || performance.now() - lastChange > 3000) break;
  }
  return lastChange;
}

/** First contact of `n` chats from `chatBase` (not measured), then wait for the app to be idle. */
export async function warm(t: BenchTarget, chatBase: number, n: number): Promise<void> {
  await openLoop({ url: t.hook, rate: 200, seconds: n / 200, headers: t.headers, body: (i) => update(chatBase + i, 'xin chào'), maxWaitMs: 60_000 });
  await waitQuiet(() => t.api.replies, Infinity, 60_000);
}

/**
 * Reply latency (ms, sorted) at `rate` messages/s for 10 s over warm chats from `chatBase`, how
 * many were sent, and (given a counter of database commands) the commands spent meanwhile.
 */
export async function latencyAt(t: BenchTarget, rate: number, chatBase: number, ops?: () => number): Promise<{ lat: number[]; sent: number; ops: number }> {
  const seconds = 10;
  const perChat = 2;
  const nChats = Math.ceil((rate * seconds) / perChat);
  const sentAt = new Map<number, number>();
  const chatOf = (i: number) => chatBase + (i % nChats);
  await warm(t, chatBase, nChats);
  const seenBefore = new Map<number, number>();
  for (let c = 0; c < nChats; c++) seenBefore.set(chatBase + c, t.api.arrivals.get(String(chatBase + c))?.length ?? 0);
  const opsMark = ops?.() ?? 0;
  await openLoop({ url: t.hook, rate, seconds, headers: t.headers, body: (i) => update(chatOf(i), 'menu'), onSent: (i, at) => sentAt.set(i, at) });
  await waitQuiet(() => t.api.replies, Infinity, 30_000);
  const spent = (ops?.() ?? 0) - opsMark;
  const lat: number[] = [];
  const seen = new Map<number, number>(seenBefore);
  for (const [i, at] of [...sentAt.entries()].sort((a, b) => a[1] - b[1])) {
    const chat = chatOf(i);
    const arr = t.api.arrivals.get(String(chat)) ?? [];
    const idx = seen.get(chat) ?? 0;
    const first = arr.slice(idx).find((x) => x >= at);
    if (first !== undefined) { lat.push(first - at); seen.set(chat, arr.indexOf(first) + 1); }
  }
  return { lat: lat.sort((a, b) => a - b), sent: sentAt.size, ops: spent };
}

const DANGER_TEXT = 'cứu em với, chồng em đang cầm dao đòi giết em';

/**
 * `backlog` ordinary messages (new people, 5 each) posted as fast as the app takes them;
 * once they are being queued, `n` danger messages from other new people, one every 100 ms.
 * Latency: from sending a danger message to its emergency reply at the fake API.
 */
export async function dangerUnderBacklog(t: BenchTarget, backlog: number, n: number, chatBase: number): Promise<{ lat: number[]; answered: number; backlogErrors: number }> {
  const people = Math.ceil(backlog / 5);
  // The platforms open at most this many connections at once to one webhook (Telegram's
  // max_connections is 40 by default and 100 at most): with more (256 were tried), the
  // emergency reply's connection waits seconds in the kernel's accept queue behind them.
  const sockets = Number(process.env.BENCH_DANGER_SOCKETS ?? 100);
  const ordinary = openLoop({ url: t.hook, rate: 2_000, seconds: backlog / 2_000, headers: t.headers, body: (i) => update(chatBase + (i % people), 'menu'), maxWaitMs: 120_000, sockets });
  await new Promise((r) => setTimeout(r, 1_000));
  const dangerBase = chatBase + 500_000;
  const sentAt = new Map<number, number>();
  const danger = openLoop({ url: t.hook, rate: 10, seconds: n / 10, headers: t.headers, body: (i) => update(dangerBase + i, DANGER_TEXT), onSent: (i, at) => sentAt.set(dangerBase + i, at), maxWaitMs: 120_000 });
  const [o] = await Promise.all([ordinary, danger]);
  const end = Date.now() + 60_000;
  const answered = () => [...sentAt.keys()].filter((c) => t.api.emergencies.has(String(c))).length;
  while (answered() < sentAt.size && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const lat = [...sentAt].flatMap(([chat, at]) => {
    const first = t.api.emergencies.get(String(chat))?.find((x) => x >= at);
    return first === undefined ? [] : [first - at];
  }).sort((a, b) => a - b);
  return { lat, answered: answered(), backlogErrors: o.errors };
}

/**
 * Seed the logs of `from`..`to` messages already processed: one seen-log row and one
 * delivered-log row per message, one case per 5 messages, written with insertMany in
 * batches straight into the app's database. Returns the time it took.
 */
export async function seedHistory(uri: string, from: number, to: number, say: (line: string) => void): Promise<number> {
  const BATCH = 5_000;
  const conn = await mongoose.createConnection(uri, { maxPoolSize: 4 }).asPromise();
  const t0 = performance.now();
  try {
    const at = new Date(Date.now() - 3_600_000);
    for (let i = from; i < to; i += BATCH) {
      const n = Math.min(BATCH, to - i);
      const ids = Array.from({ length: n }, (_, k) => i + k);
      await conn.collection('inbox_seen').insertMany(ids.map((k) => ({ _id: `telegram:h${k}`, at })) as never[], { ordered: false });
      await conn.collection('outbox_delivered').insertMany(ids.map((k) => ({ _id: `hist${k % 50_000}:h${k}:0`, at })) as never[], { ordered: false });
      const cases = ids.filter((k) => k % 5 === 0).map((k) => ({
        _id: `hist${k}:0`, caseId: randomUUID(), pid: `hist${k}`, seq: 0, channel: 'telegram', language: 'vi', month: '2026-10',
        startedAt: at, lastEventAt: at, province: null, role: 'unknown', ageGroup: null, gender: null, violenceTypes: [], contextFlags: [],
        perpetratorRelation: null, danger: false, escalated: false, answeredByCounsellor: false, topics: ['main'], referrals: [], outcome: null,
        feedback: null, waitSeconds: null, waitBucket: null, violenceRecorded: false, handlingSeconds: null, returning: false, closed: true,
        queuedAt: null, claimedAt: null, abandoned: false, cancelled: false,
      }));
      if (cases.length) await conn.collection('cases').insertMany(cases as never[], { ordered: false });
      if (((i - from) / BATCH) % 20 === 19) say(`  history: seeded ${i + n} messages (${Math.round((performance.now() - t0) / 1000)} s)`);
    }
  } finally {
    await conn.close();
  }
  return performance.now() - t0;
}

export { percentile };
