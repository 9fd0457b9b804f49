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

/** Accepted-but-unprocessed updates of this instance. */
export class Backlog {
  private count = 0;
  constructor(readonly limits: BacklogLimits = DEFAULT_BACKLOG) {}

  get size(): number { return this.count; }
  /** True when an ordinary update must be refused now. */
  get full(): boolean { return this.count >= this.limits.max; }
  added(): void { this.count++; }
  done(n = 1): void { this.count = Math.max(0, this.count - n); }
}
