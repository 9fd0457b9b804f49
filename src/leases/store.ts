/**
 * Leases: a row per name saying which instance holds it until when. The unique index on
 * name decides every race (see acquireLease). Used by the cron jobs (one instance runs each
 * tick) and by the outbox worker (one sender per channel). Their own area, so that the
 * outbox does not import jobs/, which purges the outbox's rows (no area import cycle).
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

/**
 * Try to take or renew a lease for ttlMs. True when this holder has it afterwards.
 * Insert-only where it matters (see src/db/locks.ts: FerretDB's conditional updates are not
 * atomic): a free name is taken by inserting; an expired row is deleted by its exact _id and
 * the insert retried, carrying lastRunKey over; only the holder renews its own live row.
 */
export async function acquireLease(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const until = new Date(now.getTime() + ttlMs);
  const insert = async (lastRunKey: string | null) => {
    try {
      await LeaseModel.create({ name, holder, until, lastRunKey });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // another instance inserted it first
      throw err;
    }
  };
  const row = await LeaseModel.findOne({ name }).lean<LeaseDoc & { _id: unknown }>();
  if (!row) return insert(null);
  const live = row.until.getTime() > now.getTime() + 500;
  if (row.holder === holder && live) {
    await LeaseModel.updateOne({ _id: row._id, holder }, { $set: { until } });
    return true;
  }
  if (row.until.getTime() > now.getTime()) return false;
  await LeaseModel.deleteOne({ _id: row._id, until: row.until });
  return insert(row.lastRunKey ?? null);
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
