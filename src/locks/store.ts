/**
 * The lock area's data and its queries (the protocol over them, and why it is built so:
 * index.ts). Three collections, named as before the area existed so that running
 * deployments keep their rows:
 * - locks: exclusive locks, `_id` = name (taken and found by `_id`, the one filter the
 *   embedded database answers from an index; a lock exists per busy person).
 * - leases: leases of the cron jobs and the outbox senders, unique `name`, a fresh ObjectId
 *   `_id` per acquisition, and the last slot a job ran (`lastRunKey`). A handful of rows.
 * - handoff_locks: one-time keys (claims, transfers, ends of a handoff case), unique `key`.
 */
import type mongoose from 'mongoose';
import { defineModel, Schema } from '../db/model';
import { inserted } from '../db/unique';

/** An exclusive lock: its name, the token of the acquisition holding it, until when. */
export interface LockDoc { _id: string; name: string; holder: string; until: Date }

const lockSchema = new Schema<LockDoc>({
  _id: { type: String },
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
}, { versionKey: false });

/** The locks collection (short-lived rows). */
export const LockModel = defineModel<LockDoc>('Lock', 'locks', lockSchema);

/** A lease: like a lock, plus the scheduled slot its job last ran. */
export interface LeaseDoc { name: string; holder: string; until: Date; lastRunKey: string | null }

const leaseSchema = new Schema<LeaseDoc>({
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
  lastRunKey: { type: String, default: null },
}, { versionKey: false });

/** The leases collection. */
export const LeaseModel = defineModel<LeaseDoc>('Lease', 'leases', leaseSchema);

/** What the protocol reads of a held row. */
export interface HeldRow { holder: string; until: Date; lastRunKey?: string | null }

/** The queries the lock protocol runs on one collection (index.ts says which may race). */
export interface LockRows {
  /** Insert `name` held by `token` until `until`: false when the name is taken (unique index). */
  insert(name: string, token: string, until: Date, lastRunKey?: string | null): Promise<boolean>;
  /** The row of `name`, or null. */
  find(name: string): Promise<HeldRow | null>;
  /** Delete `name`, held by the expired `token` (only the winner of that token's takeover claim). */
  removeTakenOver(name: string, token: string): Promise<void>;
  /** Delete `name` while `token` holds it (a release). */
  removeHeld(name: string, token: string): Promise<void>;
  /** Delete takeover claims that have expired. */
  sweepClaims(now: Date): Promise<void>;
}

/** A lease's rows: the lock rows, plus the writes a live holder makes to its own row. */
export interface LeaseRows extends LockRows {
  /** Set the expiry of `name` while `token` holds it. */
  setUntil(name: string, token: string, until: Date): Promise<void>;
  /** Record the slot a job ran while `token` holds `name`. */
  setLastRunKey(name: string, token: string, key: string): Promise<void>;
}

/** The same model on another connection (another instance, in tests), or the service's own. */
function modelOn<T>(conn: mongoose.Connection | undefined, own: mongoose.Model<T>): mongoose.Model<T> {
  if (!conn) return own;
  return (conn.models[own.modelName] as mongoose.Model<T> | undefined) ?? conn.model<T>(own.modelName, own.schema, own.collection.collectionName);
}

/** Lock rows on the service's connection, or on `conn` (another instance, in tests). */
export function lockRowsOn(conn?: mongoose.Connection): LockRows {
  const model = modelOn(conn, LockModel);
  return {
    insert: (name, token, until) => inserted(() => model.create({ _id: name, name, holder: token, until })),
    find: (name) => model.findOne({ _id: name }).lean<LockDoc>(),
    // By _id alone (the indexed filter): the claim winner is the only one who may delete it.
    removeTakenOver: async (name) => { await model.deleteOne({ _id: name }); },
    removeHeld: async (name, token) => { await model.deleteOne({ _id: name, holder: token }); },
    sweepClaims: async (now) => { await model.deleteMany({ _id: { $regex: '~' }, until: { $lt: now } }); },
  };
}

/** Lease rows on the service's connection, or on `conn` (small collection: filters by name cost nothing). */
export function leaseRowsOn(conn?: mongoose.Connection): LeaseRows {
  const model = modelOn(conn, LeaseModel);
  return {
    insert: (name, token, until, lastRunKey = null) => inserted(() => model.create({ name, holder: token, until, lastRunKey })),
    find: (name) => model.findOne({ name }).lean<LeaseDoc>(),
    removeTakenOver: async (name, token) => { await model.deleteOne({ name, holder: token }); },
    removeHeld: async (name, token) => { await model.deleteOne({ name, holder: token }); },
    sweepClaims: async (now) => { await model.deleteMany({ name: { $regex: '~' }, until: { $lt: now } }); },
    setUntil: async (name, token, until) => { await model.updateOne({ name, holder: token }, { $set: { until } }); },
    setLastRunKey: async (name, token, key) => { await model.updateOne({ name, holder: token }, { $set: { lastRunKey: key } }); },
  };
}

/** A one-time key and when it was taken. */
export interface OnceKeyDoc { key: string; at: Date }

const onceKeySchema = new Schema<OnceKeyDoc>({
  key: { type: String, required: true, unique: true },
  at: { type: Date, required: true, index: true },
}, { versionKey: false });

/** The one-time keys (collection named after its first user, the handoff area). */
export const HandoffLockModel = defineModel<OnceKeyDoc>('HandoffLock', 'handoff_locks', onceKeySchema);

/** Take a one-time key: true for exactly one caller, even across instances. */
export function takeOnce(key: string): Promise<boolean> {
  return inserted(() => HandoffLockModel.create({ key, at: new Date() }));
}

/** Give a one-time key back (the action it gated was undone), so it can be taken again. */
export async function forgetOnce(key: string): Promise<void> {
  await HandoffLockModel.deleteOne({ key });
}

/** Delete one-time keys taken before `before` (kept a while so a late duplicate still loses). */
export async function purgeOnceKeys(before: Date): Promise<void> {
  await HandoffLockModel.deleteMany({ at: { $lt: before } });
}
