/**
 * Recovery: updates acknowledged (so the channel will not send them again) but not processed,
 * because the instance that recorded them crashed, stopped, or failed for a while. The durable
 * inbox holds them, sealed. One instance scans it (never a query per message):
 * - alone (membership.ts): every pending row this instance does not hold in memory is an
 *   orphan; it adopts their people, whose next updates are then found through the inbox
 *   (oldest first) until none is left, so an orphan is never overtaken by a later message.
 *   A full scan runs when the instance becomes alone and then every FULL_SCAN_MS as a backstop;
 * - shared: the leader (the alive instance with the smallest id) processes people with rows
 *   pending for more than STALE_MS that it is not already working on, as before issue 16.
 * Processing under the person's lock is idempotent (seen log, the conversation's recent
 * updates), so adopting a row another instance also processes costs time, not correctness.
 */
import { pendingBefore } from '../store';

export const RECOVERY_EVERY_MS = 2_000;
const STALE_MS = 5_000;
/** Rows younger than this may still be on their way into memory (insert acknowledged, not yet queued). */
const SETTLING_MS = 1_000;
const FULL_SCAN_MS = 30_000;
const FULL_SCAN_LIMIT = 100_000;

/** What a scan needs from the pipeline. */
export interface RecoveryHost {
  alone: boolean;
  leader: boolean;
  /** True when this instance holds the update (by inbox key) in memory. */
  holds(key: string): boolean;
  /** True while this instance is processing the person. */
  busy(pid: string): boolean;
  /** Process this person's updates, found through the inbox, until none is left. */
  adopt(pid: string): void;
}

/** The scans, and whether the alone instance has adopted every orphan since it became alone. */
export class Recovery {
  private generation = 0;
  private adoptedAll = false;
  private lastFull = 0;

  constructor(private readonly host: RecoveryHost) {}

  /** True when each person's queue in memory is the whole truth (alone, and orphans adopted). */
  get memoryIsWhole(): boolean { return this.host.alone && this.adoptedAll; }

  /** The instance just became alone: orphans must be adopted before memory is trusted. */
  becameAlone(): void {
    this.generation++;
    this.adoptedAll = false;
  }

  /** One scan. Returns how many people it started processing. */
  async once(now = new Date()): Promise<number> {
    const { host } = this;
    if (host.alone) {
      if (this.adoptedAll && now.getTime() - this.lastFull < FULL_SCAN_MS) return 0;
      const generation = this.generation;
      const rows = await pendingBefore(new Date(now.getTime() - SETTLING_MS), FULL_SCAN_LIMIT);
      const pids = new Set(rows.filter((r) => !host.holds(r._id)).map((r) => r.pid));
      for (const pid of pids) host.adopt(pid);
      this.lastFull = now.getTime();
      if (generation === this.generation && host.alone) this.adoptedAll = true;
      return pids.size;
    }
    if (!host.leader) return 0;
    const rows = await pendingBefore(new Date(now.getTime() - STALE_MS), 200);
    const pids = [...new Set(rows.map((r) => r.pid))].filter((p) => !host.busy(p));
    for (const pid of pids) host.adopt(pid);
    return pids.length;
  }
}
