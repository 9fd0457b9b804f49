/**
 * The priority lane: a reply that must not wait (the emergency numbers for a person in
 * danger) is sent at once by the instance that received the message, straight through the
 * channel adapter, ahead of every row in the outbox and of any backlog of ordinary work.
 * It needs no database (it works during an outage too) and no lease: it takes its tokens
 * from this instance's rate limiter for the channel first (the sending loop holds back its
 * ordinary rows while the lane waits). Emergency replies are rare, so on a cluster they may
 * add a few messages a second to another instance's count; the per-chat limit is kept.
 *
 * A send that fails is retried a few times within seconds; if it still fails the caller
 * is told, and the person gets the emergency reply from the ordinary (durable) path.
 */
import type { ChannelAdapter, Outbound, SendResult } from '../channels/types';
import { log } from '../observability/log';
import type { ChannelLimiter } from './rateLimit';

const TRIES = 3;
const SEND_TIMEOUT_MS = 10_000;
/** Longest wait the lane accepts from a 429 before giving up to the ordinary path. */
const MAX_RETRY_AFTER_MS = 3_000;

/** One channel's lane, sharing the channel's limiter with its sending loop. */
export class PriorityLane {
  private waiting = 0;

  constructor(private readonly adapter: ChannelAdapter, private readonly limiter: ChannelLimiter) {}

  /** True while an urgent reply waits for a token: the ordinary loop leaves the tokens to it. */
  get busy(): boolean { return this.waiting > 0; }

  /** Send now (within the rate limits); the channel's message ids, or null when it could not be sent. */
  async send(chatKey: string, address: string, out: Outbound): Promise<string[] | null> {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      await this.token(chatKey);
      const result = await withTimeout(this.adapter.send(address, out), SEND_TIMEOUT_MS)
        .catch((err: Error): SendResult => ({ ok: false, retryable: true, code: err.message === 'timeout' ? 'timeout' : 'exception' }));
      if (result.ok) return result.messageIds;
      log.warn('urgent reply not sent', { channel: this.adapter.name, code: result.code, attempt });
      if (!result.retryable || (result.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS) return null;
      await sleep(Math.max(result.retryAfterMs ?? 0, 250 * attempt));
    }
    return null;
  }

  private async token(chatKey: string): Promise<void> {
    this.waiting++;
    try {
      for (let wait = this.limiter.waitMs(chatKey, Date.now()); wait > 0; wait = this.limiter.waitMs(chatKey, Date.now())) await sleep(wait);
      this.limiter.take(chatKey, Date.now());
    } finally {
      this.waiting--;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
