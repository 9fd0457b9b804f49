/** handoff_presence: which counsellors are online (heartbeat), their caseload limit, their wrap-up. */
import { defineModel, Schema } from '../../db/model';

/** A counsellor's availability, kept alive by the console's heartbeat. */
/** `wrapUpUntil`: after closing a case the counsellor wraps up; no transfer reaches them before then. */
export interface PresenceDoc { username: string; role: string; online: boolean; lastSeenAt: Date; caseloadLimit: number | null; wrapUpUntil?: Date | null }

const presenceSchema = new Schema<PresenceDoc>({
  username: { type: String, required: true, unique: true },
  role: { type: String, required: true },
  online: { type: Boolean, default: false },
  lastSeenAt: { type: Date, required: true },
  caseloadLimit: { type: Number, default: null },
  wrapUpUntil: { type: Date, default: null },
}, { versionKey: false });

export const PresenceModel = defineModel<PresenceDoc>('Presence', 'handoff_presence', presenceSchema);

/** One staff member's presence row (null: never seen). */
export async function staffPresence(username: string): Promise<PresenceDoc | null> {
  return PresenceModel.findOne({ username }).lean<PresenceDoc>();
}

/** A heartbeat or the on-duty switch: seen now, with this role, plus `set` (e.g. `{ online }`). */
export async function touchPresence(username: string, role: string, set: Partial<PresenceDoc>): Promise<void> {
  await PresenceModel.updateOne({ username }, { $set: { role, lastSeenAt: new Date(), ...set } }, { upsert: true });
}

/** Heartbeats of this staff member after `since`? */
export async function seenAfter(username: string, since: Date): Promise<boolean> {
  return !!(await PresenceModel.exists({ username, lastSeenAt: { $gt: since } }));
}

/** Staff of these roles on duty and seen after `since`. */
export async function onlineStaff(roles: string[], since: Date): Promise<PresenceDoc[]> {
  return PresenceModel.find({ online: true, role: { $in: roles }, lastSeenAt: { $gt: since } }).lean<PresenceDoc[]>();
}

/** How many staff of these roles are on duty and seen after `since`. */
export async function countOnlineStaff(roles: string[], since: Date): Promise<number> {
  return PresenceModel.countDocuments({ online: true, role: { $in: roles }, lastSeenAt: { $gt: since } });
}

/** Everyone of these roles ever seen, by name. */
export async function staffOfRoles(roles: string[]): Promise<PresenceDoc[]> {
  return PresenceModel.find({ role: { $in: roles } }).sort({ username: 1 }).lean<PresenceDoc[]>();
}

/** The counsellor wraps up until then (no transfer reaches them). */
export async function startWrapUp(username: string, until: Date): Promise<void> {
  await PresenceModel.updateOne({ username }, { $set: { wrapUpUntil: until } });
}

/** The counsellor's wrap-up ends now. */
export async function clearWrapUp(username: string): Promise<void> {
  await PresenceModel.updateOne({ username }, { $set: { wrapUpUntil: null } });
}

/** On-duty staff whose console has not beaten since `seenBefore` (tab closed, machine asleep) go off duty. */
export async function markSilentStaffOffline(seenBefore: Date): Promise<void> {
  await PresenceModel.updateMany({ online: true, lastSeenAt: { $lt: seenBefore } }, { $set: { online: false } });
}
