/**
 * Two app instances (A and B) on one database and one fake Telegram, both with cron jobs
 * enabled, as behind a load balancer.
 *
 * 1. Load: ~300 updates over 30 chats, each posted to A or B at random, some to both (a
 *    webhook Telegram retried, at the same time or right after the first answer), with at
 *    most CONCURRENCY requests in flight. Each chat sends its updates in order, one after the
 *    other's answer, as Telegram does. When all is quiet, every chat has received exactly the
 *    replies of an undisturbed chat (a control chat run first on A alone): the same texts, in
 *    the same order. One missing means an update went unanswered, one extra an update
 *    answered twice, a swap a broken per-chat order.
 * 2. Jobs: every cron job is fired on A and B at the same moment for the same minute (the
 *    path node-cron takes on each instance), several times: each tick runs exactly once,
 *    shown by the return values, the lease's run key, the "job ran" log records, the one
 *    monthly snapshot, and one retention purge that deleted exactly what was seeded.
 * 3. The lease and tick semantics with a slow job: a tick is never run again by a late
 *    instance, and one instance never runs the same job twice at once.
 *
 * The random choices come from a seed (LOAD_SEED, printed on failure) so a failure replays.
 */
import { ConversationModel } from '../../../src/conversations/store';
import { createJobs, lastDueMonth } from '../../../src/jobs';
import { LeaseModel } from '../../../src/locks/store';
import { ReportModel } from '../../../src/reports/store';
import { FakeTelegram, startFakeTelegram } from '../../fakes/fakeTelegram';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { NO_ANSWER, postUpdate, telegramEnv, TG_SECRET, TG_TOKEN, textUpdate } from '../../support/telegram';
import { seeded } from '../../../src/engine/seeded';

type Svc = Awaited<ReturnType<typeof startTestService>>;

const SCRIPT = ['xin chào', '2', '0', 'menu', '3', '0', '/start', '0', 'menu', '0'];
const CHATS = 30;
const CONCURRENCY = 12;
const DUP_AT_ONCE = 0.08; // posted to A and B at the same time
const DUP_AFTER = 0.08; // posted to one, then again to the other after its answer
const SEED = Number(process.env.LOAD_SEED) || Date.now() % 1_000_000;
const TZ = 'Asia/Ho_Chi_Minh';

let a: Svc;
let b: Svc;
let tg: FakeTelegram;
const logs = captureLogs();

beforeAll(async () => {
  tg = await startFakeTelegram();
  const env = { ...telegramEnv(tg.url), TELEGRAM_MAX_PER_SECOND: '1000', JOBS_ENABLED: 'true', TZ_REPORTS: TZ };
  a = await startTestService(env);
  b = await startTestService({ ...env, MONGODB_URI: a.db.uri });
}, 120_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  a?.cleanup();
  b?.cleanup();
  await tg?.close();
  logs.stop();
}, 60_000);


/** At most n tasks at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try { return await fn(); } finally { active -= 1; waiting.shift()?.(); }
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until count() has not changed for `quietMs` (and pred holds), bounded by `maxMs`. */
async function quiet(count: () => number, quietMs: number, maxMs: number, pred: () => boolean = () => true): Promise<number> {
  const end = Date.now() + maxMs;
  let last = count();
  let since = Date.now();
  for (;;) {
    await sleep(250);
    const now = count();
    if (now !== last) { last = now; since = Date.now(); }
    if (Date.now() - since >= quietMs && pred()) return now;
    if (Date.now() > end) throw new Error(`not quiet after ${maxMs} ms (seed ${SEED})`);
  }
}

/** Log records (parsed JSON lines) with this message, captured after index `from`. */
function records(message: string, from = 0): Record<string, unknown>[] {
  return logs.lines.slice(from).flatMap((l) => {
    try {
      const r = JSON.parse(l) as Record<string, unknown>;
      return r.message === message ? [r] : [];
    } catch { return []; }
  });
}

describe('two instances under load', () => {
  it('answers every distinct update exactly once, in order per chat, wherever it lands', async () => {
    // Control: one chat, undisturbed, on A alone: what the flow answers to the script.
    const control = 990_001;
    for (const t of SCRIPT) expect(await postUpdate(a.url, textUpdate(control, t))).toBe(200);
    await quiet(() => tg.sent(control).length, 2500, 60_000, () => tg.sent(control).length >= SCRIPT.length);
    const expected = tg.sent(control);
    expect(expected.length).toBeGreaterThanOrEqual(SCRIPT.length);
    expect(new Set(expected).size).toBeGreaterThan(3); // varied enough for a swap to show

    const rand = seeded(SEED);
    const gate = limiter(CONCURRENCY);
    const stats = { posts: 0, toA: 0, toB: 0, dupAtOnce: 0, dupAfter: 0, redelivered: 0, unanswered: 0, non200: [] as number[] };
    /** POST through the gate; redeliver (as Telegram does) on anything but 200, a bounded number of times. */
    const deliver = async (svc: Svc, update: Record<string, unknown>): Promise<number> => {
      for (let attempt = 0; ; attempt++) {
        const status = await gate(() => postUpdate(svc.url, update));
        stats.posts += 1;
        if (svc === a) stats.toA += 1; else stats.toB += 1;
        if (status === 200 || attempt >= 5) return status;
        // Why this check flaked: postUpdate gives up after 10 s, and on a machine shared with
        // other work an answer can take that long (posts averaged about 3 s each at 12 in
        // flight on the loaded 2-core machine). That is this client's patience, not the service
        // refusing: the update is redelivered like any other, and the exactly-once, in-order
        // checks below cover it. Only a real answer other than 200 (503 not recorded, 0
        // connection refused) counts against the service.
        if (status === NO_ANSWER) stats.unanswered += 1; else stats.non200.push(status);
        stats.redelivered += 1;
        await sleep(300 * (attempt + 1));
      }
    };

    const chats = Array.from({ length: CHATS }, (_, i) => 600_000 + i);
    const plans = chats.map((chat) => SCRIPT.map((t) => {
      const r = rand();
      const first = rand() < 0.5 ? a : b;
      const other = first === a ? b : a;
      const mode = r < DUP_AT_ONCE ? 'both-at-once' : r < DUP_AT_ONCE + DUP_AFTER ? 'retry-after' : 'one';
      return { update: textUpdate(chat, t), first, other, mode };
    }));
    const started = Date.now();
    await Promise.all(plans.map(async (plan) => {
      for (const p of plan) {
        if (p.mode === 'both-at-once') {
          stats.dupAtOnce += 1;
          const [x, y] = await Promise.all([deliver(p.first, p.update), deliver(p.other, p.update)]);
          expect([x, y]).toEqual([200, 200]);
        } else {
          expect(await deliver(p.first, p.update)).toBe(200);
          if (p.mode === 'retry-after') { stats.dupAfter += 1; expect(await deliver(p.other, p.update)).toBe(200); }
        }
      }
    }));
    const total = CHATS * expected.length;
    await quiet(() => tg.sent().length, 3000, 240_000, () => chats.every((c) => tg.sent(c).length >= expected.length));
    const elapsed = Date.now() - started;

    const wrong = chats.filter((c) => JSON.stringify(tg.sent(c)) !== JSON.stringify(expected));
    if (wrong.length) {
      const c = wrong[0]!;
      // Shows the difference of the first wrong chat, with the seed to replay it.
      expect({ seed: SEED, chat: c, wrongChats: wrong.length, got: tg.sent(c) }).toEqual({ seed: SEED, chat: c, wrongChats: 0, got: expected });
    }
    expect(tg.sent().length - tg.sent(control).length).toBe(total);
    // Both instances took a real share of the load, and duplicates were really sent.
    expect(stats.toA).toBeGreaterThan(CHATS * SCRIPT.length * 0.3);
    expect(stats.toB).toBeGreaterThan(CHATS * SCRIPT.length * 0.3);
    expect(stats.dupAtOnce + stats.dupAfter).toBeGreaterThan(10);
    // Telegram redelivers what we did not acknowledge; under this load there should be no need.
    expect({ seed: SEED, non200: stats.non200 }).toEqual({ seed: SEED, non200: [] });
    logs.assertAbsent(TG_TOKEN, TG_SECRET);
    console.log(`load: ${stats.posts} posts (A ${stats.toA}, B ${stats.toB}; ${stats.dupAtOnce} at once to both, ${stats.dupAfter} retried on the other, ` +
      `${stats.unanswered} redelivered after 10 s without an answer), ` +
      `${total} replies expected and delivered in ${elapsed} ms, seed ${SEED}`);
  }, 400_000);
});

describe('cron jobs on two instances', () => {
  /** A cron tick fires at second 0; fire ours well inside a minute, so no real tick holds a lease meanwhile. */
  async function insideAMinute(): Promise<void> {
    for (let i = 0; i < 120; i++) {
      const s = new Date().getSeconds();
      if (s >= 3 && s <= 45) return;
      await sleep(250);
    }
  }

  const oldConversation = (pid: string) => {
    const at = new Date(Date.now() - 400 * 86_400_000);
    return {
      pid, channel: 'telegram', addressSealed: 'sealed', lang: 'vi', state: {}, status: 'bot', version: 0, messageIds: [], caseId: null,
      episodeStartedAt: null, lastActivityAt: at, createdAt: at, blockedUntil: null, handoff: null, outSeq: 0, recentUpdates: [], pendingSealed: null,
    };
  };

  it('runs each job exactly once per tick when both instances fire it at the same moment', async () => {
    const ja = a.wired.jobs;
    const jb = b.wired.jobs;
    expect([...ja.names]).toEqual([...jb.names]);
    expect(ja.names).toEqual(expect.arrayContaining(['monthly-report', 'retention', 'handoff-sweep']));
    expect(ja.holder).not.toBe(jb.holder);
    const month = lastDueMonth(new Date(), TZ);
    // The start-up catch-up of both instances made the due month's snapshot, once.
    for (let i = 0; i < 40 && (await ReportModel.countDocuments({ kind: 'month', period: month })) === 0; i++) await sleep(250);
    expect(await ReportModel.countDocuments({ kind: 'month', period: month })).toBe(1);

    const ROUNDS = 4;
    for (let round = 0; round < ROUNDS; round++) {
      // Work for the jobs: no snapshot for the due month, and expired conversations to purge.
      await ReportModel.deleteMany({ kind: 'month', period: month });
      const pids = [0, 1, 2].map((i) => `load-expired-${round}-${i}`);
      await ConversationModel.collection.insertMany(pids.map(oldConversation));
      await insideAMinute();
      const at = new Date(Date.UTC(2020, 0, 1, 0, round)); // a past minute no real tick uses
      const from = logs.lines.length;

      const fired = ja.names.flatMap((name) => [ja, jb].map(async (j) => ({ name, holder: j.holder, ran: await j.runTick(name, at) })));
      const results = await Promise.all(fired);

      for (const name of ja.names) {
        const mine = results.filter((r) => r.name === name);
        const slot = `${name}@${at.toISOString().slice(0, 16)}`;
        expect({ round, name, ran: mine.filter((r) => r.ran).length }).toEqual({ round, name, ran: 1 });
        expect((await LeaseModel.findOne({ name: `job:${name}` }).lean())?.lastRunKey).toBe(slot);
        expect({ round, name, runs: records('job ran', from).filter((r) => r.job === name && r.slot === slot).length }).toEqual({ round, name, runs: 1 });
      }
      expect(await ReportModel.countDocuments({ kind: 'month', period: month })).toBe(1);
      const purges = records('retention purge', from);
      expect(purges).toHaveLength(1);
      expect(purges[0]!.conversations).toBe(pids.length);
      expect(await ConversationModel.countDocuments({ pid: { $in: pids } })).toBe(0);

      // The same tick again, on either instance (a clock a few seconds late): nothing runs.
      expect(await Promise.all([ja.runTick('retention', at), jb.runTick('retention', at)])).toEqual([false, false]);
    }
  }, 180_000);

  it('with a slow job: a late instance never reruns a tick, and one instance never runs a job twice at once', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const slow = { name: 'slow-sweep', cron: '0 0 1 1 *', run: async () => { running += 1; runs += 1; most = Math.max(most, running); await sleep(600); running -= 1; } };
    const cfg = { tzReports: TZ, reportMinCell: 5, retentionDays: 30, caseNoteRetentionDays: 90 };
    const one = createJobs(cfg, { sweeps: [slow], holder: 'load-one' });
    const two = createJobs(cfg, { sweeps: [slow], holder: 'load-two' });
    const t1 = new Date(Date.UTC(2021, 0, 1, 0, 1));
    const t2 = new Date(Date.UTC(2021, 0, 1, 0, 2));

    // Same tick on both at once: one runs.
    expect((await Promise.all([one.runTick('slow-sweep', t1), two.runTick('slow-sweep', t1)])).filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    // The same tick later, on both (after the first released the lease): nobody runs it again.
    expect(await Promise.all([two.runTick('slow-sweep', t1), one.runTick('slow-sweep', t1)])).toEqual([false, false]);
    expect(runs).toBe(1);
    // Two different ticks on ONE instance while the first is still running: never two runs at once.
    const first = one.runTick('slow-sweep', t2);
    await sleep(150);
    const second = await one.runNow('slow-sweep');
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(most).toBe(1);
    expect(runs).toBe(2);
  }, 60_000);
});
