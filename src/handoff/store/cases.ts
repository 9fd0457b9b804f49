/**
 * handoff_cases: one per handoff episode (queue entry → counsellor → end). Reads and writes
 * of cases, in the handoff's words. Writes that race the pipeline go through
 * updateHandoffCase (under the person's lock).
 */
import type { UpdateQuery } from 'mongoose';
import { withPidLock } from '../../conversations/pidLock';
import { defineModel, Schema } from '../../db/model';
import type { Disposition } from '../../cases';
import { inserted } from '../../db/unique';

/** Where a handoff case is. `ended` cases keep only metadata (no text). */
export type HandoffCaseStatus = 'queued' | 'active' | 'ended';
/** How a case ended. */
export type HandoffOutcome = 'closed' | 'cancelled' | 'left' | 'abandoned' | 'out_of_hours';

/** Codes a counsellor chose when closing a case (validated by the cases area's DispositionSchema). */
/** The disposition kept on a closed case (the cases area's type: it owns the codes). */
export type CaseDisposition = Disposition;

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
 * Update a handoff case under its person's lock (src/locks). FerretDB applies an update by reading the
 * document and writing it back whole, so a counsellor's claim and the pipeline noting the
 * person's last message at the same moment could undo each other; the pipeline holds the
 * same lock while it processes the person's message (re-entrant), so they take turns.
 */
export async function updateHandoffCase(pid: string, filter: { hid: string }, update: UpdateQuery<HandoffCaseDoc>): Promise<void> {
  await withPidLock(pid, async () => { await HandoffCaseModel.updateOne(filter, update); });
}

/** A new case; throws on a duplicate hid like any insert. */
export async function insertCase(doc: HandoffCaseDoc): Promise<void> {
  await HandoffCaseModel.create(doc);
}

/** A new case, once: false when a case with this hid exists already (a repeat after a crash). */
export function insertCaseOnce(doc: HandoffCaseDoc): Promise<boolean> {
  return inserted(() => HandoffCaseModel.create(doc));
}

/** Remove a case that never got going (its status move lost a race). */
export async function deleteCase(hid: string): Promise<void> {
  await HandoffCaseModel.deleteOne({ hid });
}

/** A case by its id, whatever its status. */
export async function caseByHid(hid: string): Promise<HandoffCaseDoc | null> {
  return HandoffCaseModel.findOne({ hid }).lean<HandoffCaseDoc>();
}

/** A case by its id while a counsellor has it. */
export async function activeCase(hid: string): Promise<HandoffCaseDoc | null> {
  return HandoffCaseModel.findOne({ hid, status: 'active' }).lean<HandoffCaseDoc>();
}

/** The person's open case (queued or with a counsellor), if any. */
export async function openCaseOf(pid: string): Promise<HandoffCaseDoc | null> {
  return HandoffCaseModel.findOne({ pid, status: { $in: ['queued', 'active'] } }).lean<HandoffCaseDoc>();
}

/** True when the person has an open case (queued or with a counsellor). */
export async function hasOpenCase(pid: string): Promise<boolean> {
  return !!(await HandoffCaseModel.exists({ pid, status: { $in: ['queued', 'active'] } }));
}

/** Every queued case, in no particular order (queue.ts orders them). */
export async function queuedCases(): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ status: 'queued' }).lean<HandoffCaseDoc[]>();
}

/** How many people wait in the queue. */
export async function countQueuedCases(): Promise<number> {
  return HandoffCaseModel.countDocuments({ status: 'queued' });
}

/** Every case a counsellor has now, in no particular order. */
export async function activeCases(): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ status: 'active' }).lean<HandoffCaseDoc[]>();
}

/** Every case a counsellor has now, the earliest claimed first. */
export async function activeCasesByClaimTime(): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ status: 'active' }).sort({ claimedAt: 1 }).lean<HandoffCaseDoc[]>();
}

/** The cases one counsellor has now, the earliest claimed first. */
export async function activeCasesOf(counsellorId: string): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ status: 'active', counsellorId }).sort({ claimedAt: 1 }).lean<HandoffCaseDoc[]>();
}

/** The last `limit` cases a counsellor closed, the latest first (for the typical handling time). */
export async function lastClosedCases(limit: number): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ status: 'ended', outcome: 'closed' }).sort({ endedAt: -1 }).limit(limit).lean<HandoffCaseDoc[]>();
}

/** The ended handoff cases of a person, newest first (the returning person's history; metadata and codes only). */
export async function endedCasesOf(pid: string, limit: number): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ pid, status: 'ended' }).sort({ waitingSince: -1 }).limit(limit).lean<HandoffCaseDoc[]>();
}

/** The ids of the person's cases a block is marked on: the open ones, case `hid`, and those marked before. */
export async function caseIdsToMarkBlocked(pid: string, hid: string): Promise<string[]> {
  const rows = await HandoffCaseModel.find({ pid, $or: [{ status: { $in: ['queued', 'active'] } }, { hid }, { blockedUntil: { $ne: null } }] }, { hid: 1 }).lean<Pick<HandoffCaseDoc, 'hid'>[]>();
  return rows.map((r) => r.hid);
}

/** Cases whose block lasts beyond `now`, the soonest lifted first. */
export async function casesBlockedAfter(now: Date): Promise<HandoffCaseDoc[]> {
  return HandoffCaseModel.find({ blockedUntil: { $gt: now } }).sort({ blockedUntil: 1 }).lean<HandoffCaseDoc[]>();
}

/**
 * Take the next message number of a case (and note the case changed); null when there is no
 * such case. The caller holds the person's lock: FerretDB applies $inc by read-then-rewrite.
 */
export async function nextMessageSeq(hid: string, at: Date): Promise<number | null> {
  const c = await HandoffCaseModel.findOneAndUpdate({ hid }, { $inc: { msgSeq: 1 }, $set: { updatedAt: at } }, { new: true }).lean<HandoffCaseDoc>();
  return c ? c.msgSeq : null;
}
