/**
 * Benchmark of the monthly report: seed N synthetic cases on a fresh embedded database
 * (insertMany in batches of 10,000), then time building one monthly report (the same
 * buildReport the console and the cron job use). Also asks the server for the query
 * plan: FerretDB v1 over SQLite answers `explain` but pushes down only _id equality, so
 * on the embedded database the report is a full scan whatever the indexes; on MongoDB the
 * plan shows an IXSCAN on { month: 1, … }.
 *
 * Run alone: `npm run build && node dist/bench/reportBench.js [records]`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AGE_GROUPS, CaseDoc, CHANNELS, CONTEXT_FLAGS, explainCases, waitBucketOf, GENDERS, insertCases, OUTCOMES, PROVINCES, REFERRAL_CATEGORIES, VIOLENCE_TYPES, addMonths,
} from '../src/cases';
import mongoose from 'mongoose';
import { ensureIndexes } from '../src/db/connect';
import { startDevDb } from '../src/db/devdb';
import { buildReport, parsePeriod, reportPipelines } from '../src/reports';

/** Result of one benchmark run. */
export interface ReportBenchResult {
  records: number;
  month: string;
  seedMs: number;
  reportMs: number;
  casesInMonth: number;
  /** true/false when the plan says so; null when the server gives no usable plan. */
  indexesUsed: boolean | null;
  planNote: string;
}

/** The month the benchmark reports on; seeded data spreads over the 24 months ending here. */
const MONTH = '2026-03';
const BATCH = 10_000;

function pick<T>(xs: readonly T[], r: number): T {
  return xs[Math.floor(r * xs.length) % xs.length]!;
}

/** A deterministic pseudo-random generator (mulberry32), so every run seeds the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthetic(i: number, r: () => number): CaseDoc {
  const month = addMonths(MONTH, -Math.floor(r() * 24));
  const escalated = r() < 0.3;
  const answered = escalated && r() < 0.8;
  const startedAt = new Date(`${month}-10T03:00:00Z`);
  const wait = answered ? Math.floor(r() * 900) : null;
  return {
    caseId: randomUUID(), pid: `bench-${i % Math.max(1, Math.floor(i * 0.8))}`, seq: i, channel: pick(CHANNELS, r()), language: r() < 0.9 ? 'vi' : 'en',
    month, startedAt, lastEventAt: startedAt, province: r() < 0.8 ? pick(PROVINCES, r()) : null,
    role: pick(['affected', 'helping', 'unknown'] as const, r()), ageGroup: r() < 0.7 ? pick(AGE_GROUPS, r()) : null,
    gender: r() < 0.5 ? pick(GENDERS, r()) : null, violenceTypes: answered ? [pick(VIOLENCE_TYPES, r())] : [],
    contextFlags: answered && r() < 0.5 ? [pick(CONTEXT_FLAGS, r())] : [], perpetratorRelation: null, danger: r() < 0.1,
    escalated, answeredByCounsellor: answered, topics: ['main'], referrals: r() < 0.3 ? [pick(REFERRAL_CATEGORIES, r())] : [],
    outcome: answered ? pick(OUTCOMES.slice(0, 6), r()) : escalated ? 'abandoned' : null, feedback: null,
    waitSeconds: null, waitBucket: null, violenceRecorded: answered, handlingSeconds: answered ? Math.floor(r() * 3600) : null,
    ...(wait === null ? {} : { waitSeconds: wait, waitBucket: waitBucketOf(wait) }),
    returning: r() < 0.2, closed: answered, queuedAt: null, claimedAt: null, abandoned: escalated && !answered, cancelled: false,
  };
}

/** Does a plan (MongoDB or FerretDB explain output) show an index being used? */
function readPlan(plan: Record<string, unknown> | null): { used: boolean | null; note: string } {
  if (!plan) return { used: null, note: 'the server gave no plan for this aggregation' };
  const text = JSON.stringify(plan);
  if ('filterPushdown' in plan) {
    return { used: false, note: `FerretDB v1 (SQLite): filterPushdown=${String(plan.filterPushdown)}; it pushes down only _id equality, so secondary indexes are not used for reads and the report is a full scan` };
  }
  if (text.includes('IXSCAN')) return { used: true, note: 'MongoDB plan uses an index scan (IXSCAN)' };
  return { used: false, note: 'plan has no index scan (COLLSCAN)' };
}

/** Seed `records` cases on a fresh embedded database and time one monthly report. */
export async function benchMonthlyReport(opts: { records: number; log?: (line: string) => void }): Promise<ReportBenchResult> {
  const say = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gbv-report-bench-'));
  // Our own connection instead of connectDatabase: its 20 s socket timeout (right for the
  // webhook path) would cut a full scan of a million rows on the embedded database.
  const devdb = await startDevDb({ dataDir: dir });
  await mongoose.connect(devdb.uri, { socketTimeoutMS: 0, serverSelectionTimeoutMS: 5000 });
  try {
    await ensureIndexes();
    const r = rng(42);
    const t0 = performance.now();
    for (let i = 0; i < opts.records; i += BATCH) {
      const docs: CaseDoc[] = [];
      for (let j = i; j < Math.min(opts.records, i + BATCH); j++) docs.push(synthetic(j, r));
      await insertCases(docs);
      if ((i / BATCH) % 10 === 9) say(`  report bench: seeded ${i + BATCH} cases`);
    }
    const seedMs = performance.now() - t0;
    const t1 = performance.now();
    const report = await buildReport(parsePeriod(MONTH)!);
    const reportMs = performance.now() - t1;
    const plan = readPlan(await explainCases(reportPipelines([MONTH], {}).place!));
    const result: ReportBenchResult = {
      records: opts.records, month: MONTH, seedMs, reportMs, casesInMonth: report.totals.cases, indexesUsed: plan.used, planNote: plan.note,
    };
    say(`report bench: ${opts.records} cases seeded in ${(seedMs / 1000).toFixed(1)} s; monthly report ${MONTH} `
      + `(${report.totals.cases} cases in the month) built in ${(reportMs / 1000).toFixed(2)} s; indexes used: `
      + `${plan.used === null ? 'unknown' : plan.used ? 'yes' : 'no'} (${plan.note})`);
    return result;
  } finally {
    await mongoose.disconnect().catch(() => undefined);
    await devdb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchMonthlyReport({ records: Number(process.argv[2] ?? 1_000_000) }).catch((err) => {
    process.stderr.write(`report bench failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
