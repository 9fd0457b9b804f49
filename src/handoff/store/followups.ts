/** handoff_followups: "contact me at a safe time" requests (a window, never a text). */
import { defineModel, Schema } from '../../db/model';

/** A request to be contacted in a safe time window, on the same channel. */
export interface FollowUpDoc {
  fid: string;
  pid: string;
  channel: string;
  lang: string;
  window: string;
  status: 'open' | 'claimed' | 'expired';
  createdAt: Date;
  claimedBy: string | null;
  danger: boolean;
  /** Web chat: until when the one-time code reopens the conversation (null elsewhere). */
  resumeUntil?: Date | null;
  /** Web chat: when the person came back with the code (what the counsellor wrote can be read). */
  returnedAt?: Date | null;
  updatedAt: Date;
}

const followUpSchema = new Schema<FollowUpDoc>({
  fid: { type: String, required: true, unique: true },
  pid: { type: String, required: true, index: true },
  channel: { type: String, required: true },
  lang: { type: String, default: 'vi' },
  window: { type: String, required: true },
  status: { type: String, required: true, index: true },
  createdAt: { type: Date, required: true },
  claimedBy: { type: String, default: null },
  danger: { type: Boolean, default: false },
  resumeUntil: { type: Date, default: null },
  returnedAt: { type: Date, default: null },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });

export const FollowUpModel = defineModel<FollowUpDoc>('FollowUp', 'handoff_followups', followUpSchema);

/** A new follow-up, once: false when this fid exists already (a repeat after a crash). */
export async function insertFollowUpOnce(doc: FollowUpDoc): Promise<boolean> {
  const r = await FollowUpModel.updateOne({ fid: doc.fid }, { $setOnInsert: doc }, { upsert: true });
  return r.upsertedCount > 0;
}

/** A newer request replaces the person's open ones: those expire. */
export async function expireOtherFollowUps(pid: string, fid: string): Promise<void> {
  await FollowUpModel.updateMany({ pid, status: 'open', fid: { $ne: fid } }, { $set: { status: 'expired', updatedAt: new Date() } });
}

/** Open follow-ups older than `before` expire. */
export async function expireFollowUpsCreatedBefore(before: Date, now: Date): Promise<void> {
  await FollowUpModel.updateMany({ status: 'open', createdAt: { $lt: before } }, { $set: { status: 'expired', updatedAt: now } });
}

/** Every open follow-up, the oldest first. */
export async function openFollowUps(): Promise<FollowUpDoc[]> {
  return FollowUpModel.find({ status: 'open' }).sort({ createdAt: 1 }).lean<FollowUpDoc[]>();
}

/** One follow-up while it is open. */
export async function openFollowUp(fid: string): Promise<FollowUpDoc | null> {
  return FollowUpModel.findOne({ fid, status: 'open' }).lean<FollowUpDoc>();
}

/** A counsellor took the follow-up. */
export async function markFollowUpClaimed(fid: string, claimedBy: string, now: Date): Promise<void> {
  await FollowUpModel.updateOne({ fid }, { $set: { status: 'claimed', claimedBy, updatedAt: now } });
}

/** Give a claimed follow-up back to the list (its claim could not go on). */
export async function reopenFollowUp(fid: string): Promise<void> {
  await FollowUpModel.updateOne({ fid }, { $set: { status: 'open', claimedBy: null, updatedAt: new Date() } });
}

/** The person's latest follow-up still open or claimed. */
export async function latestLiveFollowUpOf(pid: string): Promise<FollowUpDoc | null> {
  return FollowUpModel.findOne({ pid, status: { $in: ['open', 'claimed'] } }).sort({ createdAt: -1 }).lean<FollowUpDoc>();
}

/** The person came back with their code at `at`. */
export async function markFollowUpReturned(fid: string, at: Date): Promise<void> {
  await FollowUpModel.updateOne({ fid }, { $set: { returnedAt: at, updatedAt: at } });
}
