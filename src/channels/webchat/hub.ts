/**
 * The open live streams of this instance, by session hash. send() on this instance wakes
 * the session's streams at once, and when the database is down it can hand a reply straight
 * to them (the emergency fallback must not need the DB). Replies written by another
 * instance are found by ONE notifier per instance: every pollMs it asks which sessions got
 * a new reply since its last look and wakes only their streams. No stream polls on its own
 * (150 polling streams once took replies from 139 ms to 2-4 s).
 *
 * Streams are capped per address and per instance, so a flood of streams cannot starve
 * the line.
 */
import { log } from '../../observability/log';
import type { WebchatMessage } from './render';

/** What the hub needs from one open stream. */
export interface StreamHandle {
  readonly sidHash: string;
  /** The client's address (for the per-address cap). */
  readonly address: string;
  /** The last seq this stream has sent (the notifier wakes it only for newer ones). */
  lastSeq(): number;
  /** Look for new rows now. */
  wake(): void;
  /** Write a message without a database row (no seq: it cannot be resumed, only shown). */
  pushDirect(msg: WebchatMessage): void;
  /** End the stream (shutdown, or too many streams for one session). */
  end(): void;
}

/** Most streams one session may hold on one instance (tabs, reconnect overlaps). */
export const MAX_STREAMS_PER_SESSION = 3;

/** Caps on open streams (many people share one address behind a carrier's NAT: generous). */
export interface StreamCaps { perAddress: number; perInstance: number }
export const DEFAULT_CAPS: StreamCaps = { perAddress: 40, perInstance: 2_000 };

/** A session with a reply newer than `seq` (what the notifier learns from the database). */
export interface SessionSeq { sidHash: string; seq: number }

/** Registry of open streams. */
export class StreamHub {
  private readonly bySid = new Map<string, Set<StreamHandle>>();
  private readonly byAddress = new Map<string, number>();
  private notifier: NodeJS.Timeout | undefined;

  /**
   * @param notify how the notifier learns of replies written by any instance (started with the
   * first stream; without it, only this instance's send() wakes streams).
   */
  constructor(private readonly caps: StreamCaps = DEFAULT_CAPS, private readonly notify?: { pollMs: number; changed: (since: Date) => Promise<SessionSeq[]> }) {}

  /** Whether a new stream from `address` may open: 'ok', or which cap it would break. */
  admits(address: string): 'ok' | 'address' | 'instance' {
    if (this.size >= this.caps.perInstance) return 'instance';
    if ((this.byAddress.get(address) ?? 0) >= this.caps.perAddress) return 'address';
    return 'ok';
  }

  /**
   * Start the one notifier of this instance: every pollMs, `changed(since)` lists sessions
   * with replies written since then (by any instance); their streams here are woken.
   */
  startNotifier(pollMs: number, changed: (since: Date) => Promise<SessionSeq[]>): void {
    if (this.notifier) return;
    // Look back a little further than the last look: another instance's clock may lag ours.
    const OVERLAP_MS = 2_000;
    let since = new Date(Date.now() - OVERLAP_MS);
    let busy = false;
    this.notifier = setInterval(() => {
      if (busy || this.bySid.size === 0) return;
      busy = true;
      const next = new Date(Date.now() - OVERLAP_MS);
      void changed(since)
        .then((rows) => {
          since = next;
          for (const r of rows) for (const h of this.bySid.get(r.sidHash) ?? []) if (r.seq > h.lastSeq()) h.wake();
        })
        .catch((err) => log.warn('webchat notifier: could not look for new replies', { err: (err as Error).message }))
        .finally(() => { busy = false; });
    }, pollMs);
    this.notifier.unref();
  }

  /** Stop the notifier. */
  stopNotifier(): void {
    if (this.notifier) clearInterval(this.notifier);
    this.notifier = undefined;
  }

  /** Register a stream; the oldest of the session is ended beyond the per-session cap. */
  add(h: StreamHandle): void {
    if (this.notify) this.startNotifier(this.notify.pollMs, this.notify.changed);
    this.byAddress.set(h.address, (this.byAddress.get(h.address) ?? 0) + 1);
    let set = this.bySid.get(h.sidHash);
    if (!set) this.bySid.set(h.sidHash, (set = new Set()));
    set.add(h);
    while (set.size > MAX_STREAMS_PER_SESSION) {
      const oldest = set.values().next().value as StreamHandle;
      this.remove(oldest);
      oldest.end();
    }
  }

  /** Forget a stream. */
  remove(h: StreamHandle): void {
    const set = this.bySid.get(h.sidHash);
    if (!set || !set.delete(h)) return;
    if (set.size === 0) this.bySid.delete(h.sidHash);
    const n = (this.byAddress.get(h.address) ?? 1) - 1;
    if (n > 0) this.byAddress.set(h.address, n);
    else this.byAddress.delete(h.address);
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

  /** End all streams and the notifier (shutdown). */
  endAll(): void {
    this.stopNotifier();
    for (const sid of [...this.bySid.keys()]) this.endSession(sid);
  }

  /** Number of open streams (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.bySid.values()) n += s.size;
    return n;
  }
}
