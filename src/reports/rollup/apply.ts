/**
 * Applying a journaled fold batch (steps 3–5 of fold.ts), written so that running it again
 * after a crash, from the start, changes nothing that was already done:
 * - a cell whose `lastBatch` is the batch already has its changes (the $inc and the
 *   `lastBatch` are one update of one document);
 * - the journal's `stage`/`done` say how far the counted contributions got, so a long
 *   batch interrupted again and again still moves forward;
 * - deleting a marker that is already gone is a no-op.
 */
import { forgetChange } from '../../cases';
import { deleteCounted, deleteJournal, findCell, incCell, JournalDoc, setCounted, setJournalProgress } from './store';

/** Points a test can stop or pause the folder at (after the step named). */
export type FoldStep = 'prepared' | 'journal' | 'cell' | 'cells' | 'counted' | 'markers';

/** What applying needs from the pass: a guard to call before each write, and the test hook. */
export interface ApplyContext {
  /** Throws when the pass must stop writing (its lock is about to expire). */
  writable(): void;
  step(s: FoldStep): Promise<void>;
}

const PARALLEL = 4;
/** Counted contributions written between two progress notes in the journal. */
const CHUNK = 8;

/** Run fn over items, `limit` at a time; the first error stops new calls and is rethrown. */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failure: { err?: unknown } = {};
  const worker = async (): Promise<void> => {
    while (next < items.length && !('err' in failure)) {
      const item = items[next++]!;
      try { await fn(item); } catch (err) { if (!('err' in failure)) failure.err = err; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if ('err' in failure) throw failure.err;
}

/** Apply a journaled batch: cells, counted contributions, markers, then drop the journal. */
export async function applyJournal(j: JournalDoc, ctx: ApplyContext): Promise<void> {
  if (!j.stage) {
    let first = true;
    await eachLimit(j.cells, PARALLEL, async (c) => {
      if ((await findCell(c._id))?.lastBatch === j.batch) return;
      ctx.writable();
      await incCell(c._id, c.inc, j.batch);
      if (first) { first = false; await ctx.step('cell'); }
    });
    ctx.writable();
    await setJournalProgress(j.batch, 'counted', 0);
  }
  await ctx.step('cells');
  if (j.stage !== 'markers') {
    for (let i = j.stage === 'counted' ? j.done ?? 0 : 0; i < j.counted.length; i += CHUNK) {
      await eachLimit(j.counted.slice(i, i + CHUNK), PARALLEL, async (c) => {
        ctx.writable();
        if (c.gone) await deleteCounted(c._id); else await setCounted(c._id, c.cell, c.keys);
      });
      ctx.writable();
      await setJournalProgress(j.batch, 'counted', i + CHUNK);
    }
    ctx.writable();
    await setJournalProgress(j.batch, 'markers', 0);
  }
  await ctx.step('counted');
  await eachLimit(j.markers, PARALLEL, async (id) => { ctx.writable(); await forgetChange(id); });
  await ctx.step('markers');
  ctx.writable();
  await deleteJournal(j.batch);
}
