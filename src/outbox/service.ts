/**
 * Enqueueing replies. Every reply to a person goes through here: bot replies after a
 * step, counsellor messages, system notices. Rows carry a per-conversation seq (nextSeqs()),
 * so the worker can keep each person's order.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Outbound } from '../channels/types';
import { log } from '../observability/log';
import type { PriorityLane } from './priorityLane';
import { FieldCipher } from '../shared/crypto';
import { insertNewRows, NewOutboxRow, wasDelivered } from './store';
import type { ConversationRows, DeliveryEvent, DeliveryListener } from './types';

/** One reply to enqueue. `dedupeKey` makes a repeated enqueue (after a crash) harmless. */
export interface OutboxItem {
  outbound: Outbound;
  priority?: 0 | 1;
  dedupeKey?: string;
}

/** Options common to one enqueue call. */
export interface EnqueueOptions {
  origin: 'bot' | 'counsellor' | 'system';
  receivedAt?: Date;
  /** Recovery after a crash: leave out items whose dedupe key was already delivered. */
  skipDelivered?: boolean;
  /** The conversation's channel and sealed address when the caller has just read them (saves a read). */
  to?: { channel: string; addressSealed: string | null };
}

/** The outbox as used by the conversation pipeline, handoff and the worker. */
export class Outbox {
  private readonly emitter = new EventEmitter();
  private readonly lanes = new Map<string, PriorityLane>();

  /** `conversations`: the conversation reads and writes the outbox needs (also used by the worker). */
  constructor(private readonly cipher: FieldCipher, readonly conversations: ConversationRows) {
    this.emitter.setMaxListeners(50);
  }

  /**
   * Enqueue replies for a pid whose conversation exists; rows whose dedupeKey exists
   * already are skipped. Returns the ids of the rows (existing or new) in order.
   */
  async enqueue(pid: string, items: OutboxItem[], opts: EnqueueOptions): Promise<string[]> {
    if (opts.skipDelivered) items = await withoutDelivered(items);
    if (items.length === 0) return [];
    // Read only: FerretDB rewrites a document whole on update, so a counter $inc here would
    // race with the pipeline's saves of the same conversation. Seqs come from nextSeqs().
    const conv = opts.to ?? await this.conversations.addressOf(pid);
    if (!conv || !conv.addressSealed) throw new Error('enqueue: conversation not found or expired');
    const seqs = nextSeqs(items.length);
    const now = new Date();
    const docs = items.map((it, i): NewOutboxRow => {
      const dedupeKey = it.dedupeKey ?? randomUUID();
      return {
        // The row's _id is its dedupe key: a repeated enqueue meets the unique _id, and the
        // worker addresses rows by _id alone (the one filter FerretDB does not scan for).
        _id: dedupeKey, dedupeKey,
        pid, channel: conv.channel, addressSealed: conv.addressSealed!, seq: seqs[i]!,
        priority: it.priority ?? 1, outboundSealed: this.cipher.seal(JSON.stringify(it.outbound)),
        status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now, origin: opts.origin,
        receivedAt: opts.receivedAt ?? null,
      };
    });
    await insertNewRows(docs);
    this.emitter.emit('wake', conv.channel);
    return docs.map((d) => d._id);
  }

  /**
   * Send a reply that must not wait (see priorityLane.ts) to a person's channel address,
   * ahead of everything queued. True when the channel took it.
   */
  async sendNow(channel: string, pid: string, address: string, outbound: Outbound): Promise<boolean> {
    const lane = this.lanes.get(channel);
    if (!lane) return false;
    const ids = await lane.send(pid, address, outbound);
    if (ids === null) return false;
    if (channel === 'telegram' && ids.length) {
      // Leave-no-trace deletion covers this message too; the database may be down (an outage is when this lane matters most).
      const at = new Date();
      await this.conversations.keepMessageIds(pid, ids, at).catch((err) => log.warn('urgent reply id not kept for deletion', { pid, err }));
    }
    return true;
  }

  /** The sending worker hands over each channel's priority lane. */
  useLane(channel: string, lane: PriorityLane): void {
    this.lanes.set(channel, lane);
  }

  /** Called when rows were enqueued on this instance: the worker wakes at once. */
  onWake(fn: (channel: string) => void): void {
    this.emitter.on('wake', fn);
  }

  /** Listen to delivery outcomes (sent, dead, window expired). */
  onDelivery(fn: DeliveryListener): void {
    this.emitter.on('delivery', fn);
  }

  /** The worker reports outcomes here. Listener errors never reach the worker. */
  reportDelivery(e: DeliveryEvent): void {
    for (const fn of this.emitter.listeners('delivery')) {
      try { (fn as DeliveryListener)(e); } catch { /* a listener's failure must not stop delivery */ }
    }
  }
}

/** Items whose dedupe key is not yet in the delivered log (reads by _id: constant time on FerretDB too). */
async function withoutDelivered(items: OutboxItem[]): Promise<OutboxItem[]> {
  const out: OutboxItem[] = [];
  for (const it of items) {
    if (!it.dedupeKey || !(await wasDelivered(it.dedupeKey))) out.push(it);
  }
  return out;
}

let lastSeq = 0;
/**
 * Per-conversation order numbers: microseconds since the epoch, strictly increasing in this
 * process. Replies enqueued later sort later; across instances the clocks order them, which
 * is the order in which they were decided.
 */
export function nextSeqs(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
    out.push(lastSeq);
  }
  return out;
}
