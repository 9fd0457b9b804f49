/**
 * Token buckets for channel rate limits (Telegram: ~1 message/s per chat with short
 * bursts, ~30/s overall). In memory: only the instance holding a channel's sending lease
 * sends on that channel, so its buckets are the global truth.
 */

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  /** Milliseconds until a token is available (0 = now). Does not take it. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Take a token (call only after waitMs returned 0). */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

/** Limits per channel: overall and per chat. */
export interface ChannelLimits { overallPerSecond: number; overallBurst: number; perChatPerSecond: number; perChatBurst: number }

/** Published limits (reference/channels.md): Telegram ~30/s overall, ~1/s per chat; Zalo 4000/min per app. */
export const LIMITS: Record<string, ChannelLimits> = {
  telegram: { overallPerSecond: 28, overallBurst: 28, perChatPerSecond: 1, perChatBurst: 3 },
  zalo: { overallPerSecond: 60, overallBurst: 60, perChatPerSecond: 5, perChatBurst: 5 },
  // Meta publishes no fixed Send API rate; its limits scale with the Page's audience. Stay modest.
  messenger: { overallPerSecond: 40, overallBurst: 40, perChatPerSecond: 5, perChatBurst: 5 },
  webchat: { overallPerSecond: 2000, overallBurst: 2000, perChatPerSecond: 50, perChatBurst: 50 },
};

/** Overall plus per-chat buckets for one channel. Per-chat buckets are dropped when full again. */
export class ChannelLimiter {
  private readonly overall: TokenBucket;
  private readonly perChat = new Map<string, TokenBucket>();
  constructor(private readonly limits: ChannelLimits, now: number) {
    this.overall = new TokenBucket(limits.overallPerSecond, limits.overallBurst, now);
  }

  /** Milliseconds to wait before sending to this chat. */
  waitMs(chat: string, now: number): number {
    return Math.max(this.overall.waitMs(now), this.bucket(chat, now).waitMs(now));
  }

  take(chat: string, now: number): void {
    this.overall.take(now);
    this.bucket(chat, now).take(now);
    if (this.perChat.size > 10_000) this.perChat.clear(); // bounded memory; a reset only allows one more burst
  }

  private bucket(chat: string, now: number): TokenBucket {
    let b = this.perChat.get(chat);
    if (!b) { b = new TokenBucket(this.limits.perChatPerSecond, this.limits.perChatBurst, now); this.perChat.set(chat, b); }
    return b;
  }
}
