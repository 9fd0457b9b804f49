/**
 * Anonymised case records: one per episode of a pid. Only bucketed, coded values:
 * no text, no name, no phone, no exact birth date. Fields we group on (month, province)
 * are computed when written (STYLE habit 10).
 *
 * Why every access here is by `_id`: the embedded FerretDB pushes a filter down to SQLite
 * only when it is exactly `{ _id }`; any other filter decodes the whole collection. So a
 * case's `_id` is `${pid}:${seq}`, the pid's latest seq is kept in `case_heads`
 * (`_id` = pid), and every case write first inserts a change marker into `case_changes`
 * (insert-only, small), which the reports' rollup folder consumes (docs/reports.md).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { defineModel, Schema } from '../db/model';
import { isDuplicateKey } from '../db/unique';

/** Stored case. */
export interface CaseDoc {
  /** `${pid}:${seq}` (see caseKeyOf). */
  _id: string;
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
  /** Categories of the directory lists the bot showed (no counsellor involved); absent on older cases. */
  listings?: string[];
  /** Categories a counsellor referred to in the close form; absent on older cases. */
  counsellorReferrals?: string[];
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
  /**
   * The person typed free text the bot tried to read at least once (engine `understood`,
   * `clarify` or `not_understood`). Optional: rows written before these flags lack them.
   */
  freeText?: boolean;
  /** At least one free-text message of the episode was not understood (engine `not_understood`). */
  notUnderstood?: boolean;
}

const caseSchema = new Schema<CaseDoc>({
  _id: { type: String, required: true },
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
  listings: { type: [String], default: undefined },
  counsellorReferrals: { type: [String], default: undefined },
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
  freeText: { type: Boolean, default: false },
  notUnderstood: { type: Boolean, default: false },
}, { versionKey: false });
// One row per (pid, episode), also for rows inserted by other means than upsertCase
// (seeding, a restore): the _id already implies it for rows written here.
caseSchema.index({ pid: 1, seq: 1 }, { unique: true });
// No { month, … } indexes: reports read the rollup (src/reports/rollup), not `cases`.

export const CaseModel = defineModel<CaseDoc>('Case', 'cases', caseSchema);

/** The latest episode of a pid: `_id` = pid. */
export interface CaseHeadDoc {
  _id: string;
  seq: number;
}
const headSchema = new Schema<CaseHeadDoc>({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });
export const CaseHeadModel = defineModel<CaseHeadDoc>('CaseHead', 'case_heads', headSchema);

/**
 * "Case `c` of pid `p` may have changed": inserted before every case write, deleted by the
 * rollup folder once it has counted the case as it then was. Insert-only on the hot path,
 * so writers never contend on it.
 */
export interface CaseChangeDoc {
  _id: string;
  /** The case `_id`. */
  c: string;
  /** Its pid (the folder reads the case under this pid's lock). */
  p: string;
  at: Date;
}
const changeSchema = new Schema<CaseChangeDoc>({
  _id: { type: String, required: true }, c: { type: String, required: true }, p: { type: String, required: true }, at: { type: Date, required: true },
}, { versionKey: false });
export const CaseChangeModel = defineModel<CaseChangeDoc>('CaseChange', 'case_changes', changeSchema);

/** A model's driver collection, typed with string `_id`s (writes go to the server as built, without mongoose casting). */
function raw<T extends { _id: string }>(model: { collection: unknown }): mongo.Collection<T> {
  return model.collection as mongo.Collection<T>;
}

/** The `_id` of a pid's episode `seq`, e.g. "3f9a…e1:0". */
export function caseKeyOf(pid: string, seq: number): string {
  return `${pid}:${seq}`;
}

/** Values of a new case row for fields the first write does not set itself. */
export const CASE_DEFAULTS: Omit<CaseDoc, '_id' | 'caseId' | 'pid' | 'seq' | 'month' | 'startedAt' | 'lastEventAt' | 'channel' | 'returning'> = {
  language: 'vi', province: null, role: 'unknown', ageGroup: null, gender: null, violenceTypes: [], contextFlags: [],
  perpetratorRelation: null, danger: false, escalated: false, answeredByCounsellor: false, topics: [], referrals: [],
  outcome: null, feedback: null, waitSeconds: null, handlingSeconds: null, closed: false,
  queuedAt: null, claimedAt: null, abandoned: false, cancelled: false, waitBucket: null, violenceRecorded: false,
  freeText: false, notUnderstood: false,
};

/** A MongoDB update of one case, built by the cases service. Only idempotent operators. */
export interface CaseUpdate {
  $setOnInsert: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $addToSet?: Record<string, { $each: string[] }>;
  $max?: Record<string, Date>;
}

/** The latest episode of a pid (highest seq), or null: two reads by `_id` (head, then case). */
export async function latestCase(pid: string): Promise<CaseDoc | null> {
  const head = await CaseHeadModel.findOne({ _id: pid }).lean<CaseHeadDoc>();
  if (!head) return null;
  return CaseModel.findOne({ _id: caseKeyOf(pid, head.seq) }).lean<CaseDoc>();
}

/** One case by `_id`, or null. */
export async function findCase(id: string): Promise<CaseDoc | null> {
  return CaseModel.findOne({ _id: id }).lean<CaseDoc>();
}

/**
 * Upsert the case (pid, seq), by `_id` only. Call under the pid's lock (the cases service
 * does). Order, for crash safety: the change marker first (a crash after it only makes the
 * folder look at an unchanged case), then the case, then the head (a crash before the head
 * is written leaves it on the previous episode, and the next event redoes this same upsert).
 * Fields of $set/$addToSet/$max are removed from $setOnInsert (MongoDB refuses a path in
 * two operators). A duplicate-key error means another writer inserted the row a moment
 * earlier: the retry then matches it.
 */
export async function upsertCase(pid: string, seq: number, update: CaseUpdate, opts: { newHead: boolean }): Promise<void> {
  const _id = caseKeyOf(pid, seq);
  const used = new Set([...Object.keys(update.$set ?? {}), ...Object.keys(update.$addToSet ?? {}), ...Object.keys(update.$max ?? {})]);
  const onInsert = Object.fromEntries(Object.entries(update.$setOnInsert).filter(([k]) => !used.has(k)));
  const doc: Record<string, unknown> = { $setOnInsert: onInsert };
  for (const op of ['$set', '$addToSet', '$max'] as const) {
    const v = update[op];
    if (v && Object.keys(v).length) doc[op] = v;
  }
  const change = doc as mongo.UpdateFilter<CaseDoc>;
  await raw<CaseChangeDoc>(CaseChangeModel).insertOne({ _id: randomUUID(), c: _id, p: pid, at: new Date() });
  try {
    await raw<CaseDoc>(CaseModel).updateOne({ _id }, change, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await raw<CaseDoc>(CaseModel).updateOne({ _id }, change, { upsert: true });
  }
  if (opts.newHead) await raw<CaseHeadDoc>(CaseHeadModel).updateOne({ _id: pid }, { $set: { seq } }, { upsert: true });
}

/** Up to `limit` change markers (the collection stays small while the folder keeps up). */
export async function pendingChanges(limit: number): Promise<CaseChangeDoc[]> {
  return CaseChangeModel.find({}).limit(limit).lean<CaseChangeDoc[]>();
}

/** Delete one change marker by `_id` (after the folder has counted its case). */
export async function forgetChange(id: string): Promise<void> {
  await CaseChangeModel.deleteOne({ _id: id });
}

/** Every case, streamed (the rollup rebuild and the raw-aggregation check; a full scan). */
export function allCases(): AsyncIterable<CaseDoc> {
  return CaseModel.find({}).lean<CaseDoc>().cursor({ batchSize: 1000 }) as unknown as AsyncIterable<CaseDoc>;
}

/** Insert synthetic cases (benchmark and test seeding only). */
export async function insertCases(docs: CaseDoc[]): Promise<void> {
  await CaseModel.collection.insertMany(docs as unknown as Record<string, unknown>[], { ordered: false });
}

/** Insert case heads (benchmark seeding only), e.g. `{ _id: pid, seq: 2 }`. */
export async function insertCaseHeads(docs: CaseHeadDoc[]): Promise<void> {
  await CaseHeadModel.collection.insertMany(docs as never[], { ordered: false });
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

/**
 * Erase on request (Law 91/2025/QH15): the pid's case records stay counted in reports but
 * link to nobody. Each case moves to a fresh random pseudonym (its `_id` holds the pid, so
 * the row is re-inserted, not updated, with a new caseId too), one per case so the episodes
 * no longer link to each other either; change markers for the old and the new `_id` let the rollup folder drop the
 * old contribution and count the new one. Call under the pid's lock. Returns how many moved.
 */
export async function unlinkByPid(pid: string): Promise<number> {
  const head = await CaseHeadModel.findOne({ _id: pid }).lean<CaseHeadDoc>();
  let moved = 0;
  for (let seq = 0; head && seq <= head.seq; seq++) {
    const oldId = caseKeyOf(pid, seq);
    const old = await CaseModel.findOne({ _id: oldId }).lean<CaseDoc>();
    if (!old) continue;
    const anon = randomBytes(32).toString('hex');
    const newId = caseKeyOf(anon, seq);
    await raw<CaseChangeDoc>(CaseChangeModel).insertOne({ _id: randomUUID(), c: newId, p: anon, at: new Date() });
    await raw<CaseDoc>(CaseModel).insertOne({ ...old, _id: newId, pid: anon, caseId: randomUUID() });
    await raw<CaseChangeDoc>(CaseChangeModel).insertOne({ _id: randomUUID(), c: oldId, p: pid, at: new Date() });
    await CaseModel.deleteOne({ _id: oldId });
    moved++;
  }
  await CaseHeadModel.deleteOne({ _id: pid });
  return moved;
}
