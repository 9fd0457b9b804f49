/**
 * Leases: a row per job name saying which instance holds it until when. Taking a lease
 * is one conditional update (free, expired, or already mine), so two instances can never
 * both hold it; the unique index on name turns a race on the first insert into a miss.
 */
import { defineModel, Schema } from '../db/model';

/** A lease row. */
export interface LeaseDoc {
  name: string;
  holder: string;
  until: Date;
  lastRunKey: string | null;
}

const leaseSchema = new Schema<LeaseDoc>({
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
  lastRunKey: { type: String, default: null },
}, { versionKey: false });

export const LeaseModel = defineModel<LeaseDoc>('Lease', 'leases', leaseSchema);

/** Try to take or renew a lease for ttlMs. True when this holder has it afterwards. */
export async function acquireLease(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const until = new Date(now.getTime() + ttlMs);
  try {
    const res = await LeaseModel.findOneAndUpdate(
      { name, $or: [{ until: { $lt: now } }, { holder }] },
      { $set: { holder, until } },
      { upsert: true, new: true },
    );
    return res?.holder === holder;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false; // another instance inserted it first
    throw err;
  }
}

/** Give a lease back early (on shutdown) so another instance can take over at once. */
export async function releaseLease(name: string, holder: string): Promise<void> {
  await LeaseModel.updateOne({ name, holder }, { $set: { until: new Date(0) } });
}

/** The run key last recorded on a lease (which scheduled slot already ran), or null. */
export async function lastRunKeyOf(name: string): Promise<string | null> {
  return (await LeaseModel.findOne({ name }, { lastRunKey: 1 }).lean<{ lastRunKey: string | null }>())?.lastRunKey ?? null;
}

/** Record that a slot ran, only while still holding the lease. */
export async function markRun(name: string, holder: string, key: string): Promise<void> {
  await LeaseModel.updateOne({ name, holder }, { $set: { lastRunKey: key } });
}
