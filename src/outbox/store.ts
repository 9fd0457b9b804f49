/**
 * The outbox: replies waiting to be sent. Per conversation, `seq` orders them; the
 * worker sends the lowest pending seq of a pid only, so order is kept across retries
 * and instances. `priority` 0 (emergency) is sent ahead of anything queued.
 * The reply is sealed: counsellor messages are private.
 */
import { GroupInsert } from '../db/groupInsert';
import { defineModel, Schema } from '../db/model';

/** Stored outbound reply. */
export interface OutboxDoc {
  /** = dedupeKey. */
  _id: string;
  pid: string;
  channel: string;
  addressSealed: string;
  seq: number;
  priority: number;
  outboundSealed: string | null;
  status: 'pending' | 'sending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  /** Who asked for it: 'bot' or 'counsellor' (the console shows delivery problems of the latter). */
  origin: 'bot' | 'counsellor' | 'system';
  /** Unique: "<pid>:<updateId>:<index>" for bot replies, a random id otherwise. Makes re-enqueueing after a crash harmless. */
  dedupeKey: string;
  /** When the update that caused it arrived, for the reply latency metric. */
  receivedAt: Date | null;
}

const outboxSchema = new Schema<OutboxDoc>({
  _id: { type: String },
  pid: { type: String, required: true },
  channel: { type: String, required: true },
  addressSealed: { type: String, required: true },
  seq: { type: Number, required: true },
  priority: { type: Number, default: 1 },
  outboundSealed: { type: String, default: null },
  status: { type: String, default: 'pending' },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  lockedUntil: { type: Date, default: null },
  lastError: { type: String, default: null },
  createdAt: { type: Date, required: true },
  sentAt: { type: Date, default: null },
  origin: { type: String, default: 'bot' },
  receivedAt: { type: Date, default: null },
  dedupeKey: { type: String, required: true, unique: true },
}, { versionKey: false });
outboxSchema.index({ pid: 1, seq: 1 });
outboxSchema.index({ channel: 1, status: 1, nextAttemptAt: 1 });

export const OutboxModel = defineModel<OutboxDoc>('Outbox', 'outbox', outboxSchema);

/**
 * Dedupe keys of delivered replies (insert-only, _id = dedupeKey), kept a few days. Sent
 * rows leave the outbox at once; this log is what stops a crash-recovery re-enqueue from
 * sending a reply twice.
 */
export interface DeliveredDoc { _id: string; at: Date }
const deliveredSchema = new Schema<DeliveredDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
export const DeliveredModel = defineModel<DeliveredDoc>('Delivered', 'outbox_delivered', deliveredSchema);
/** Delivery marks are inserted in groups (group commit). */
export const deliveredInserts = new GroupInsert(() => DeliveredModel as never);

/**
 * Erase on request: the delivery marks of a pid's bot replies (their `_id` starts with the
 * pid, see OutboxDoc.dedupeKey). Replies still to send stay: the erase confirmation is one.
 */
export async function eraseDeliveredByPid(pid: string): Promise<number> {
  if (!/^[0-9a-f]+$/.test(pid)) return 0;
  return (await DeliveredModel.deleteMany({ _id: { $regex: `^${pid}:` } })).deletedCount ?? 0;
}
