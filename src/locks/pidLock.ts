/**
 * One writer per conversation at a time, across instances: every write to a person's
 * conversation (and handoff case) runs under the pid's exclusive lock, because two
 * concurrent updates of one document can undo each other on the embedded database
 * (index.ts). Re-entrant within one async call chain: a sink called by the pipeline while it
 * holds the lock may write too.
 *
 * Callers in this process take turns in memory first (a promise chain per pid, no polling):
 * the pipeline and a counsellor's action on the same person wait for each other's release,
 * then take the database lock, which is free unless another instance holds it. Only that
 * last case is polled (every RETRY_MS), as the other instance's release cannot wake us.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { tryLock, unlock } from './exclusive';

const held = new AsyncLocalStorage<ReadonlySet<string>>();
const INSTANCE = `conv-${process.pid}-${randomUUID().slice(0, 8)}`;
const LOCK_TTL_MS = 30_000;
const RETRY_MS = 25;
/** The last caller in this process in line for each pid (resolved when it is done). */
const localTail = new Map<string, Promise<void>>();

/** Thrown when the lock could not be had in time (another instance is stuck on this pid). */
export class PidBusyError extends Error {}

/**
 * Run fn holding the pid's lock, waiting up to waitMs for it. Returns `undefined` without
 * running fn when `skipIfBusy` and the lock is taken; otherwise throws PidBusyError.
 */
export async function withPidLock<T>(pid: string, fn: () => Promise<T>, opts: { waitMs?: number; skipIfBusy?: boolean } = {}): Promise<T | undefined> {
  const mine = held.getStore();
  if (mine?.has(pid)) return fn();
  const name = `conv:${pid}`;
  const end = Date.now() + (opts.waitMs ?? 10_000);
  const busy = (): undefined => {
    if (opts.skipIfBusy) return undefined;
    throw new PidBusyError('conversation is busy');
  };
  // Our turn in this process: after the caller before us is done (or the wait is over).
  const before = localTail.get(pid);
  let done!: () => void;
  const ours = new Promise<void>((r) => { done = r; });
  const tail = before ? before.then(() => ours) : ours;
  localTail.set(pid, tail);
  try {
    if (before && !(await settledWithin(before, end - Date.now()))) return busy();
    let token: string | null;
    while (!(token = await tryLock(name, INSTANCE, LOCK_TTL_MS))) {
      if (Date.now() > end) return busy();
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    try {
      return await held.run(new Set([...(mine ?? []), pid]), fn);
    } finally {
      await unlock(name, token).catch(() => undefined);
    }
  } finally {
    done();
    if (localTail.get(pid) === tail) localTail.delete(pid);
  }
}

/** True when p settles within ms. */
function settledWithin(p: Promise<void>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(() => { clearTimeout(t); resolve(true); }, () => { clearTimeout(t); resolve(true); });
  });
}
