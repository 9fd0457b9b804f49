/**
 * Leases: held by one instance at a time, renewed by their holder while it works, given back
 * on shutdown. The cron jobs take one per run (and record the slot they ran, so a late
 * instance does not run it again) and each channel's outbox sender holds one while it sends.
 * Callers name their instance (`holder`); the row stores a token of that acquisition, so a
 * takeover deletes exactly the expired acquisition (protocol: index.ts).
 */
import { holderOf, HOLDER_MARGIN_MS, takeOver, tokenOf } from './protocol';
import { leaseRowsOn, type LeaseRows } from './store';

/** Leases over one collection (another connection = another instance, in tests). */
export interface Leases {
  /** Take or renew the lease for ttlMs: true when `holder` has it afterwards. */
  acquireLease(name: string, holder: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Give the lease back early (on shutdown) so another instance can take over at once. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** The run key last recorded on a lease (which scheduled slot already ran), or null. */
  lastRunKeyOf(name: string): Promise<string | null>;
  /** Record that a slot ran, only while `holder` still holds the lease. */
  markRun(name: string, holder: string, key: string): Promise<void>;
}

/** Leases over given rows (the service's connection's below; leaseRowsOn(conn) for another). */
export function leasesOn(rows: LeaseRows): Leases {
  const mine = (token: string, holder: string) => holderOf(token) === holder;
  return {
    async acquireLease(name, holder, ttlMs, now = new Date()) {
      const until = new Date(now.getTime() + ttlMs);
      const held = await rows.find(name);
      // No row: a new lease, or (rarely) read between a taker's delete and its insert; then
      // this insert may win without the last run key, and a late-clocked instance could run
      // that slot once more (the jobs are idempotent: snapshots are unique per period).
      if (!held) return rows.insert(name, tokenOf(holder, until), until, null);
      if (mine(held.holder, holder) && held.until.getTime() - now.getTime() > HOLDER_MARGIN_MS) {
        await rows.setUntil(name, held.holder, until);
        // The embedded database may report an update of a row that was deleted meanwhile as
        // done (index.ts): believe the row, not the reply.
        const after = await rows.find(name);
        return after?.holder === held.holder && after.until.getTime() === until.getTime();
      }
      if (held.until.getTime() >= now.getTime()) return false;
      if (!(await takeOver(rows, name, held, now))) return false;
      return rows.insert(name, tokenOf(holder, until), until, held.lastRunKey ?? null);
    },
    async releaseLease(name, holder) {
      const held = await rows.find(name);
      // Expire it rather than delete it: the row keeps the job's last slot.
      if (held && mine(held.holder, holder)) await rows.setUntil(name, held.holder, new Date(0));
    },
    async lastRunKeyOf(name) {
      return (await rows.find(name))?.lastRunKey ?? null;
    },
    async markRun(name, holder, key) {
      const held = await rows.find(name);
      if (held && mine(held.holder, holder)) await rows.setLastRunKey(name, held.holder, key);
    },
  };
}

const serviceLeases = leasesOn(leaseRowsOn());

/** Take or renew a lease on the service's connection: true when `holder` has it afterwards. */
export const acquireLease: Leases['acquireLease'] = (name, holder, ttlMs, now) => serviceLeases.acquireLease(name, holder, ttlMs, now);
/** Give a lease back early (on shutdown) so another instance can take over at once. */
export const releaseLease: Leases['releaseLease'] = (name, holder) => serviceLeases.releaseLease(name, holder);
/** The run key last recorded on a lease, or null. */
export const lastRunKeyOf: Leases['lastRunKeyOf'] = (name) => serviceLeases.lastRunKeyOf(name);
/** Record that a slot ran, only while still holding the lease. */
export const markRun: Leases['markRun'] = (name, holder, key) => serviceLeases.markRun(name, holder, key);
