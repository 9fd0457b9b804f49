/**
 * The handoff area's data: its models and queries live in store/, one file per collection
 * (store/index.ts lists them), re-exported here so `./store` stays the one import. This file
 * keeps only the one-time keys.
 */
import { defineModel, Schema } from '../db/model';

export * from './store/index';

/**
 * One-time gates. FerretDB v1 does NOT make a conditional update atomic (measured: three
 * concurrent `updateOne({status:'queued'}, …)` all report modifiedCount 1), but a unique
 * index insert is: exactly one insert of a key succeeds. Claims, transfers, releases and
 * the end of a case take such a key first. Rows are deleted by sweep() after a week.
 */
export interface LockDoc { key: string; at: Date }

const lockSchema = new Schema<LockDoc>({
  key: { type: String, required: true, unique: true },
  at: { type: Date, required: true, index: true },
}, { versionKey: false });

export const HandoffLockModel = defineModel<LockDoc>('HandoffLock', 'handoff_locks', lockSchema);

/** Take a one-time key: true for exactly one caller, even across instances. */
export async function takeOnce(key: string): Promise<boolean> {
  try {
    await HandoffLockModel.create({ key, at: new Date() });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}
