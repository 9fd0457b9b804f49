/**
 * handoff_feed: short-lived change notices (ids only) so every instance's console sees
 * changes made on another instance (no change streams on FerretDB).
 */
import { defineModel, Schema } from '../../db/model';

/** A change notice: ids only, never text. */
export interface FeedDoc { at: Date; kind: string; hid: string | null; counsellors: string[]; danger?: boolean; origin: string }

const feedSchema = new Schema<FeedDoc>({
  at: { type: Date, required: true, index: true },
  kind: { type: String, required: true },
  hid: { type: String, default: null },
  counsellors: { type: [String], default: [] },
  danger: { type: Boolean, default: false },
  origin: { type: String, required: true },
}, { versionKey: false });

export const FeedModel = defineModel<FeedDoc>('HandoffFeed', 'handoff_feed', feedSchema);

/** A feed row as read back, with its id (the notice's id on every instance). */
export type FeedRow = FeedDoc & { _id: unknown };

/** Write a change notice; returns its id. */
export async function insertFeedRow(row: FeedDoc): Promise<string> {
  const created = await FeedModel.create(row);
  return String(created._id);
}

/** Up to `limit` notices written at or after `from`, oldest first. */
export async function feedRowsFrom(from: Date, limit: number): Promise<FeedRow[]> {
  return FeedModel.find({ at: { $gte: from } }).sort({ at: 1 }).limit(limit).lean<FeedRow[]>();
}

/** Delete feed rows older than an hour. */
export async function purgeFeed(now: Date): Promise<void> {
  await FeedModel.deleteMany({ at: { $lt: new Date(now.getTime() - 3_600_000) } });
}
