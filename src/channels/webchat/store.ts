/**
 * Web chat delivery rows. The outbox worker may run on another instance than the one
 * holding the browser's live stream, so a reply is handed over through the database:
 * send() writes a sealed row, the instance with the stream reads and forwards it, and
 * the row is deleted once the browser acknowledges it (or after a short time: what a
 * person wrote to us or read from us is not kept, DESIGN safety rule 2).
 *
 * Sessions are known only by a keyed hash of the cookie id (`sidHash`); the raw id is
 * never stored here. The per-session counter row orders the replies and doubles as the
 * tombstone of an exited session: replies for a closed session are dropped.
 */
import { defineModel, Schema } from '../../db/model';

/** One reply waiting for (or just delivered to) a browser. */
export interface WebchatMessageDoc {
  sidHash: string;
  /** Per-session order, from the counter row; the SSE event id. */
  seq: number;
  /** FieldCipher-sealed JSON of the rendered message. */
  sealed: string;
  createdAt: Date;
}

/** Per-session sequence counter; `closed` once the person used the exit. */
export interface WebchatSessionDoc {
  sidHash: string;
  seq: number;
  closed: boolean;
  updatedAt: Date;
}

const messageSchema = new Schema<WebchatMessageDoc>({
  sidHash: { type: String, required: true },
  seq: { type: Number, required: true },
  sealed: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, { versionKey: false });
// Unique: two writers that drew the same seq (the embedded DB's findOneAndUpdate is not atomic) collide here and retry.
messageSchema.index({ sidHash: 1, seq: 1 }, { unique: true });
messageSchema.index({ createdAt: 1 });

const sessionSchema = new Schema<WebchatSessionDoc>({
  sidHash: { type: String, required: true, unique: true },
  seq: { type: Number, default: 0 },
  closed: { type: Boolean, default: false },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });
sessionSchema.index({ updatedAt: 1 });

/** Mongoose model of `webchat_messages`. */
export const WebchatMessageModel = defineModel<WebchatMessageDoc>('WebchatMessage', 'webchat_messages', messageSchema);
/** Mongoose model of `webchat_sessions` (counters and exit tombstones). */
export const WebchatSessionModel = defineModel<WebchatSessionDoc>('WebchatSession', 'webchat_sessions', sessionSchema);

/** A stored reply as the stream reads it. */
export interface StoredReply { seq: number; sealed: string }

/**
 * Append a sealed reply to a session; returns its seq, or null when the session has exited
 * (the reply is dropped on purpose: nobody is there, and we keep nothing).
 */
export async function appendReply(sidHash: string, sealed: string, now = new Date()): Promise<number | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const counter = await WebchatSessionModel.findOneAndUpdate(
      { sidHash }, { $inc: { seq: 1 }, $set: { updatedAt: now } }, { upsert: true, new: true },
    ).lean<WebchatSessionDoc>();
    if (!counter) throw new Error('webchat counter not returned');
    if (counter.closed) return null;
    try {
      await WebchatMessageModel.create({ sidHash, seq: counter.seq, sealed, createdAt: now });
      return counter.seq;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Same seq drawn twice by a non-atomic increment: draw again.
    }
  }
  throw new Error('webchat: could not allocate a sequence number');
}

/** Replies of a session after `afterSeq`, oldest first. */
export async function repliesAfter(sidHash: string, afterSeq: number, limit = 50): Promise<StoredReply[]> {
  const rows = await WebchatMessageModel.find({ sidHash, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).lean<WebchatMessageDoc[]>();
  return rows.map((r) => ({ seq: r.seq, sealed: r.sealed }));
}

/** The browser has shown everything up to `seq`: forget it. */
export async function ackUpTo(sidHash: string, seq: number): Promise<void> {
  await WebchatMessageModel.deleteMany({ sidHash, seq: { $lte: seq } });
}

/** Quick exit: forget every reply and leave a tombstone so late replies are dropped. */
export async function closeSession(sidHash: string, now = new Date()): Promise<void> {
  await WebchatSessionModel.updateOne({ sidHash }, { $set: { closed: true, updatedAt: now } }, { upsert: true });
  await WebchatMessageModel.deleteMany({ sidHash });
}

/** True when the session used the quick exit (its cookie should be gone; a fresh one is issued). */
export async function isClosed(sidHash: string): Promise<boolean> {
  const row = await WebchatSessionModel.findOne({ sidHash, closed: true }).lean<WebchatSessionDoc>();
  return row !== null;
}

/** Retention: replies older than `messageMaxAgeMs`, sessions idle longer than `sessionMaxIdleMs`. */
export async function sweep(messageMaxAgeMs: number, sessionMaxIdleMs: number, now = Date.now()): Promise<void> {
  await WebchatMessageModel.deleteMany({ createdAt: { $lt: new Date(now - messageMaxAgeMs) } });
  await WebchatSessionModel.deleteMany({ updatedAt: { $lt: new Date(now - sessionMaxIdleMs) } });
}
