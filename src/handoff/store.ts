/**
 * The handoff area's data. Live messages are sealed and purged when the case closes
 * (DESIGN safety rule 2); nothing else here holds text written by a person.
 * - handoff_cases: one per handoff episode (queue entry → counsellor → end).
 * - handoff_messages: sealed live messages of an open case, ordered by `seq`.
 * - handoff_followups: "contact me at a safe time" requests (a window, never a text).
 * - handoff_presence: which counsellors are online (heartbeat), their caseload limit.
 * - handoff_feed: short-lived change notices (ids only) so every instance's console sees
 *   changes made on another instance (no change streams on FerretDB).
 * - handoff_notes: the optional sealed case note, deleted after its retention.
 * - handoff_flags: a recent danger mark and visited topic codes per pid, for the queue.
 * - handoff_watches: which supervisor is viewing which live case right now (read-only).
 */
import type { UpdateQuery } from 'mongoose';
import { withPidLock } from '../conversations/pidLock';
import { defineModel, Schema } from '../db/model';

/** One message of a live counsellor conversation. */
export interface HandoffMessageDoc {
  caseId: string;
  pid: string;
  seq: number;
  from: 'person' | 'counsellor' | 'system';
  counsellorId: string | null;
  textSealed: string;
  at: Date;
  /** Delivery state of counsellor messages, so the console can say "not delivered". */
  delivery: 'queued' | 'sent' | 'failed' | 'window_expired' | null;
  outboxId: string | null;
  updatedAt: Date;
}

const handoffMessageSchema = new Schema<HandoffMessageDoc>({
  caseId: { type: String, required: true },
  pid: { type: String, required: true },
  seq: { type: Number, required: true },
  from: { type: String, required: true },
  counsellorId: { type: String, default: null },
  textSealed: { type: String, required: true },
  at: { type: Date, required: true },
  delivery: { type: String, default: null },
  outboxId: { type: String, default: null },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });
handoffMessageSchema.index({ caseId: 1, seq: 1 }, { unique: true });
handoffMessageSchema.index({ outboxId: 1 });
handoffMessageSchema.index({ pid: 1 });

export const HandoffMessageModel = defineModel<HandoffMessageDoc>('HandoffMessage', 'handoff_messages', handoffMessageSchema);

/** Where a handoff case is. `ended` cases keep only metadata (no text). */
export type HandoffCaseStatus = 'queued' | 'active' | 'ended';
/** How a case ended. */
export type HandoffOutcome = 'closed' | 'cancelled' | 'left' | 'abandoned' | 'out_of_hours';

/** Codes a counsellor chose when closing a case (validated by the cases area's DispositionSchema). */
export interface CaseDisposition { violenceTypes: string[]; contextFlags: string[]; perpetratorRelation: string | null; referrals: string[]; outcome: string }

/** Anonymous answers shown in the queue (coded values only). */
export interface QueueAnswers { role: string | null; ageGroup: string | null; province: string | null; topics: string[] }

/** One handoff episode. */
export interface HandoffCaseDoc {
  hid: string;
  pid: string;
  channel: string;
  lang: string;
  status: HandoffCaseStatus;
  outcome: HandoffOutcome | null;
  danger: boolean;
  waitingSince: Date;
  claimedAt: Date | null;
  endedAt: Date | null;
  counsellorId: string | null;
  answers: QueueAnswers;
  lastPersonAt: Date;
  lastCounsellorAt: Date | null;
  waitNotifiedAt: Date | null;
  /** The person left (exit) while a counsellor had the case; it waits for the close form. */
  personLeft: boolean;
  fromFollowUp: boolean;
  /** Web chat follow-up: when the person reopened the chat with their code (null: not yet, nothing read). */
  returnedAt?: Date | null;
  /**
   * A counsellor or manager blocked the person (from this case) until then, for a coded
   * reason (BLOCK_REASONS, never free text about the person); cleared on unblock.
   */
  blockedUntil?: Date | null;
  blockReason?: string | null;
  blockedBy?: string | null;
  /** The counsellor's coded disposition, kept on the ended case for the person's history (codes only, no text). */
  disposition?: CaseDisposition | null;
  msgSeq: number;
  /** Counters for one-time keys: a release or a transfer opens the next claim/transfer. */
  gen: number;
  xfers: number;
  updatedAt: Date;
}

const handoffCaseSchema = new Schema<HandoffCaseDoc>({
  hid: { type: String, required: true, unique: true },
  pid: { type: String, required: true, index: true },
  channel: { type: String, required: true },
  lang: { type: String, default: 'vi' },
  status: { type: String, required: true, index: true },
  outcome: { type: String, default: null },
  danger: { type: Boolean, default: false },
  waitingSince: { type: Date, required: true },
  claimedAt: { type: Date, default: null },
  endedAt: { type: Date, default: null },
  counsellorId: { type: String, default: null, index: true },
  answers: { type: Schema.Types.Mixed, default: {} },
  lastPersonAt: { type: Date, required: true },
  lastCounsellorAt: { type: Date, default: null },
  waitNotifiedAt: { type: Date, default: null },
  personLeft: { type: Boolean, default: false },
  fromFollowUp: { type: Boolean, default: false },
  returnedAt: { type: Date, default: null },
  blockedUntil: { type: Date, default: null },
  blockReason: { type: String, default: null },
  blockedBy: { type: String, default: null },
  disposition: { type: Schema.Types.Mixed, default: null },
  msgSeq: { type: Number, default: 0 },
  gen: { type: Number, default: 0 },
  xfers: { type: Number, default: 0 },
  updatedAt: { type: Date, required: true, index: true },
}, { versionKey: false, minimize: false });

export const HandoffCaseModel = defineModel<HandoffCaseDoc>('HandoffCase', 'handoff_cases', handoffCaseSchema);

/**
 * Update a handoff case under its person's lock. FerretDB applies an update by reading the
 * document and writing it back whole, so a counsellor's claim and the pipeline noting the
 * person's last message at the same moment could undo each other; the pipeline holds the
 * same lock while it processes the person's message (re-entrant), so they take turns.
 */
export async function updateHandoffCase(pid: string, filter: { hid: string }, update: UpdateQuery<HandoffCaseDoc>): Promise<void> {
  await withPidLock(pid, async () => { await HandoffCaseModel.updateOne(filter, update); });
}

/** A request to be contacted in a safe time window, on the same channel. */
export interface FollowUpDoc {
  fid: string;
  pid: string;
  channel: string;
  lang: string;
  window: string;
  status: 'open' | 'claimed' | 'expired';
  createdAt: Date;
  claimedBy: string | null;
  danger: boolean;
  /** Web chat: until when the one-time code reopens the conversation (null elsewhere). */
  resumeUntil?: Date | null;
  /** Web chat: when the person came back with the code (what the counsellor wrote can be read). */
  returnedAt?: Date | null;
  updatedAt: Date;
}

const followUpSchema = new Schema<FollowUpDoc>({
  fid: { type: String, required: true, unique: true },
  pid: { type: String, required: true, index: true },
  channel: { type: String, required: true },
  lang: { type: String, default: 'vi' },
  window: { type: String, required: true },
  status: { type: String, required: true, index: true },
  createdAt: { type: Date, required: true },
  claimedBy: { type: String, default: null },
  danger: { type: Boolean, default: false },
  resumeUntil: { type: Date, default: null },
  returnedAt: { type: Date, default: null },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });

export const FollowUpModel = defineModel<FollowUpDoc>('FollowUp', 'handoff_followups', followUpSchema);

/** A counsellor's availability, kept alive by the console's heartbeat. */
/** `wrapUpUntil`: after closing a case the counsellor wraps up; no transfer reaches them before then. */
export interface PresenceDoc { username: string; role: string; online: boolean; lastSeenAt: Date; caseloadLimit: number | null; wrapUpUntil?: Date | null }

const presenceSchema = new Schema<PresenceDoc>({
  username: { type: String, required: true, unique: true },
  role: { type: String, required: true },
  online: { type: Boolean, default: false },
  lastSeenAt: { type: Date, required: true },
  caseloadLimit: { type: Number, default: null },
  wrapUpUntil: { type: Date, default: null },
}, { versionKey: false });

export const PresenceModel = defineModel<PresenceDoc>('Presence', 'handoff_presence', presenceSchema);

/** A change notice: ids only, never text. */
export interface FeedDoc { at: Date; kind: string; hid: string | null; counsellors: string[]; danger?: boolean; origin: string }

const feedSchema = new Schema<FeedDoc>({
  at: { type: Date, required: true, index: true },
  kind: { type: String, required: true },
  hid: { type: String, default: null },
  counsellors: { type: [String], default: [] },
  danger: { type: Boolean, default: false },
  origin: { type: String, required: true },
}, { versionKey: false });

export const FeedModel = defineModel<FeedDoc>('HandoffFeed', 'handoff_feed', feedSchema);

/** The optional counsellor note of a closed case, sealed; deleted after retention. */
export interface CaseNoteDoc { hid: string; pid: string; author: string; noteSealed: string; createdAt: Date; deleteAfter: Date }

const caseNoteSchema = new Schema<CaseNoteDoc>({
  hid: { type: String, required: true, unique: true },
  pid: { type: String, required: true },
  author: { type: String, required: true },
  noteSealed: { type: String, required: true },
  createdAt: { type: Date, required: true },
  deleteAfter: { type: Date, required: true, index: true },
}, { versionKey: false });

export const CaseNoteModel = defineModel<CaseNoteDoc>('CaseNote', 'handoff_notes', caseNoteSchema);

/** A recent danger mark and the topic codes visited, per pid (no text). Deleted on exit. */
export interface FlagDoc { _id?: string; pid: string; dangerAt: Date; topics: string[] }

// _id = pid: read and written on the message path by _id alone (FerretDB scans for any other filter).
const flagSchema = new Schema<FlagDoc>({
  _id: { type: String },
  pid: { type: String, required: true, unique: true },
  dangerAt: { type: Date, required: true },
  topics: { type: [String], default: [] },
}, { versionKey: false });

export const FlagModel = defineModel<FlagDoc>('HandoffFlag', 'handoff_flags', flagSchema);

/** A supervisor viewing a live case (read-only); `lastSeenAt` is renewed while their panel reads it. */
export interface WatchDoc { hid: string; pid: string; supervisor: string; counsellorId: string | null; since: Date; lastSeenAt: Date }

const watchSchema = new Schema<WatchDoc>({
  hid: { type: String, required: true },
  pid: { type: String, required: true, index: true },
  supervisor: { type: String, required: true },
  counsellorId: { type: String, default: null },
  since: { type: Date, required: true },
  lastSeenAt: { type: Date, required: true, index: true },
}, { versionKey: false });
watchSchema.index({ hid: 1, supervisor: 1 }, { unique: true });

export const WatchModel = defineModel<WatchDoc>('HandoffWatch', 'handoff_watches', watchSchema);

export { forgetOnce, HandoffLockModel, purgeOnceKeys, takeOnce } from '../locks'; // one-time keys (claims, transfers, ends)

/**
 * Erase on request (Law 91/2025/QH15): everything the handoff area keeps under a pid — its
 * cases (the open one was ended first by the sink), their live messages, counsellor notes,
 * follow-ups and the danger/topic flag. Returns how many documents went, for the audit count.
 */
export async function eraseByPid(pid: string): Promise<number> {
  const results = await Promise.all([
    HandoffMessageModel.deleteMany({ pid }), CaseNoteModel.deleteMany({ pid }), FollowUpModel.deleteMany({ pid }),
    FlagModel.deleteMany({ _id: pid }), HandoffCaseModel.deleteMany({ pid }), WatchModel.deleteMany({ pid }),
  ]);
  return results.reduce((n, r) => n + (r.deletedCount ?? 0), 0);
}

/** The ended handoff cases of a person, newest first (the returning person's history; metadata and codes only). */
export async function endedCasesOf(pid: string, limit: number): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ pid, status: 'ended' }).sort({ waitingSince: -1 }).limit(limit).lean<HandoffCaseDoc[]>();
}

/** The person's counsellor notes still within retention (sealed). */
export async function liveNotesOf(pid: string, now: Date): Promise<CaseNoteDoc[]> {
  return CaseNoteModel.find({ pid, deleteAfter: { $gt: now } }).lean<CaseNoteDoc[]>();
}

/** One note still within retention, by the case it belongs to. */
export async function liveNote(hid: string, now: Date): Promise<CaseNoteDoc | null> {
  return CaseNoteModel.findOne({ hid, deleteAfter: { $gt: now } }).lean<CaseNoteDoc>();
}
