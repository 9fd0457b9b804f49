/**
 * Cron jobs (node-cron, in the reporting time zone) behind leases in MongoDB. The only
 * importer of node-cron.
 *
 * Every run, scheduled or manual, first takes the job's lease (src/locks): with
 * several instances behind a load balancer, each fires the same cron at the same minute
 * and only the one that gets the lease runs. A scheduled run also records its slot
 * ("monthly-report@2026-11-01T00:00Z") on the lease, so an instance whose clock is a few
 * seconds late does not run the same slot again after the first released the lease.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import cron, { ScheduledTask } from 'node-cron';
import { addMonths, monthOf } from '../cases';
import { log } from '../observability/log';
import { zonedParts } from '../shared/zonedTime';
import { hasSnapshot, snapshotMonth } from '../reports';
import { ExtraPurge, purgeExpired } from './retention';
import { acquireLease, lastRunKeyOf, markRun, releaseLease } from '../locks';

/** What the jobs need from the Config. */
export interface JobsConfig {
  tzReports: string;
  reportMinCell: number;
  retentionDays: number;
  caseNoteRetentionDays: number;
  auditRetentionDays?: number;
}

/** A job another area gives (e.g. the stale-conversation sweep of handoff/conversations). */
export interface SweepJob {
  name: string;
  /** node-cron expression, e.g. every minute: '* * * * *'. */
  cron: string;
  run(now: Date): Promise<void>;
}

/** Dependencies of the jobs. */
export interface JobsDeps {
  sweeps: SweepJob[];
  /** Extra retention steps owned by other areas (case notes). */
  purges?: ExtraPurge[];
  /** Lease holder id (default: host:pid:random). Tests give two runners two ids. */
  holder?: string;
  /** Clock (tests). */
  now?: () => Date;
}

/** The running jobs. */
export interface Jobs {
  /** Schedule every job and run the monthly-report catch-up in the background. */
  start(): void;
  /** Unschedule and wait for runs in progress. */
  stop(): Promise<void>;
  /** Run one job now (behind its lease). Resolves true if this instance ran it, false if it was running already (here or on another instance). */
  runNow(name: string): Promise<boolean>;
  /**
   * Run one job as its cron tick for the minute of `at` does (the scheduled path, exposed so
   * a test or an operator can fire a tick now): behind the job's lease, and at most once per
   * (job, minute) across every instance. True if this instance ran it.
   */
  runTick(name: string, at: Date): Promise<boolean>;
  /** Every job this instance schedules: monthly-report, retention, then the sweeps. */
  readonly names: readonly string[];
  /** This instance's lease holder id (the lease row names it while it runs a job). */
  readonly holder: string;
  /** Make the last due monthly snapshot if it is missing (done by start()). True if made now. */
  catchUp(): Promise<boolean>;
}

/** Cron expression of the monthly snapshot: the 1st at 07:00. */
export const MONTHLY_CRON = '0 7 1 * *';
/** Cron expression of the retention purge: daily at 03:30. */
export const RETENTION_CRON = '30 3 * * *';
const LEASE_MS = 10 * 60_000;

/** The latest month whose snapshot is due at `now` (its 1st-at-07:00 run has passed). */
export function lastDueMonth(now: Date, timeZone: string): string {
  const cur = monthOf(now, timeZone);
  const { d, hour } = zonedParts(now, timeZone);
  return addMonths(cur, d === 1 && hour < 7 ? -2 : -1);
}

interface Job {
  name: string;
  cron: string;
  run(now: Date): Promise<void>;
}

/** Build the jobs. Nothing runs until start() or runNow(). */
export function createJobs(cfg: JobsConfig, deps: JobsDeps): Jobs {
  const holder = deps.holder ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const clock = deps.now ?? (() => new Date());
  const jobs: Job[] = [
    { name: 'monthly-report', cron: MONTHLY_CRON, run: async (now) => { await snapshotMonth(lastDueMonth(now, cfg.tzReports), cfg.reportMinCell, now); } },
    { name: 'retention', cron: RETENTION_CRON, run: async (now) => { await purgeExpired(cfg, now, deps.purges ?? []); } },
    ...deps.sweeps,
  ];
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();
  /** Jobs this instance is running now. */
  const active = new Set<string>();
  let stopped = false;

  /**
   * Run a job behind its lease; with a slot key, at most once per slot across instances.
   * The lease lets its holder renew it, so this instance also refuses a job it is already
   * running (a manual run during a cron tick): otherwise the two would overlap, and the first
   * to finish would release the lease under the second.
   */
  async function runLeased(job: Job, slot?: string): Promise<boolean> {
    const lease = `job:${job.name}`;
    if (active.has(job.name)) return false;
    active.add(job.name);
    try {
      return await runHoldingLease(job, lease, slot);
    } finally {
      active.delete(job.name);
    }
  }

  async function runHoldingLease(job: Job, lease: string, slot?: string): Promise<boolean> {
    if (!(await acquireLease(lease, holder, LEASE_MS))) return false;
    try {
      if (slot && (await lastRunKeyOf(lease)) === slot) return false;
      const started = Date.now();
      await job.run(clock());
      if (slot) await markRun(lease, holder, slot);
      // Debug: the sweeps run every minute; the monthly report and the purge log their own info lines.
      log.debug('job ran', { job: job.name, slot: slot ?? null, holder, ms: Date.now() - started });
      return true;
    } finally {
      await releaseLease(lease, holder).catch(() => undefined);
    }
  }

  /** The slot key of a cron tick: job and minute ("monthly-report@2026-11-01T00:00"). */
  const slotOf = (name: string, at: Date) => `${name}@${at.toISOString().slice(0, 16)}`;

  async function runTick(name: string, at: Date): Promise<boolean> {
    const job = byName.get(name);
    if (!job) throw new Error(`unknown job: ${name}`);
    return track(runLeased(job, slotOf(name, at)));
  }

  function track<T>(p: Promise<T>): Promise<T> {
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    return p;
  }

  async function catchUp(): Promise<boolean> {
    const month = lastDueMonth(clock(), cfg.tzReports);
    if (await hasSnapshot('month', month)) return false;
    log.info('monthly report catch-up', { period: month });
    return runLeased(byName.get('monthly-report')!, `catchup:${month}`);
  }

  return {
    names: jobs.map((j) => j.name),
    holder,
    runTick,
    start() {
      stopped = false;
      for (const job of jobs) {
        const task = cron.schedule(job.cron, (ctx) => {
          if (stopped) return;
          return runTick(job.name, ctx.date).catch((err) => log.error('job failed', { job: job.name, err }));
        }, { timezone: cfg.tzReports, name: job.name, noOverlap: true });
        tasks.push(task);
      }
      void track(catchUp().catch((err) => log.error('monthly report catch-up failed', { err })));
    },
    async stop() {
      stopped = true;
      await Promise.all(tasks.splice(0).map(async (t) => { await t.stop(); await t.destroy(); }));
      await Promise.allSettled([...running]);
    },
    async runNow(name: string) {
      const job = byName.get(name);
      if (!job) throw new Error(`unknown job: ${name}`);
      return track(runLeased(job));
    },
    catchUp: () => track(catchUp()),
  };
}
