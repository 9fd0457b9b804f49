/**
 * Anonymised case records: one per episode of a pid. Only bucketed, coded values:
 * no text, no name, no phone, no exact birth date. Fields we group on (month, province)
 * are computed when written (STYLE habit 10).
 */
import { defineModel, Schema } from '../db/model';

/** Stored case. */
export interface CaseDoc {
  caseId: string;
  pid: string;
  channel: string;
  language: string;
  /** YYYY-MM in Asia/Ho_Chi_Minh of the episode start. */
  month: string;
  startedAt: Date;
  lastEventAt: Date;
  province: string | null;
  role: 'affected' | 'helping' | 'unknown';
  ageGroup: string | null;
  gender: string | null;
  violenceTypes: string[];
  contextFlags: string[];
  perpetratorRelation: string | null;
  danger: boolean;
  escalated: boolean;
  answeredByCounsellor: boolean;
  topics: string[];
  referrals: string[];
  outcome: string | null;
  feedback: 'helped' | 'not_helped' | 'skipped' | null;
  waitSeconds: number | null;
  handlingSeconds: number | null;
  returning: boolean;
  closed: boolean;
  /** Episode number of this pid: 0 for the first contact, then 1, 2 … (unique with pid). */
  seq: number;
  /** Last time the person was put in the counsellor queue in this episode. */
  queuedAt: Date | null;
  /** First time a counsellor claimed the conversation in this episode. */
  claimedAt: Date | null;
  /** A handoff of this episode ended without a counsellor (timed out or the person left). */
  abandoned: boolean;
  /** The person cancelled a handoff request while queued. */
  cancelled: boolean;
  /** waitSeconds rounded down to its report bucket (see waitBucketOf), so reports group on few values. */
  waitBucket: number | null;
  /** The counsellor recorded at least one violence type (lets reports count "none" without $size/$cond). */
  violenceRecorded: boolean;
}

const caseSchema = new Schema<CaseDoc>({
  caseId: { type: String, required: true, unique: true },
  pid: { type: String, required: true },
  channel: { type: String, required: true },
  language: { type: String, default: 'vi' },
  month: { type: String, required: true },
  startedAt: { type: Date, required: true },
  lastEventAt: { type: Date, required: true },
  province: { type: String, default: null },
  role: { type: String, default: 'unknown' },
  ageGroup: { type: String, default: null },
  gender: { type: String, default: null },
  violenceTypes: { type: [String], default: [] },
  contextFlags: { type: [String], default: [] },
  perpetratorRelation: { type: String, default: null },
  danger: { type: Boolean, default: false },
  escalated: { type: Boolean, default: false },
  answeredByCounsellor: { type: Boolean, default: false },
  topics: { type: [String], default: [] },
  referrals: { type: [String], default: [] },
  outcome: { type: String, default: null },
  feedback: { type: String, default: null },
  waitSeconds: { type: Number, default: null },
  handlingSeconds: { type: Number, default: null },
  returning: { type: Boolean, default: false },
  closed: { type: Boolean, default: false },
  seq: { type: Number, required: true },
  queuedAt: { type: Date, default: null },
  claimedAt: { type: Date, default: null },
  abandoned: { type: Boolean, default: false },
  cancelled: { type: Boolean, default: false },
  waitBucket: { type: Number, default: null },
  violenceRecorded: { type: Boolean, default: false },
}, { versionKey: false });
// One row per (pid, episode): two instances starting the same episode at once meet on this
// index and end up updating one row (the upsert that loses the race is retried as an update).
caseSchema.index({ pid: 1, seq: 1 }, { unique: true });
caseSchema.index({ month: 1, province: 1 });
caseSchema.index({ month: 1, channel: 1 });

export const CaseModel = defineModel<CaseDoc>('Case', 'cases', caseSchema);

/** Values of a new case row for fields the first write does not set itself. */
export const CASE_DEFAULTS: Omit<CaseDoc, 'caseId' | 'pid' | 'seq' | 'month' | 'startedAt' | 'lastEventAt' | 'channel' | 'returning'> = {
  language: 'vi', province: null, role: 'unknown', ageGroup: null, gender: null, violenceTypes: [], contextFlags: [],
  perpetratorRelation: null, danger: false, escalated: false, answeredByCounsellor: false, topics: [], referrals: [],
  outcome: null, feedback: null, waitSeconds: null, handlingSeconds: null, closed: false,
  queuedAt: null, claimedAt: null, abandoned: false, cancelled: false, waitBucket: null, violenceRecorded: false,
};

/** A MongoDB update of one case, built by the cases service. Only idempotent operators. */
export interface CaseUpdate {
  $setOnInsert: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $addToSet?: Record<string, { $each: string[] }>;
  $max?: Record<string, Date>;
}

/** The latest episode of a pid (highest seq), or null. Uses the (pid, seq) index. */
export async function latestCase(pid: string): Promise<CaseDoc | null> {
  return CaseModel.findOne({ pid }).sort({ seq: -1 }).lean<CaseDoc>();
}

/**
 * Upsert the case (pid, seq). Fields of $set/$addToSet/$max are removed from
 * $setOnInsert (MongoDB refuses a path in two operators). A duplicate-key error means
 * another instance inserted the row a moment earlier: the retry then matches it.
 */
export async function upsertCase(pid: string, seq: number, update: CaseUpdate): Promise<void> {
  const used = new Set([...Object.keys(update.$set ?? {}), ...Object.keys(update.$addToSet ?? {}), ...Object.keys(update.$max ?? {})]);
  const onInsert = Object.fromEntries(Object.entries(update.$setOnInsert).filter(([k]) => !used.has(k)));
  const doc: Record<string, unknown> = { $setOnInsert: onInsert };
  for (const op of ['$set', '$addToSet', '$max'] as const) {
    const v = update[op];
    if (v && Object.keys(v).length) doc[op] = v;
  }
  try {
    await CaseModel.collection.updateOne({ pid, seq }, doc, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    await CaseModel.collection.updateOne({ pid, seq }, doc, { upsert: true });
  }
}

/** Insert synthetic cases (benchmark and test seeding only). */
export async function insertCases(docs: CaseDoc[]): Promise<void> {
  await CaseModel.collection.insertMany(docs as unknown as Record<string, unknown>[], { ordered: false });
}

/** Read side for reports: run an aggregation on `cases` (stages of the FerretDB subset only). */
export async function aggregateCases<T>(pipeline: Record<string, unknown>[]): Promise<T[]> {
  return (await CaseModel.collection.aggregate(pipeline).toArray()) as T[];
}

/** The query plan of an aggregation on `cases` (for the benchmark), or null if the server has none. */
export async function explainCases(pipeline: Record<string, unknown>[]): Promise<Record<string, unknown> | null> {
  try {
    return (await CaseModel.collection.aggregate(pipeline).explain()) as Record<string, unknown>;
  } catch {
    return null;
  }
}
