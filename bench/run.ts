/**
 * `npm run bench`: the performance figures of issue 7, on loopback, against a fake
 * Telegram API. Prints a table and JSON. Takes a few minutes; stops by itself.
 *
 * 0. understanding: building the model at start-up (ms) and understanding one message
 *    (p50/p99 ms over the held-out messages);
 * 1. baseline: a bare express JSON echo (requests/s), same machine, same run;
 * 2. webhook throughput of the full path (update → dedupe → engine → state saved →
 *    reply at the fake API), messages/s, and its ratio to the baseline;
 * 3. end-to-end reply latency p50/p99 at fixed rates (50, 100, 200 messages/s);
 * 3b. danger: emergency reply latency p50/p99 for danger messages sent while 5,000 ordinary
 *    messages are queued (BENCH_DANGER_BACKLOG);
 * 3c. history: latency at 50 messages/s with 0, 100,000 and 1,000,000 messages already
 *    processed (BENCH_HISTORY_LEVELS), seeded with insertMany in batches;
 * 4. peak RSS of the app process (after every phase above: it includes the overload), and
 *    ops_per_message: database commands per message in the throughput phase, counted on the
 *    wire by a proxy between the app and the database (bench/dbProxy.ts);
 * 5. the monthly report over BENCH_REPORT_RECORDS case records (default 100,000, so the
 *    run stays within a few minutes: seeding is most of it; BENCH_REPORT_RECORDS=1000000
 *    measures the million, about 12 minutes more of seeding).
 * Each figure is printed as soon as it is measured, then all of them as JSON.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/devdb';
import { startDevDb } from '../src/db/devdb';
import { startDbProxy } from './dbProxy';
import { startBenchApi } from './fakeApi';
import { closedLoop, percentile } from './load';
import { BenchTarget, dangerUnderBacklog, latencyAt, seedHistory, update, waitQuiet, warm } from './phases';
import { benchMonthlyReport } from './reportBench';
import { benchUnderstanding } from './nluBench';
import { benchWebchatStreams } from './webchatStreams';

const ROOT = path.resolve(__dirname, '..', '..');
const SECRET = 'bench_secret_token_123456';

/** The node flags of `npm start` (package.json), so the bench measures the app as it is started. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(' ').filter((w) => /^--max-old-space-size=\d+$/.test(w));
}

/** BENCH_POOL_SIZE: the app's database connections (default: what the app chooses itself). */
const poolEnv = (): Record<string, string> => (process.env.BENCH_POOL_SIZE ? { MONGODB_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {});

function startChild(script: string, env: Record<string, string>, readyText: string): Promise<ChildProcess> {
  // The app runs with `npm start`'s node flags (the heap cap), plus BENCH_NODE_ARGS (e.g.
  // --cpu-prof --cpu-prof-dir=DIR to profile it).
  const flags = script.endsWith('main.js') ? [...startFlags(), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)] : [];
  const child = spawn(process.execPath, [...flags, script], { cwd: ROOT, env: { ...process.env, ...poolEnv(), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${script} did not start`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes(readyText)) { clearTimeout(t); resolve(child); } });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`${script} exited ${code}`)); });
  });
}

function stopChild(c: ChildProcess): Promise<void> {
  return new Promise((r) => { if (c.exitCode !== null) return r(); c.once('exit', () => r()); c.kill('SIGTERM'); });
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

type Profile = Map<string, { count: number; ms: number }>;
const snapshot = (p: Profile): Profile => new Map([...p].map(([k, v]) => [k, { ...v }]));

/** Where the database time went since `before`: per command shape, per message, slowest total first. */
function printProfile(title: string, now: Profile, before: Profile, messages: number): void {
  const rows = [...now].map(([shape, v]) => {
    const b = before.get(shape) ?? { count: 0, ms: 0 };
    return { shape, count: v.count - b.count, ms: v.ms - b.ms };
  }).filter((r) => r.count > 0).sort((a, b) => b.ms - a.ms);
  process.stdout.write(`  database time by command (${title}, ${messages} messages): per message, mean ms, total ms\n`);
  for (const r of rows.slice(0, 25)) {
    process.stdout.write(`    ${r.shape.padEnd(58)} ${(r.count / Math.max(1, messages)).toFixed(2).padStart(6)}  ${(r.ms / r.count).toFixed(2).padStart(8)}  ${Math.round(r.ms).toString().padStart(8)}\n`);
  }
}

/** Record a figure and print it at once (a long phase never hides the earlier ones). */
const results: Record<string, number | string> = {};
function figure(key: string, value: number | string): void {
  results[key] = value;
  process.stdout.write(`  ${key.padEnd(26)}  ${value}\n`);
}

/** 50 msg/s latency with 0, 100,000, 1,000,000 messages already processed (one fresh database, seeded in between). */
async function benchHistory(api: Awaited<ReturnType<typeof startBenchApi>>): Promise<void> {
  const levels = (process.env.BENCH_HISTORY_LEVELS ?? '0,100000,1000000').split(',').map(Number);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gbv-bench-history-'));
  const db = await startDevDb({ dataDir });
  const port = await freePort();
  const app = await startChild(path.join(ROOT, 'dist', 'src', 'main.js'), {
    PORT: String(port), DATA_DIR: dataDir, MONGODB_URI: db.uri, NODE_ENV: 'development', LOG_LEVEL: 'error', JOBS_ENABLED: 'false',
    TELEGRAM_BOT_TOKEN: '1:bench', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: api.url, TELEGRAM_MAX_PER_SECOND: '100000',
  }, 'ready on');
  const target: BenchTarget = { hook: `http://127.0.0.1:${port}/webhooks/telegram`, headers: { 'x-telegram-bot-api-secret-token': SECRET }, api };
  try {
    let seeded = 0;
    for (const [i, level] of levels.entries()) {
      if (level > seeded) {
        const ms = await seedHistory(db.uri, seeded, level, (l) => process.stdout.write(`${l}\n`));
        figure(`history_${level}_seed_s`, (ms / 1000).toFixed(0));
        seeded = level;
      }
      const { lat, sent } = await latencyAt(target, 50, 20_000_000 + i * 1_000_000);
      figure(`history_${level}_p99_ms`, percentile(lat, 99).toFixed(1));
      figure(`history_${level}_answered`, `${lat.length}/${sent}`);
    }
  } finally {
    await stopChild(app);
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  process.stdout.write('benchmark (one app instance, embedded database, loopback)\n');
  const phases = (process.env.BENCH_PHASES ?? 'nlu,throughput,latency,danger,history,report').split(',');

  // 0. Understanding: start-up cost and per-message cost, in this process.
  if (phases.includes('nlu')) await benchUnderstanding(ROOT, figure);
  // 0b. Web chat: reply latency with many idle live streams open (they must cost nothing).
  if (phases.includes('streams')) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gbv-bench-streams-'));
    const port = await freePort();
    const app = await startChild(path.join(ROOT, 'dist', 'src', 'main.js'), {
      PORT: String(port), DATA_DIR: dir, MONGODB_URI: '', NODE_ENV: 'development', LOG_LEVEL: 'error', JOBS_ENABLED: 'false',
      WEBCHAT_STREAMS_PER_ADDRESS: '1000', PUBLIC_URL: `http://127.0.0.1:${port}`,
    }, 'ready on');
    try {
      await benchWebchatStreams(`http://127.0.0.1:${port}`, Number(process.env.BENCH_IDLE_STREAMS ?? 500), figure);
    } finally {
      await stopChild(app);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!phases.some((p) => ['throughput', 'latency', 'danger', 'history', 'report'].includes(p))) return void process.stdout.write(`\n${JSON.stringify(results)}\n`);

  // 1. Baseline
  const echoPort = await freePort();
  const echo = await startChild(path.join(ROOT, 'dist', 'bench', 'echoServer.js'), { PORT: String(echoPort) }, 'echo ready');
  const base = await closedLoop({ url: `http://127.0.0.1:${echoPort}/echo`, connections: 32, seconds: 5, body: (i) => update(i % 1000, 'menu') });
  await stopChild(echo);
  figure('baseline_rps', Math.round(base.rps));

  // The app, as a child process on an embedded database the bench starts, reached through
  // the counting proxy; the pool size the app would choose for its own embedded database.
  const api = await startBenchApi();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gbv-bench-'));
  const db = await startDevDb({ dataDir });
  const proxy = await startDbProxy({ host: '127.0.0.1', port: db.port });
  const appPort = await freePort();
  const appEnv = (uri: string, port: number) => ({
    PORT: String(port), DATA_DIR: dataDir, MONGODB_URI: uri, NODE_ENV: 'development', LOG_LEVEL: 'error', JOBS_ENABLED: 'false',
    TELEGRAM_BOT_TOKEN: '1:bench', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: api.url, TELEGRAM_MAX_PER_SECOND: '100000',
  });
  // BENCH_COUNT_OPS=false: the app talks to the database directly (the proxy runs in this
  // process, beside the load generator and the fake API, and adds its own hop to every command).
  const countOps = process.env.BENCH_COUNT_OPS !== 'false';
  const app = await startChild(path.join(ROOT, 'dist', 'src', 'main.js'), appEnv(`mongodb://127.0.0.1:${countOps ? proxy.port : db.port}/gbv`, appPort), 'ready on');
  const headers = { 'x-telegram-bot-api-secret-token': SECRET };
  const target: BenchTarget = { hook: `http://127.0.0.1:${appPort}/webhooks/telegram`, headers, api };

  try {
    // 2. Throughput of the full path: warm chats each send "menu" (one reply each), as fast
    //    as 32 connections go for 10 s; the rate counts replies delivered until the backlog
    //    is drained (bounded), so it is what the app sustains, not just what it acknowledges.
    const chats = 500;
    if (phases.includes('throughput')) {
      await warm(target, 100_000, chats);
      const mark = api.replies;
      const opsMark = proxy.ops();
      const profMark = snapshot(proxy.profile);
      const t0 = performance.now();
      const load = await closedLoop({ url: target.hook, connections: 32, seconds: 10, headers, body: (i) => update(100_000 + (i % chats), 'menu') });
      const lastReply = await waitQuiet(() => api.replies - mark, load.ok, 120_000);
      const delivered = api.replies - mark;
      const ops = proxy.ops() - opsMark; // up to the last reply: per message answered (each "menu" is one reply)
      figure('webhook_acks_per_s', Math.round(load.rps));
      figure('full_path_msgs_per_s', Math.round(delivered / ((lastReply - t0) / 1000)));
      figure('ratio_to_baseline', (delivered / ((lastReply - t0) / 1000) / base.rps).toFixed(3));
      figure('replies_for_acked', `${delivered}/${load.ok}`);
      figure('webhook_errors', load.errors);
      if (countOps) printProfile('throughput', proxy.profile, profMark, delivered);
      if (countOps) figure('ops_per_message', (ops / Math.max(1, delivered)).toFixed(1)); // replaced by the latency phase's steady-state figure when it runs
    }

    // 3. Latency at fixed rates: fresh warm chats, each sending one message every few seconds.
    for (const rate of phases.includes('latency') ? [50, 100, 200] : []) {
      const profMark = snapshot(proxy.profile);
      const { lat, sent, ops } = await latencyAt(target, rate, 1_000_000 * (rate / 50), () => proxy.ops());
      // Steady state, every message answered: the cleanest count of database commands per message.
      if (countOps && rate === 50 && lat.length === sent) figure('ops_per_message', (ops / sent).toFixed(1));
      if (countOps && rate === 50) printProfile('latency 50 msg/s', proxy.profile, profMark, sent);
      figure(`latency_${rate}_p50_ms`, percentile(lat, 50).toFixed(1));
      figure(`latency_${rate}_p99_ms`, percentile(lat, 99).toFixed(1));
      figure(`latency_${rate}_answered`, `${lat.length}/${sent}`);
    }

    // 3b. Danger while a backlog of ordinary messages is queued.
    if (phases.includes('danger')) {
      const backlog = Number(process.env.BENCH_DANGER_BACKLOG ?? 5_000);
      const d = await dangerUnderBacklog(target, backlog, 40, 10_000_000);
      figure('danger_backlog_p50_ms', percentile(d.lat, 50).toFixed(1));
      figure('danger_backlog_p99_ms', percentile(d.lat, 99).toFixed(1));
      figure('danger_backlog_answered', `${d.answered}/40`);
      figure('danger_backlog_refused', d.backlogErrors);
      await waitQuiet(() => api.replies, Infinity, 180_000);
    }

    // 4. Peak RSS of the app process (after the overload of the phases above).
    figure('peak_rss_mb', peakRssMb(app.pid!).toFixed(0));
  } finally {
    await stopChild(app);
    await proxy.close();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  // 3c. Cost as history grows: a fresh database, seeded between measurements.
  if (phases.includes('history')) await benchHistory(api);
  await api.close();

  // 5. Monthly report over many case records.
  if (!phases.includes('report')) return void process.stdout.write(`\n${JSON.stringify(results)}\n`);
  const records = Number(process.env.BENCH_REPORT_RECORDS ?? 100_000);
  const rep = await benchMonthlyReport({ records });
  figure('report_records', records);
  figure('report_ms', Math.round(rep.reportMs));
  figure('report_indexes_used', rep.indexesUsed === null ? 'unknown' : String(rep.indexesUsed));

  process.stdout.write(`\n${JSON.stringify(results)}\n`);
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`bench failed: ${String(err?.stack ?? err)}\n`); process.exit(1); });
