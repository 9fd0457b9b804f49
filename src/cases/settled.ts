/**
 * Read side for the reports' rollup folder: a pid's cases as they are between writes.
 *
 * Why under the pid's lock: a writer inserts the change marker, then writes the case, both
 * while holding the lock. A folder that has read a marker and then takes the lock therefore
 * sees the write that marker announced (never the state just before it), so deleting the
 * marker afterwards cannot drop a change.
 */
import { withPidLock } from '../conversations/pidLock';
import { CaseDoc, findCase } from './store';

/** The cases `ids` of `pid` (null where missing), or null when the pid stayed busy for waitMs. */
export async function readCasesSettled(pid: string, ids: readonly string[], waitMs: number): Promise<Map<string, CaseDoc | null> | null> {
  const got = await withPidLock(pid, async () => {
    const out = new Map<string, CaseDoc | null>();
    for (const id of ids) out.set(id, await findCase(id));
    return out;
  }, { waitMs, skipIfBusy: true });
  return got ?? null;
}
