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
import { isDuplicateKey } from '../../db/unique';

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
  /**
   * A follow-up was promised with a resume code: until then replies are kept (not deleted
   * after 15 minutes, not dropped after an exit) so the person can read them with the code.
   */
  holdUntil?: Date | null;
  updatedAt: Date;
}

/** A one-time resume code: only its keyed hash, and the session it reopens (sealed). */
export interface ResumeCodeDoc {
  codeHash: string;
  sidHash: string;
  sidSealed: string;
  until: Date;
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
  holdUntil: { type: Date, default: null },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });
sessionSchema.index({ updatedAt: 1 });

const resumeSchema = new Schema<ResumeCodeDoc>({
  codeHash: { type: String, required: true, unique: true },
  sidHash: { type: String, required: true },
  sidSealed: { type: String, required: true },
  until: { type: Date, required: true, index: true },
}, { versionKey: false });

/** Mongoose model of `webchat_messages`. */
export const WebchatMessageModel = defineModel<WebchatMessageDoc>('WebchatMessage', 'webchat_messages', messageSchema);
/** Mongoose model of `webchat_sessions` (counters and exit tombstones). */
export const WebchatSessionModel = defineModel<WebchatSessionDoc>('WebchatSession', 'webchat_sessions', sessionSchema);
/** Mongoose model of `webchat_resume_codes`. */
export const ResumeCodeModel = defineModel<ResumeCodeDoc>('WebchatResumeCode', 'webchat_resume_codes', resumeSchema);

const held = (s: Pick<WebchatSessionDoc, 'holdUntil'>, now: Date): boolean => !!s.holdUntil && s.holdUntil.getTime() > now.getTime();

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
    if (counter.closed && !held(counter, now)) return null;
    try {
      await WebchatMessageModel.create({ sidHash, seq: counter.seq, sealed, createdAt: now });
      return counter.seq;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Same seq drawn twice by a non-atomic increment: draw again.
    }
  }
  throw new Error('webchat: could not allocate a sequence number');
}

/** Sessions whose counter moved since `since` (a reply written by any instance), for the notifier. */
export async function sessionsWithRepliesSince(since: Date): Promise<{ sidHash: string; seq: number }[]> {
  const rows = await WebchatSessionModel.find({ updatedAt: { $gt: since } }, { sidHash: 1, seq: 1 }).lean<WebchatSessionDoc[]>();
  return rows.map((r) => ({ sidHash: r.sidHash, seq: r.seq }));
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

/** Keep a session's replies until `until` (a follow-up was promised with a resume code). */
export async function holdSession(sidHash: string, until: Date, codeHash: string, sidSealed: string, now = new Date()): Promise<void> {
  await ResumeCodeModel.updateOne({ codeHash }, { $setOnInsert: { codeHash, sidHash, sidSealed, until } }, { upsert: true });
  await WebchatSessionModel.updateOne({ sidHash }, { $set: { holdUntil: until, updatedAt: now }, $setOnInsert: { seq: 0, closed: false } }, { upsert: true });
}

/**
 * The person erased their data: forget the session's stored replies and return codes, and
 * lift a follow-up's hold, before the confirmation is appended (the page's exit then leaves
 * the tombstone and clears that too).
 */
export async function forgetSession(sidHash: string, now = new Date()): Promise<void> {
  await ResumeCodeModel.deleteMany({ sidHash });
  await WebchatMessageModel.deleteMany({ sidHash });
  await WebchatSessionModel.updateOne({ sidHash }, { $set: { holdUntil: null, updatedAt: now } });
}

/**
 * Use a resume code once: the sealed session id it reopens, or null (unknown, used, expired).
 * The session is reopened (an exit's tombstone lifted) so its kept replies can be read.
 */
export async function redeemResumeCode(codeHash: string, now = new Date()): Promise<{ sidSealed: string; sidHash: string } | null> {
  const row = await ResumeCodeModel.findOneAndDelete({ codeHash }).lean<ResumeCodeDoc>();
  if (!row || row.until.getTime() <= now.getTime()) return null;
  await WebchatSessionModel.updateOne({ sidHash: row.sidHash }, { $set: { closed: false, updatedAt: now } });
  return { sidSealed: row.sidSealed, sidHash: row.sidHash };
}

/**
 * Retention: replies older than `messageMaxAgeMs`, sessions idle longer than `sessionMaxIdleMs`,
 * expired resume codes. A held session (a follow-up promised) keeps its replies until the hold ends.
 */
export async function sweep(messageMaxAgeMs: number, sessionMaxIdleMs: number, now = Date.now()): Promise<void> {
  const at = new Date(now);
  const holding = (await WebchatSessionModel.find({ holdUntil: { $gt: at } }, { sidHash: 1 }).lean<WebchatSessionDoc[]>()).map((s) => s.sidHash);
  await WebchatMessageModel.deleteMany({ createdAt: { $lt: new Date(now - messageMaxAgeMs) }, sidHash: { $nin: holding } });
  await WebchatSessionModel.deleteMany({ updatedAt: { $lt: new Date(now - sessionMaxIdleMs) }, sidHash: { $nin: holding } });
  await ResumeCodeModel.deleteMany({ until: { $lt: at } });
}
