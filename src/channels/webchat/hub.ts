/**
 * The open live streams of this instance, by session hash. send() on this instance wakes
 * the session's streams at once (no waiting for the poll), and when the database is down
 * it can hand a reply straight to them (the emergency fallback must not need the DB).
 */
import type { WebchatMessage } from './render';

/** What the hub needs from one open stream. */
export interface StreamHandle {
  readonly sidHash: string;
  /** Look for new rows now. */
  wake(): void;
  /** Write a message without a database row (no seq: it cannot be resumed, only shown). */
  pushDirect(msg: WebchatMessage): void;
  /** End the stream (shutdown, or too many streams for one session). */
  end(): void;
}

/** Most streams one session may hold on one instance (tabs, reconnect overlaps). */
export const MAX_STREAMS_PER_SESSION = 3;

/** Registry of open streams. */
export class StreamHub {
  private readonly bySid = new Map<string, Set<StreamHandle>>();

  /** Register a stream; the oldest of the session is ended beyond the per-session cap. */
  add(h: StreamHandle): void {
    let set = this.bySid.get(h.sidHash);
    if (!set) this.bySid.set(h.sidHash, (set = new Set()));
    set.add(h);
    while (set.size > MAX_STREAMS_PER_SESSION) {
      const oldest = set.values().next().value as StreamHandle;
      set.delete(oldest);
      oldest.end();
    }
  }

  /** Forget a stream. */
  remove(h: StreamHandle): void {
    const set = this.bySid.get(h.sidHash);
    if (!set) return;
    set.delete(h);
    if (set.size === 0) this.bySid.delete(h.sidHash);
  }

  /** Wake the streams of a session. */
  wake(sidHash: string): void {
    for (const h of this.bySid.get(sidHash) ?? []) h.wake();
  }

  /** Deliver in memory; false when no stream of that session is open here. */
  pushDirect(sidHash: string, msg: WebchatMessage): boolean {
    const set = this.bySid.get(sidHash);
    if (!set || set.size === 0) return false;
    for (const h of set) h.pushDirect(msg);
    return true;
  }

  /** End every stream of a session (quick exit). */
  endSession(sidHash: string): void {
    for (const h of [...(this.bySid.get(sidHash) ?? [])]) { h.end(); this.remove(h); }
  }

  /** End all streams (shutdown). */
  endAll(): void {
    for (const sid of [...this.bySid.keys()]) this.endSession(sid);
  }

  /** Number of open streams (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.bySid.values()) n += s.size;
    return n;
  }
}
