/**
 * One writer per conversation at a time, across instances.
 *
 * Why: the embedded FerretDB applies an update by reading the document and writing it
 * back whole, so two concurrent updates of one conversation (the pipeline saving a step,
 * a counsellor's claim changing the status) can silently undo each other, and a
 * conditional update can "succeed" twice. Every write to a conversation therefore runs
 * under the pid's lock (an insert-only lock, src/db/locks.ts). Re-entrant within one
 * async call chain: a sink called by the pipeline while it holds the lock may write too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { tryLock, unlock } from '../db/locks';

const held = new AsyncLocalStorage<ReadonlySet<string>>();
const INSTANCE = `conv-${process.pid}-${randomUUID().slice(0, 8)}`;
const LOCK_TTL_MS = 30_000;

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
  let token: string | null;
  while (!(token = await tryLock(name, INSTANCE, LOCK_TTL_MS))) {
    if (Date.now() > end) {
      if (opts.skipIfBusy) return undefined;
      throw new PidBusyError('conversation is busy');
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    return await held.run(new Set([...(mine ?? []), pid]), fn);
  } finally {
    await unlock(name, token).catch(() => undefined);
  }
}
