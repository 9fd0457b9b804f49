/**
 * One writer per conversation at a time, across instances: every write to a person's
 * conversation (and handoff case) runs under the pid's exclusive lock, because two
 * concurrent updates of one document can undo each other on the embedded database
 * (index.ts). Re-entrant within one async call chain: a sink called by the pipeline while it
 * holds the lock may write too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { tryLock, unlock } from './exclusive';

const held = new AsyncLocalStorage<ReadonlySet<string>>();
const INSTANCE = `conv-${process.pid}-${randomUUID().slice(0, 8)}`;
const LOCK_TTL_MS = 30_000;
const RETRY_MS = 25;

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
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
  try {
    return await held.run(new Set([...(mine ?? []), pid]), fn);
  } finally {
    await unlock(name, token).catch(() => undefined);
  }
}
