/**
 * Queue order and an honest expected wait. Pure: the service feeds it rows and the clock.
 * Order: danger first, then the longest wait (waitingSince ascending), then hid for a
 * stable order between equal times.
 */

/** What ordering needs from a queued case. */
export interface QueueEntry { hid: string; danger: boolean; waitingSince: Date }

/** Sort a copy of the queue: danger first, then by waiting time. */
export function orderQueue<T extends QueueEntry>(items: T[]): T[] {
  return [...items].sort((a, b) =>
    (a.danger === b.danger ? 0 : a.danger ? -1 : 1)
    || a.waitingSince.getTime() - b.waitingSince.getTime()
    || a.hid.localeCompare(b.hid));
}

/** 1-based position of a case in the ordered queue (0 when not queued). */
export function positionOf(items: QueueEntry[], hid: string): number {
  return orderQueue(items).findIndex((x) => x.hid === hid) + 1;
}

/** Inputs of the wait estimate. */
export interface WaitInputs {
  /** 1-based position. */
  position: number;
  /** Free places right now (sum over online counsellors of limit − open cases). */
  freeSlots: number;
  /** Counsellors online. */
  online: number;
  /** Typical handling time of recent cases (ms); a default when there is no history. */
  typicalHandleMs: number;
}

/**
 * Expected wait in whole minutes, rounded UP to 5 minutes so we never promise more than
 * we can keep; 0 means "a counsellor should answer within a few minutes"; null means we
 * cannot say (nobody online).
 */
export function expectedWaitMinutes(w: WaitInputs): number | null {
  if (w.online <= 0) return null;
  if (w.position <= w.freeSlots) return 0;
  const ahead = w.position - w.freeSlots;
  const ms = Math.ceil(ahead / w.online) * w.typicalHandleMs;
  return Math.max(5, Math.ceil(ms / 300_000) * 5);
}
