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

/** A row as the service enqueues it; the schema fills in the rest (lockedUntil, lastError, sentAt). */
export type NewOutboxRow = Omit<OutboxDoc, 'lockedUntil' | 'lastError' | 'sentAt'>;

/** Enqueue rows; a row whose `_id` (dedupe key) exists already is skipped, not an error. */
export async function insertNewRows(rows: NewOutboxRow[]): Promise<void> {
  try {
    await OutboxModel.insertMany(rows, { ordered: false });
  } catch (err) {
    if (!isOnlyDuplicates(err)) throw err;
  }
}

/** True when a bulk insert failed only on duplicate keys (those rows exist already). */
function isOnlyDuplicates(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] };
  if (e.code === 11000 && !e.writeErrors) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
}

/** True when the reply with this dedupe key was delivered already (a read by _id: constant time on FerretDB too). */
export async function wasDelivered(dedupeKey: string): Promise<boolean> {
  return Boolean(await DeliveredModel.exists({ _id: dedupeKey }));
}

/** Record a delivery (group commit, see deliveredInserts). */
export async function markDelivered(dedupeKey: string, at: Date): Promise<void> {
  await deliveredInserts.insert({ _id: dedupeKey, at });
}

/** The normal (priority 1) rows of a channel waiting for a retry after `now`: their pid's later rows wait. */
export async function rowsBackingOff(channel: string, now: Date): Promise<Pick<OutboxDoc, 'pid' | 'nextAttemptAt'>[]> {
  return OutboxModel.find({ channel, status: 'pending', priority: 1, nextAttemptAt: { $gt: now } }, { pid: 1, nextAttemptAt: 1 })
    .lean<Pick<OutboxDoc, 'pid' | 'nextAttemptAt'>[]>();
}

/**
 * Rows of a channel left 'sending' by a lease holder that died mid-send go back to pending,
 * marked 'resent_after_crash'. Returns how many.
 */
export async function requeueInterruptedSends(channel: string): Promise<number> {
  const r = await OutboxModel.updateMany({ channel, status: 'sending' }, { $set: { status: 'pending', lockedUntil: null, lastError: 'resent_after_crash' } });
  return r.modifiedCount;
}

/** Up to `limit` rows of a channel due at `now`: emergency rows first, then by seq. */
export async function dueRows(channel: string, now: Date, limit: number): Promise<OutboxDoc[]> {
  return OutboxModel.find({ channel, status: 'pending', nextAttemptAt: { $lte: now } })
    .sort({ priority: 1, seq: 1 }).limit(limit).lean<OutboxDoc[]>();
}

/**
 * Claim a row for sending: status 'sending', locked until `lockedUntil`, one more attempt.
 * Returns the row after the update, null when it is gone. Addressed by _id alone (the one
 * update FerretDB does not turn into a collection scan): only the channel's lease holder
 * sends, and the caller checks the status it read.
 */
export async function claimRow(id: string, lockedUntil: Date): Promise<OutboxDoc | null> {
  return OutboxModel.findOneAndUpdate(
    { _id: id }, { $set: { status: 'sending', lockedUntil }, $inc: { attempts: 1 } }, { new: true },
  ).lean<OutboxDoc>();
}

/** A sent row leaves the outbox at once (the delivered log keeps its dedupe key). */
export async function deleteSentRow(id: string): Promise<void> {
  await OutboxModel.deleteOne({ _id: id });
}

/** Give up on a row: dead-lettered with the failure code, its sealed reply erased. */
export async function deadLetterRow(id: string, code: string): Promise<void> {
  await OutboxModel.updateOne({ _id: id }, { $set: { status: 'dead', lastError: code, lockedUntil: null, outboundSealed: null } });
}

/** Back to pending, to be tried again at `at`. */
export async function retryRowAt(id: string, at: Date, code: string): Promise<void> {
  await OutboxModel.updateOne({ _id: id }, { $set: { status: 'pending', nextAttemptAt: at, lastError: code, lockedUntil: null } });
}

/** Retention: delivery marks older than `before`. Returns how many were deleted. */
export async function purgeDeliveredMarks(before: Date): Promise<number> {
  return (await DeliveredModel.deleteMany({ at: { $lt: before } })).deletedCount;
}

/** Retention: rows sent or dead-lettered, created before `before`. Returns how many were deleted. */
export async function purgeFinishedRows(before: Date): Promise<number> {
  return (await OutboxModel.deleteMany({ status: { $in: ['sent', 'dead'] }, createdAt: { $lt: before } })).deletedCount;
}
