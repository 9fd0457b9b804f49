/**
 * Change notices for the console's live updates (SSE), across instances.
 *
 * A change is published in-process at once AND written as a small row (ids only) to
 * handoff_feed. While anyone listens, each instance polls that collection every second,
 * re-reading a 10 s overlap window (rows from different instances may commit out of
 * order, and clocks differ a little) and skipping rows it has seen. So a counsellor on
 * instance A sees a message that landed on instance B within about a second.
 * Rows are deleted by sweep() after an hour.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { log } from '../observability/log';
import { feedRowsFrom, insertFeedRow } from './store';

/** A change notice. `counsellors`: whose case it concerns (empty = queue-wide). */
export interface Change {
  id: string;
  kind: 'queue' | 'case' | 'message' | 'delivery' | 'followup' | 'presence';
  hid: string | null;
  counsellors: string[];
  /** Queue notices: the case is a danger case (the console alerts louder). A flag, never personal data. */
  danger?: boolean;
}

const POLL_MS = 1_000;
const OVERLAP_MS = 10_000;

/** In-process pub/sub backed by a DB feed. */
export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  private readonly origin = randomUUID();
  private readonly seen = new Map<string, number>();
  private since = new Date();
  private timer: NodeJS.Timeout | undefined;
  private listeners = 0;

  constructor(private readonly pollMs = POLL_MS) {
    this.emitter.setMaxListeners(0);
  }

  /** Publish a change: local listeners now, other instances through the DB. Never throws. */
  async publish(c: Omit<Change, 'id'>): Promise<void> {
    let id: string = randomUUID();
    try {
      id = await insertFeedRow({ at: new Date(), kind: c.kind, hid: c.hid, counsellors: c.counsellors, danger: !!c.danger, origin: this.origin });
    } catch (err) {
      log.warn('feed write failed; other instances will miss one live update', { err });
    }
    this.seen.set(id, Date.now());
    this.emitter.emit('change', { ...c, id });
  }

  /** Listen; returns the unsubscribe function. Polling runs only while someone listens. */
  subscribe(fn: (c: Change) => void): () => void {
    this.emitter.on('change', fn);
    if (this.listeners++ === 0) this.startPolling();
    return () => {
      this.emitter.off('change', fn);
      if (--this.listeners === 0) this.stopPolling();
    };
  }

  /** Read other instances' rows once (also used by tests). */
  async pollOnce(): Promise<void> {
    const rows = await feedRowsFrom(new Date(this.since.getTime() - OVERLAP_MS), 1000);
    const now = Date.now();
    for (const r of rows) {
      const id = String(r._id);
      if (r.at > this.since) this.since = r.at;
      if (this.seen.has(id)) continue;
      this.seen.set(id, now);
      if (r.origin === this.origin) continue;
      this.emitter.emit('change', { id, kind: r.kind as Change['kind'], hid: r.hid, counsellors: r.counsellors ?? [], danger: !!r.danger });
    }
    for (const [id, t] of this.seen) if (now - t > OVERLAP_MS * 3) this.seen.delete(id);
  }

  /** Stop polling (shutdown). */
  stop(): void {
    this.stopPolling();
  }

  private startPolling(): void {
    const loop = async () => {
      try { await this.pollOnce(); } catch (err) { log.warn('feed poll failed', { err }); }
      if (this.listeners > 0) this.timer = setTimeout(loop, this.pollMs);
    };
    this.timer = setTimeout(loop, this.pollMs);
  }

  private stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
