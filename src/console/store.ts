/**
 * Console users, their sessions, and the audit log. Passwords are bcrypt hashes;
 * the audit log records who did what and when, never message text.
 */
import { defineModel, Schema } from '../db/model';

/** Console roles; what each may do is in the README's roles table. */
export type { StaffRole as Role } from '../shared/staff';
import type { StaffRole as Role } from '../shared/staff';

/** A console user. */
export interface UserDoc {
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  online: boolean;
  caseloadLimit: number | null;
  failedLogins: number;
  lockedUntil: Date | null;
  lang: string;
  createdAt: Date;
  lastSeenAt: Date | null;
}

const userSchema = new Schema<UserDoc>({
  username: { type: String, required: true, unique: true },
  passwordHash: { type: String, required: true },
  role: { type: String, required: true },
  disabled: { type: Boolean, default: false },
  online: { type: Boolean, default: false },
  caseloadLimit: { type: Number, default: null },
  failedLogins: { type: Number, default: 0 },
  lockedUntil: { type: Date, default: null },
  lang: { type: String, default: 'vi' },
  createdAt: { type: Date, required: true },
  lastSeenAt: { type: Date, default: null },
}, { versionKey: false });

export const UserModel = defineModel<UserDoc>('User', 'users', userSchema);

/** One audit entry: actor, action, target (ids only). */
export interface AuditDoc {
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

const auditSchema = new Schema<AuditDoc>({
  at: { type: Date, required: true, index: true },
  actor: { type: String, default: null },
  action: { type: String, required: true },
  target: { type: String, default: null },
  detail: { type: Schema.Types.Mixed, default: {} },
}, { versionKey: false, minimize: false });

export const AuditModel = defineModel<AuditDoc>('Audit', 'audit', auditSchema);

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

/**
 * Erase on request: audit rows keep who did what, but no longer name the person's pid
 * (a counsellor's "block" names it as its target).
 */
export async function forgetPidInAudit(pid: string): Promise<number> {
  return (await AuditModel.updateMany({ target: pid }, { $set: { target: null } })).modifiedCount ?? 0;
}
