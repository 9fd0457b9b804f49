/**
 * The rollup folder: turns case change markers into exact counter changes of the cells.
 *
 * One folder at a time, across instances, holds the exclusive lock `rollup-fold`
 * (src/locks). It is the only writer of cells and of `case_counted`, so FerretDB's
 * read-then-rewrite updates cannot lose a counter change. A batch:
 *  1. reads up to 500 markers, and for each pid reads its changed cases under the pid's
 *     lock (cases/settled.ts: the write a marker announces has landed by then), and what the
 *     cells hold for each case (`case_counted`); the difference, cell by cell, is the batch;
 *  2. writes the batch to the journal (one document) — nothing has changed before this;
 *  3. applies each cell's changes in ONE update that also sets `lastBatch` to the batch id,
 *     skipping cells that already carry it (applied before a crash);
 *  4. stores the new contributions in `case_counted` (idempotent $set);
 *  5. deletes exactly the markers it read (markers written meanwhile stay for the next
 *     batch), then the journal.
 * A crash anywhere leaves either no journal (nothing applied: the markers are read again)
 * or a journal that the next folder finishes first; so nothing is lost or counted twice.
 *
 * The lock is not renewed: a pass reads new batches for 10 s at most and starts no write
 * later than 45 s after taking the lock, which lives 60 s; a pass that runs out of time stops
 * as if it had crashed and the next pass finishes its journal (apply.ts). A process frozen
 * for longer than that in the middle of a write is the one case this does not cover.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { CaseChangeDoc, CaseDoc, pendingChanges, readCasesSettled } from '../../cases';
import { tryLock, unlock } from '../../locks';
import { log } from '../../observability/log';
import { addContribution, CellDeltas, Contribution, contributionOf, sameContribution } from './contribution';
import { applyJournal, ApplyContext, eachLimit, FoldStep } from './apply';
import { insertJournal, JournalDoc, readCounted, readJournal } from './store';

export type { FoldStep } from './apply';

/** Name of the folder's lock (the rebuild takes it too). */
export const FOLD_LOCK = 'rollup-fold';
const LOCK_TTL_MS = 60_000;
/** No write starts later than this after taking the lock. */
const WRITE_BY_MS = 45_000;
/** New batches are read for this long at most, so their writes (slower than reads) fit in what is left. */
const PREPARE_MS = 10_000;
const BATCH = 500;
/** How long to wait for a pid another writer holds before leaving its markers for later. */
const PID_WAIT_MS = 300;
const PARALLEL = 4;
const INSTANCE = `fold:${os.hostname()}:${process.pid}`;

/** Options of one fold pass. */
export interface FoldOptions {
  /** Lock holder (default: this process plus a random suffix per pass). */
  holder?: string;
  /** Markers per batch (default 500). */
  batchSize?: number;
  /** Stop taking new batches after this long (default and at most 10 s). */
  maxMs?: number;
  /** Tests: called after each step; throwing there simulates a crash at that point. */
  onStep?: (step: FoldStep) => Promise<void> | void;
}

/** What a pass did. `drained`: no marker was left behind (none pending, none skipped). */
export interface FoldResult {
  ran: boolean;
  batches: number;
  cases: number;
  markers: number;
  busy: number;
  drained: boolean;
}

/** Thrown (and the pass abandoned, like a crash) when the lock is about to expire. */
export class FoldLockExpiring extends Error {}

/**
 * Applying costs more than reading (writes queue behind each other in SQLite), so a batch
 * takes no more cases than the last batches suggest can be applied in APPLY_MS. Learnt per
 * process; it only sizes batches, never affects what is counted.
 */
const APPLY_MS = 15_000;
let applyMsPerCase = 10;

/** One fold pass: finish a journal left by a crash, then fold batches until none are pending or time is up. */
export async function foldRollup(opts: FoldOptions = {}): Promise<FoldResult> {
  const res: FoldResult = { ran: false, batches: 0, cases: 0, markers: 0, busy: 0, drained: false };
  const holder = opts.holder ?? `${INSTANCE}:${randomUUID().slice(0, 8)}`;
  const token = await tryLock(FOLD_LOCK, holder, LOCK_TTL_MS);
  if (!token) return res;
  res.ran = true;
  const t0 = Date.now();
  const ctx: ApplyContext = {
    writable: () => { if (Date.now() - t0 > WRITE_BY_MS) throw new FoldLockExpiring('rollup fold lock about to expire'); },
    step: async (s) => { if (opts.onStep) await opts.onStep(s); },
  };
  const apply = async (j: JournalDoc): Promise<void> => {
    const started = Date.now();
    await applyJournal(j, ctx);
    applyMsPerCase = (applyMsPerCase + (Date.now() - started) / Math.max(1, j.cases)) / 2;
    res.batches += 1;
    res.cases += j.cases;
    res.markers += j.markers.length;
  };
  try {
    const left = await readJournal();
    if (left) await apply(left);
    const until = t0 + Math.min(opts.maxMs ?? PREPARE_MS, PREPARE_MS);
    const size = opts.batchSize ?? BATCH;
    while (Date.now() < until) {
      const markers = await pendingChanges(size);
      const maxCases = Math.max(1, Math.floor(APPLY_MS / applyMsPerCase));
      const b = await prepareBatch(markers, until, maxCases);
      res.busy += b.busy;
      if (b.journal) {
        await ctx.step('prepared');
        ctx.writable();
        await insertJournal(b.journal);
        await ctx.step('journal');
        await apply(b.journal);
      }
      if (markers.length < size && b.busy === 0 && b.left === 0) { res.drained = true; break; }
      if (!b.journal) break; // every pid busy, or out of time: leave the rest for the next pass
    }
  } catch (err) {
    if (!(err instanceof FoldLockExpiring)) throw err;
    // Stopped like a crash, before the lock could expire: the next pass finishes the journal.
    applyMsPerCase *= 2;
    log.info('rollup fold pass stopped before its lock expired', { batches: res.batches, cases: res.cases });
  } finally {
    await unlock(FOLD_LOCK, token).catch(() => undefined);
  }
  return res;
}

/** Read the cases behind the markers and compute the batch (no writes). `left`: markers not reached. */
async function prepareBatch(markers: CaseChangeDoc[], until: number, maxCases: number): Promise<{ journal: JournalDoc | null; busy: number; left: number }> {
  const byPid = new Map<string, CaseChangeDoc[]>();
  for (const m of markers) {
    const list = byPid.get(m.p);
    if (list) list.push(m); else byPid.set(m.p, [m]);
  }
  const seen = new Map<string, CaseDoc | null>();
  const taken: string[] = [];
  let busy = 0;
  let left = 0;
  await eachLimit([...byPid], PARALLEL, async ([pid, ms]) => {
    if (Date.now() >= until || seen.size >= maxCases) { left += ms.length; return; }
    const got = await readCasesSettled(pid, [...new Set(ms.map((m) => m.c))], PID_WAIT_MS);
    if (!got) { busy += ms.length; return; }
    for (const [id, doc] of got) seen.set(id, doc);
    taken.push(...ms.map((m) => m._id));
  });
  if (taken.length === 0) return { journal: null, busy, left };

  const deltas: CellDeltas = new Map();
  const counted: JournalDoc['counted'] = [];
  await eachLimit([...seen], PARALLEL, async ([id, doc]) => {
    const row = await readCounted(id);
    const before: Contribution | null = row ? { cell: row.cell, keys: row.keys ?? [] } : null;
    const after = doc ? contributionOf(doc) : null;
    if (sameContribution(before, after)) return;
    if (before) addContribution(deltas, before, -1);
    if (after) addContribution(deltas, after, 1);
    counted.push(after ? { _id: id, cell: after.cell, keys: after.keys } : { _id: id, cell: '', keys: [], gone: true });
  });
  const cells = [...deltas].map(([id, keys]) => ({ _id: id, inc: Object.fromEntries([...keys].filter(([, n]) => n !== 0)) }))
    .filter((c) => Object.keys(c.inc).length > 0);
  const journal: JournalDoc = { _id: 'current', batch: randomUUID(), at: new Date(), cases: seen.size, markers: taken, cells, counted };
  return { journal, busy, left };
}

/**
 * Fold until nothing written before this call is left uncounted, waiting for another
 * folder if it holds the lock. False when waitMs ran out first (a large backlog).
 */
export async function catchUpRollup(waitMs: number): Promise<boolean> {
  const end = Date.now() + waitMs;
  for (;;) {
    const r = await foldRollup({ maxMs: Math.max(500, end - Date.now()) });
    if (r.drained) return true;
    if (Date.now() >= end) return false;
    if (!r.ran || r.busy > 0) await new Promise((resolve) => setTimeout(resolve, r.ran ? 100 : 25));
  }
}
