/**
 * Console sessions (express-session data as JSON), read and written by the session store
 * class in ../sessionStore.ts. Expiry is checked on every read there, and
 * purgeExpiredSessions() deletes old rows (scheduled with the retention job).
 */
import { defineModel, Schema } from '../../db/model';

/** A console session (express-session data), expired by the retention job and on read. */
export interface SessionDoc {
  sid: string;
  data: string;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDoc>({
  sid: { type: String, required: true, unique: true },
  data: { type: String, required: true },
  expiresAt: { type: Date, required: true, index: true },
}, { versionKey: false });

export const SessionModel = defineModel<SessionDoc>('Session', 'sessions', sessionSchema);

/** One session row by id, expired or not, or null. */
export async function findSession(sid: string): Promise<SessionDoc | null> {
  return SessionModel.findOne({ sid }).lean<SessionDoc>();
}

/** Write a session (insert or replace its data and expiry). */
export async function saveSession(sid: string, data: string, expiresAt: Date): Promise<void> {
  await SessionModel.updateOne({ sid }, { $set: { sid, data, expiresAt } }, { upsert: true });
}

/** Push a session's expiry on. */
export async function setSessionExpiry(sid: string, expiresAt: Date): Promise<void> {
  await SessionModel.updateOne({ sid }, { $set: { expiresAt } });
}

/** Delete one session. */
export async function deleteSession(sid: string): Promise<void> {
  await SessionModel.deleteOne({ sid });
}

/** Every session's id and data (the data is JSON: finding a user's sessions means reading it). */
export async function allSessions(): Promise<Pick<SessionDoc, 'sid' | 'data'>[]> {
  return SessionModel.find({}, { sid: 1, data: 1 }).lean<Pick<SessionDoc, 'sid' | 'data'>[]>();
}

/** Delete these sessions. */
export async function deleteSessions(sids: string[]): Promise<void> {
  await SessionModel.deleteMany({ sid: { $in: sids } });
}

/** Delete sessions past their expiry. */
export async function purgeExpiredSessions(now: Date): Promise<number> {
  const r = await SessionModel.deleteMany({ expiresAt: { $lt: now } });
  return r.deletedCount ?? 0;
}
