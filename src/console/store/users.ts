/**
 * Console users. Passwords are bcrypt hashes (the rule and the hashing are in ../users.ts and
 * ../passwords.ts); this file only reads and writes the rows.
 */
import { defineModel, Schema } from '../../db/model';

/** Console roles; what each may do is in the README's roles table. */
export type { StaffRole as Role } from '../../shared/staff';
import type { StaffRole as Role } from '../../shared/staff';
import { inserted } from '../../db/unique';

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

/** Whether a user with this name exists. */
export async function userExists(username: string): Promise<boolean> {
  return !!(await UserModel.exists({ username }));
}

/** A user by name (the whole row, hash included: for the log-in check and the guard), or null. */
export async function findUser(username: string): Promise<UserDoc | null> {
  return UserModel.findOne({ username }).lean<UserDoc>();
}

/** A user's name and role only, or null. */
export async function findUserRole(username: string): Promise<Pick<UserDoc, 'username' | 'role'> | null> {
  return UserModel.findOne({ username }, { username: 1, role: 1 }).lean<Pick<UserDoc, 'username' | 'role'>>();
}

/** A user's password hash, or null when there is no such user. */
export async function findPasswordHash(username: string): Promise<string | null> {
  const u = await UserModel.findOne({ username }, { passwordHash: 1 }).lean<Pick<UserDoc, 'passwordHash'>>();
  return u ? u.passwordHash : null;
}

/** Every user, by name. */
export async function allUsersByName(): Promise<UserDoc[]> {
  return UserModel.find({}).sort({ username: 1 }).lean<UserDoc[]>();
}

/** Every user's name (to show hashed names in the audit log as the users they are). */
export async function allUsernames(): Promise<string[]> {
  return (await UserModel.find({}, { username: 1 }).lean<Pick<UserDoc, 'username'>[]>()).map((u) => u.username);
}

/** Store a new, enabled user; false when the name exists already (an add raced by another). */
export function insertUser(u: Pick<UserDoc, 'username' | 'role' | 'passwordHash' | 'createdAt'>): Promise<boolean> {
  return inserted(() => UserModel.create({ username: u.username, role: u.role, passwordHash: u.passwordHash, createdAt: u.createdAt, disabled: false, failedLogins: 0, lockedUntil: null }));
}

/** Disable or enable a user; false when no such user. */
export async function setUserDisabled(username: string, disabled: boolean): Promise<boolean> {
  const r = await UserModel.updateOne({ username }, { $set: { disabled } });
  return r.matchedCount === 1;
}

/** Replace a user's password hash. */
export async function setPasswordHash(username: string, passwordHash: string): Promise<void> {
  await UserModel.updateOne({ username }, { $set: { passwordHash } });
}

/** Note when a user last logged in (shown in the user list). */
export async function setLastSeen(username: string, at: Date): Promise<void> {
  await UserModel.updateOne({ username }, { $set: { lastSeenAt: at } });
}
