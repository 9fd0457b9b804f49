/** handoff_watches: which supervisor is viewing which live case right now (read-only). */
import { defineModel, Schema } from '../../db/model';
import { isDuplicateKey } from '../../db/unique';

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

/**
 * Start viewing case `hid`, or renew the view: true only when this call started it (so the
 * counsellor's chat gets one row per view, not per reload of the panel).
 */
export async function startOrRenewWatch(hid: string, pid: string, supervisor: string, counsellorId: string, now: Date): Promise<boolean> {
  try {
    const r = await WatchModel.updateOne({ hid, supervisor }, { $set: { lastSeenAt: now, counsellorId }, $setOnInsert: { hid, pid, supervisor, since: now } }, { upsert: true });
    return r.upsertedCount > 0;
  } catch (err) {
    // A double click: the other request's insert won the unique (hid, supervisor) key.
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

/** The supervisor's panel read the case: renew the view; false when no view was started. */
export async function renewWatch(hid: string, supervisor: string): Promise<boolean> {
  const r = await WatchModel.updateOne({ hid, supervisor }, { $set: { lastSeenAt: new Date() } });
  return r.matchedCount === 1;
}

/** End the supervisor's view of case `hid`; false when there was none. */
export async function endWatch(hid: string, supervisor: string): Promise<boolean> {
  return !!(await WatchModel.findOneAndDelete({ hid, supervisor }).lean());
}

/** Views of these cases read after `since`, the earliest started first. */
export async function freshWatchesOf(hids: string[], since: Date): Promise<WatchDoc[]> {
  return WatchModel.find({ hid: { $in: hids }, lastSeenAt: { $gt: since } }).sort({ since: 1 }).lean<WatchDoc[]>();
}

/** Delete views whose panel last read before `before` (closed without "stop"). */
export async function deleteStaleWatches(before: Date): Promise<void> {
  await WatchModel.deleteMany({ lastSeenAt: { $lt: before } });
}
