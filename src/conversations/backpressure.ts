/**
 * Backpressure: a bounded backlog per instance. Updates this instance accepted and has not
 * processed yet are counted; beyond the limit an ordinary update is refused before anything
 * is stored (webhooks answer 503 with Retry-After, and Telegram, Zalo and Messenger deliver
 * it again later; the web chat asks the person to wait a moment and its page retries).
 * Danger is always accepted (and answered at once by the priority lane). Nothing refused is
 * lost: it was never acknowledged.
 */

/** Thrown by receive() when the backlog is full. The person-facing text is content (system.busy). */
export class BacklogFullError extends Error {
  constructor(readonly retryAfterSeconds: number, readonly text: string) {
    super('backlog full');
  }
}

/** Limits of the backlog (config: INBOX_BACKLOG_MAX, INBOX_RETRY_AFTER_SECONDS). */
export interface BacklogLimits { max: number; retryAfterSeconds: number }

/** Defaults: 5,000 updates waiting (a TV spot's first minutes; a few MB of memory), retry after 5 s. */
export const DEFAULT_BACKLOG: BacklogLimits = { max: 5_000, retryAfterSeconds: 5 };

/**
 * Updates being recorded at once (waiting for the database). The database takes a few
 * connections' worth; thousands more waiting only burn CPU in the driver's queue and delay
 * every request behind them, the danger check's included (measured: with 5,000 ordinary
 * webhooks arriving at once and none refused, the emergency reply's p99 went from 27 ms to
 * 5.7 s). Beyond this, an ordinary update is refused with 503 like a full backlog.
 */
export const MAX_RECORDING = 256;

/**
 * Accepted-but-unprocessed updates of this instance, plus those still being recorded: under
 * overload the requests waiting for the database are what fills memory (each holds its body,
 * socket and pending operation), so they count against the same bound.
 */
export class Backlog {
  private count = 0;
  private recording = 0;
  constructor(readonly limits: BacklogLimits = DEFAULT_BACKLOG) {}

  /** Accepted and not processed yet. */
  get size(): number { return this.count; }
  /** True when an ordinary update must be refused now. */
  get full(): boolean { return this.count + this.recording >= this.limits.max || this.recording >= MAX_RECORDING; }
  /** Recording one update: call the returned function once it is stored or failed. */
  recordingOne(): () => void {
    this.recording++;
    let ended = false;
    return () => { if (!ended) { ended = true; this.recording--; } };
  }
  added(): void { this.count++; }
  done(n = 1): void { this.count = Math.max(0, this.count - n); }
}
