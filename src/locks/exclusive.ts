/**
 * Exclusive locks with a token per acquisition (protocol: index.ts). A release or a
 * takeover names the exact acquisition it means, so it never touches a newer one.
 */
import { holderOf, HOLDER_MARGIN_MS, takeOver, tokenOf, untilOf } from './protocol';
import { lockRowsOn, type LockRows } from './store';

/** A lock store bound to one collection (another connection = another instance, in tests). */
export interface Locks {
  /** Take `name` for ttlMs: this acquisition's token, or null when someone holds it. */
  tryLock(name: string, holder: string, ttlMs: number, now?: Date): Promise<string | null>;
  /** Release `name` if `token` still holds it (a late release never frees a successor). */
  unlock(name: string, token: string, now?: Date): Promise<void>;
  /** Release `name` if an earlier acquisition by `holder` (any token of it) left it behind. */
  releaseLeftBy(name: string, holder: string, now?: Date): Promise<void>;
}

/** Locks over given rows (the service's connection's below; lockRowsOn(conn) for another). */
export function locksOn(rows: LockRows): Locks {
  return {
    async tryLock(name, holder, ttlMs, now = new Date()) {
      const until = new Date(now.getTime() + ttlMs);
      const token = tokenOf(holder, until);
      if (await rows.insert(name, token, until)) return token;
      const held = await rows.find(name);
      if (!held || held.until.getTime() >= now.getTime()) return null;
      if (!(await takeOver(rows, name, held, now))) return null;
      return (await rows.insert(name, token, until)) ? token : null;
    },
    async unlock(name, token, now = new Date()) {
      // Near or past expiry a taker may be deleting the row: let it expire instead.
      if (!(untilOf(token) - now.getTime() > HOLDER_MARGIN_MS)) return;
      await rows.removeHeld(name, token);
    },
    async releaseLeftBy(name, holder, now = new Date()) {
      const held = await rows.find(name);
      if (!held || holderOf(held.holder) !== holder) return;
      if (held.until.getTime() < now.getTime()) await takeOver(rows, name, held, now);
      else await rows.removeHeld(name, held.holder);
    },
  };
}

const serviceLocks = locksOn(lockRowsOn());

/** Take the lock `name` for ttlMs on the service's connection: a token, or null. */
export const tryLock: Locks['tryLock'] = (name, holder, ttlMs, now) => serviceLocks.tryLock(name, holder, ttlMs, now);
/** Release `name` if `token` (from tryLock) still holds it. */
export const unlock: Locks['unlock'] = (name, token, now) => serviceLocks.unlock(name, token, now);
/** Release `name` if a crashed earlier run of `holder` left it (operator commands only). */
export const releaseLeftBy: Locks['releaseLeftBy'] = (name, holder, now) => serviceLocks.releaseLeftBy(name, holder, now);
