/** handoff_flags: a recent danger mark and visited topic codes per pid, for the queue. */
import { defineModel, Schema } from '../../db/model';

/** A recent danger mark and the topic codes visited, per pid (no text). Deleted on exit. */
export interface FlagDoc { _id?: string; pid: string; dangerAt: Date; topics: string[] }

// _id = pid: read and written on the message path by _id alone (FerretDB scans for any other filter).
const flagSchema = new Schema<FlagDoc>({
  _id: { type: String },
  pid: { type: String, required: true, unique: true },
  dangerAt: { type: Date, required: true },
  topics: { type: [String], default: [] },
}, { versionKey: false });

export const FlagModel = defineModel<FlagDoc>('HandoffFlag', 'handoff_flags', flagSchema);

/** The person's flag (null: no danger mark, no topic yet). */
export async function flagOf(pid: string): Promise<FlagDoc | null> {
  return FlagModel.findOne({ _id: pid }).lean<FlagDoc>();
}

/** Write the person's danger mark and topics (created on first use). */
export async function saveFlag(pid: string, dangerAt: Date, topics: string[]): Promise<void> {
  await FlagModel.updateOne({ _id: pid }, { $setOnInsert: { pid }, $set: { dangerAt, topics } }, { upsert: true });
}

/** Forget the person's flag (they left or asked to be erased). */
export async function deleteFlag(pid: string): Promise<void> {
  await FlagModel.deleteOne({ _id: pid });
}
