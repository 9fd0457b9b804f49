/**
 * Exclusive locks across instances, built on INSERT and a unique index only. That is the
 * one race the embedded FerretDB resolves atomically: its conditional updates (and
 * findOneAndUpdate) read, then write, so two callers can both "win" one (measured here).
 * An expired lock is removed by its exact _id (never a newer lock) and the insert tried
 * once more; whoever's insert lands holds it. Real MongoDB behaves the same way.
 */
import { defineModel, Schema } from './model';

interface LockDoc { _id: string; name: string; holder: string; until: Date }
// _id = name: the lock is taken, checked and released by _id alone, the one filter the
// embedded FerretDB answers from an index (any other filter reads the whole collection).
const lockSchema = new Schema<LockDoc>({
  _id: { type: String },
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
}, { versionKey: false });

/** The locks collection (short-lived rows). */
export const LockModel = defineModel<LockDoc>('Lock', 'locks', lockSchema);

async function insert(name: string, holder: string, until: Date): Promise<boolean> {
  try {
    await LockModel.create({ _id: name, name, holder, until });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/** Take the lock `name` for ttlMs. True for exactly one caller at a time. */
export async function tryLock(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const until = new Date(now.getTime() + ttlMs);
  if (await insert(name, holder, until)) return true;
  const held = await LockModel.findOne({ _id: name }).lean<LockDoc>();
  if (!held || held.until.getTime() >= now.getTime()) return false;
  // Expired: remove it unless it changed since we looked (then someone else took it over).
  const again = await LockModel.findOne({ _id: name }).lean<LockDoc>();
  if (again && again.holder === held.holder && again.until.getTime() === held.until.getTime()) await LockModel.deleteOne({ _id: name });
  return insert(name, holder, until);
}

/**
 * Release the lock if we still hold it. On the embedded DB the check and the delete are
 * two steps inside the server: a holder that overran its TTL could remove its successor's
 * lock in between, which is why TTLs are long compared with the work done under a lock.
 */
export async function unlock(name: string, holder: string): Promise<void> {
  // One round trip; the filter is not `_id` alone, so the embedded DB scans, but this
  // collection holds only the locks held right now.
  await LockModel.deleteOne({ _id: name, holder });
}
