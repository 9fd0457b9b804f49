/**
 * Exclusive locks across instances, built on INSERT and a unique index only. That is the
 * one race the embedded FerretDB resolves atomically: its conditional updates (and
 * findOneAndUpdate) read, then write, so two callers can both "win" one (measured here).
 * An expired lock is removed by its exact _id (never a newer lock) and the insert tried
 * once more; whoever's insert lands holds it. Real MongoDB behaves the same way.
 */
import { defineModel, Schema } from './model';

interface LockDoc { name: string; holder: string; until: Date }
const lockSchema = new Schema<LockDoc>({
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
}, { versionKey: false });

/** The locks collection (short-lived rows). */
export const LockModel = defineModel<LockDoc>('Lock', 'locks', lockSchema);

async function insert(name: string, holder: string, until: Date): Promise<boolean> {
  try {
    await LockModel.create({ name, holder, until });
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
  const held = await LockModel.findOne({ name }).lean<LockDoc & { _id: unknown }>();
  if (!held || held.until.getTime() >= now.getTime()) return false;
  await LockModel.deleteOne({ _id: held._id, until: held.until });
  return insert(name, holder, until);
}

/** Release the lock if we still hold it. */
export async function unlock(name: string, holder: string): Promise<void> {
  await LockModel.deleteOne({ name, holder });
}
