/**
 * Rebuild the rollup from the raw cases (`npm run report -- --rebuild-rollup`): for
 * operators after a restore of `cases`, or if the rollup is ever in doubt.
 *
 * It takes the folder's lock for its whole run (folding pauses meanwhile), empties the
 * rollup, then streams every case once and writes its contribution and the cells. Change
 * markers are left alone: each only makes the folder compare a case with what the cells now
 * hold, so a case written during the rebuild is corrected right after it. If the rebuild
 * stops halfway, run it again (it clears its own stale lock first).
 */
import { randomUUID } from 'node:crypto';
import { allCases } from '../../cases';
import { releaseLeftBy, tryLock, unlock } from '../../locks';
import { addContribution, CellDeltas, contributionOf } from './contribution';
import { FOLD_LOCK } from './fold';
import { clearRollup, CountedDoc, insertCells, insertCounted } from './store';

const HOLDER = 'rollup-rebuild';
/** Long enough for millions of cases; a rebuild that died is cleared by the next rebuild. */
const REBUILD_LOCK_MS = 6 * 3_600_000;
const CHUNK = 5_000;

/** Recount every cell from `cases`. Resolves with the number of cases and cells. */
export async function rebuildRollup(opts: { say?: (line: string) => void; waitMs?: number } = {}): Promise<{ cases: number; cells: number }> {
  const say = opts.say ?? (() => undefined);
  await releaseLeftBy(FOLD_LOCK, HOLDER);
  const end = Date.now() + (opts.waitMs ?? 120_000);
  let token: string | null;
  while (!(token = await tryLock(FOLD_LOCK, HOLDER, REBUILD_LOCK_MS))) {
    if (Date.now() > end) throw new Error('the rollup folder kept its lock; try again');
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    await clearRollup();
    const cells: CellDeltas = new Map();
    let chunk: CountedDoc[] = [];
    let n = 0;
    for await (const c of allCases()) {
      const con = contributionOf(c);
      addContribution(cells, con, 1);
      chunk.push({ _id: c._id, cell: con.cell, keys: con.keys });
      if (chunk.length >= CHUNK) { await insertCounted(chunk); chunk = []; }
      n += 1;
      if (n % 100_000 === 0) say(`rollup rebuild: ${n} cases counted`);
    }
    await insertCounted(chunk);
    await insertCells(cells, `rebuild-${randomUUID()}`);
    return { cases: n, cells: cells.size };
  } finally {
    await unlock(FOLD_LOCK, token).catch(() => undefined);
  }
}
