/**
 * The sending worker: one per channel per cluster. An instance sends on a channel only
 * while it holds that channel's lease in MongoDB, so rate limits are counted in one place
 * and no two instances race on the same rows.
 *
 * Order: within a pid, normal replies go out strictly by seq; a reply waiting for a retry
 * holds back the later ones. Emergency replies (priority 0) skip ahead of everything.
 * Failures: 429 honours retry_after; 5xx and timeouts back off exponentially; after
 * OUTBOX_MAX_ATTEMPTS the row is dead-lettered (metric + a log line with the pid only).
 */
import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, Outbound, SendContext, SendResult } from '../channels/types';
import { acquireLease, releaseLease } from '../locks';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { FieldCipher } from '../shared/crypto';
import { PriorityLane } from './priorityLane';
import { ChannelLimiter, ChannelLimits, LIMITS } from './rateLimit';
import type { Outbox } from './service';
import {
  claimRow, deadLetterRow, deleteSentRow, dueRows, markDelivered, OutboxDoc, requeueInterruptedSends, retryRowAt, rowsBackingOff,
} from './store';

const LEASE_TTL_MS = 10_000;
const POLL_MS = 200;
const SEND_TIMEOUT_MS = 15_000;

type Row = OutboxDoc & { _id: unknown };

/** Exponential backoff with a cap: 1 s, 2 s, 4 s … 5 min. */
export function backoffMs(attempt: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Runs the sending loops of all enabled channels. */
export class OutboxWorker {
  private readonly holder = `outbox-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly loops = new Map<string, ChannelLoop>();

  constructor(adapters: ChannelAdapter[], outbox: Outbox, cipher: FieldCipher, opts: { maxAttempts: number; limits?: Partial<Record<string, ChannelLimits>> }) {
    for (const a of adapters) {
      const limits = opts.limits?.[a.name] ?? LIMITS[a.name] ?? LIMITS.webchat!;
      const loop = new ChannelLoop(a, outbox, cipher, opts.maxAttempts, this.holder, limits);
      this.loops.set(a.name, loop);
      outbox.useLane(a.name, loop.lane);
    }
    outbox.onWake((channel) => this.loops.get(channel)?.wake());
  }

  start(): void { for (const l of this.loops.values()) l.start(); }
  async stop(): Promise<void> { await Promise.all([...this.loops.values()].map((l) => l.stop())); }
}

class ChannelLoop {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private again = false;
  private hasLease = false;
  private leaseCheckedAt = 0;
  private readonly limiter: ChannelLimiter;
  /** Urgent replies of this instance, sent ahead of the rows below with this loop's limiter. */
  readonly lane: PriorityLane;
  /** pid → time its head row may be retried; later rows of that pid wait. */
  private readonly heldBack = new Map<string, number>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly adapter: ChannelAdapter, private readonly outbox: Outbox, private readonly cipher: FieldCipher,
    private readonly maxAttempts: number, private readonly holder: string, limits: ChannelLimits,
  ) {
    this.limiter = new ChannelLimiter(limits, Date.now());
    this.lane = new PriorityLane(adapter, this.limiter);
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    if (this.hasLease) await releaseLease(`outbox:${this.adapter.name}`, this.holder).catch(() => undefined);
  }

  wake(): void {
    if (!this.running) return;
    if (this.current) { this.again = true; return; }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.current = this.tick().catch((err) => { log.warn('outbox tick failed', { channel: this.adapter.name, err }); })
        .finally(() => {
          this.current = undefined;
          const next = this.again ? 0 : POLL_MS;
          this.again = false;
          this.schedule(next);
        });
    }, ms);
  }

  private async ensureLease(now: number): Promise<boolean> {
    if (now - this.leaseCheckedAt < LEASE_TTL_MS / 3 && this.hasLease) return true;
    if (now - this.leaseCheckedAt < 1000 && !this.hasLease) return false;
    this.leaseCheckedAt = now;
    const had = this.hasLease;
    this.hasLease = await acquireLease(`outbox:${this.adapter.name}`, this.holder, LEASE_TTL_MS);
    if (this.hasLease && !had) await this.loadHeldBack();
    return this.hasLease;
  }

  /** On taking the lease, learn which pids have a row backing off, so their order is kept. */
  private async loadHeldBack(): Promise<void> {
    this.heldBack.clear();
    const rows = await rowsBackingOff(this.adapter.name, new Date());
    for (const r of rows) this.heldBack.set(r.pid, Math.min(this.heldBack.get(r.pid) ?? Infinity, r.nextAttemptAt.getTime()));
    // Rows left 'sending' by the previous lease holder (it died mid-send) go back to pending:
    // we cannot know whether the channel got them, and sending twice is better than never.
    // They are marked so the crash test (and an operator) can count such resends.
    const orphaned = await requeueInterruptedSends(this.adapter.name);
    if (orphaned > 0) log.warn('replies interrupted by a crash will be sent again', { channel: this.adapter.name, count: orphaned });
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (!(await this.ensureLease(now))) return;
    const due: Row[] = await dueRows(this.adapter.name, new Date(now), 500);
    if (due.length === 0) return;

    // Pick the head row of each pid: emergency rows first, then the lowest seq.
    const heads = new Map<string, Row>();
    for (const r of due) {
      if (this.inFlight.has(r.pid) || heads.has(r.pid)) continue;
      const held = this.heldBack.get(r.pid);
      if (r.priority > 0 && held !== undefined && held > now) continue;
      heads.set(r.pid, r);
    }
    let soonest = Infinity;
    const sends: Promise<void>[] = [];
    for (const row of heads.values()) {
      if (this.lane.busy) { soonest = 0; break; } // an urgent reply waits for a token: it goes first
      const wait = this.limiter.waitMs(row.pid, Date.now());
      if (wait > 0) { soonest = Math.min(soonest, wait); continue; }
      this.limiter.take(row.pid, Date.now());
      this.inFlight.add(row.pid);
      sends.push(this.sendRow(row).finally(() => this.inFlight.delete(row.pid)));
    }
    await Promise.all(sends);
    if (sends.length > 0 || soonest < POLL_MS) this.again = true;
  }

  private async sendRow(row: Row): Promise<void> {
    // Only the lease holder sends, so claiming by _id alone is safe (and is the one update
    // FerretDB does not turn into a collection scan); the status check is ours.
    const claimed: Row | null = await claimRow(row._id, new Date(Date.now() + 60_000));
    if (!claimed || !claimed.outboundSealed || row.status !== 'pending') return;
    let result: SendResult;
    let forget = false;
    try {
      const outbound = JSON.parse(this.cipher.open(claimed.outboundSealed)) as Outbound;
      forget = outbound.forget === true;
      const address = this.cipher.open(claimed.addressSealed);
      const ctx = this.adapter.needsSendContext ? await this.sendContext(claimed) : undefined;
      result = await withTimeout(this.adapter.send(address, outbound, ctx), SEND_TIMEOUT_MS);
    } catch (err) {
      result = { ok: false, retryable: true, code: (err as Error).message === 'timeout' ? 'timeout' : 'exception' };
    }
    await this.settle(claimed, result, forget);
  }

  /** `forget`: the reply confirms an erasure, so nothing of the pid is written after it is sent. */
  private async settle(row: Row, result: SendResult, forget = false): Promise<void> {
    const channel = this.adapter.name;
    if (result.ok) {
      this.heldBack.delete(row.pid);
      // Delivered rows are deleted at once: the outbox holds only what is still to send. That
      // keeps the worker's scans small (the embedded FerretDB scans a collection on every
      // query and update) and keeps no reply text longer than needed.
      if (!forget) await markDelivered(row.dedupeKey, new Date()).catch(() => undefined);
      await deleteSentRow(row._id);
      if (result.messageIds.length && channel === 'telegram' && !forget) {
        const at = new Date();
        await this.outbox.conversations.keepMessageIds(row.pid, result.messageIds, at);
      }
      if (row.receivedAt) metrics.replyLatency.observe({ channel }, (Date.now() - new Date(row.receivedAt).getTime()) / 1000);
      this.outbox.reportDelivery({ outboxId: String(row._id), pid: row.pid, channel, origin: row.origin, status: 'sent' });
      return;
    }
    metrics.outboundFailures.inc({ channel });
    const giveUp = !result.retryable || row.attempts >= this.maxAttempts;
    if (giveUp) {
      this.heldBack.delete(row.pid); // later replies may go; this one is lost to this channel
      await deadLetterRow(row._id, result.code);
      metrics.deadLetters.inc({ channel });
      log.warn('reply dead-lettered', { pid: row.pid, channel, code: result.code, attempts: row.attempts, origin: row.origin });
      this.outbox.reportDelivery({ outboxId: String(row._id), pid: row.pid, channel, origin: row.origin, status: result.windowExpired ? 'window_expired' : 'dead' });
      return;
    }
    const delay = Math.max(result.retryAfterMs ?? 0, backoffMs(row.attempts));
    const next = Date.now() + delay;
    if (row.priority > 0) this.heldBack.set(row.pid, next);
    await retryRowAt(row._id, new Date(next), result.code);
    log.info('reply will be retried', { pid: row.pid, channel, code: result.code, attempt: row.attempts, delayMs: delay });
  }

  /**
   * For a channel with a reply window: who asked for the reply and when the person last wrote
   * (the conversation's lastActivityAt is the time of their last processed message). One read by _id.
   */
  private async sendContext(row: Row): Promise<SendContext> {
    const lastInboundAt = await this.outbox.conversations.lastInboundAt(row.pid);
    return { origin: row.origin, ...(lastInboundAt ? { lastInboundAt: new Date(lastInboundAt) } : {}) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
