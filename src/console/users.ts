/**
 * Console users: create, enable/disable, list, verify a password with lockout. Used by the
 * console routes and by `npm run user`. Passwords are bcrypt hashes of passwords that pass
 * the rule in passwords.ts (length and a zxcvbn strength score).
 *
 * Who manages whom (canManage): an admin manages everyone; a manager manages counsellors
 * and supervisors, never an admin or another manager; nobody disables themselves. The operator at the
 * server's command line (`npm run user`) is trusted like an admin.
 */
import bcrypt from 'bcryptjs';
import { audit } from './audit';
import { clearPlace, clearUser, isSlowed, recordFailure, throttleKeys, waitMs } from './loginThrottle';
import { passwordProblem } from './passwords';
import { dropSessionsOf } from './sessionStore';
import { STAFF_ROLES } from '../shared/staff';
import { allUsersByName, findPasswordHash, findUser, findUserRole, insertUser, Role, setLastSeen, setPasswordHash, setUserDisabled, userExists } from './store';
import type { Result } from '../shared/result';

export { MIN_PASSWORD } from './passwords';

/** Roles a user can have. */
export const ROLES: readonly Role[] = STAFF_ROLES;
const COST = 11;
// Compared against when the user does not exist, so both paths take the same time.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password-xx', COST);

/** A user as listed (no hash). `manageable`: whether the user asking may disable/enable them. */
export interface UserView { username: string; role: Role; disabled: boolean; createdAt: Date; lastSeenAt: Date | null; locked: boolean; manageable?: boolean }

/** Expected failures of user changes. */
export type UserError = 'invalid_username' | 'invalid_role' | 'weak_password' | 'exists' | 'not_found' | 'forbidden' | 'wrong_password';

/** The outcome of a user change; a refused password carries its reason (Vietnamese / English). */
export type UserResult = Result<object, UserError, { reason?: string }>;

/** Who changes users: a logged-in console user, or the operator at the command line (named for the audit log). */
export type Actor = { username: string; role: Role } | { operator: string };

const nameOf = (a: Actor) => ('operator' in a ? a.operator : a.username);

/** May this actor create, disable or enable a user with this role? Admins and the operator: anyone; managers: counsellors and supervisors (line staff). */
export function canManage(actor: Actor, target: Role): boolean {
  if ('operator' in actor || actor.role === 'admin') return true;
  if (actor.role === 'manager') return target === 'counsellor' || target === 'supervisor';
  return false;
}

/** Create a user. */
export async function addUser(actor: Actor, input: { username: string; role: string; password: string }): Promise<UserResult> {
  if (!/^[a-z0-9._-]{3,32}$/i.test(input.username)) return { ok: false, code: 'invalid_username' };
  if (!ROLES.includes(input.role as Role)) return { ok: false, code: 'invalid_role' };
  if (!canManage(actor, input.role as Role)) return { ok: false, code: 'forbidden' };
  const weak = passwordProblem(input.password, input.username);
  if (weak) return { ok: false, code: 'weak_password', reason: weak };
  if (await userExists(input.username)) return { ok: false, code: 'exists' };
  const passwordHash = await bcrypt.hash(input.password, COST);
  // A parallel add of the same name may win between the check and the insert (unique index).
  if (!(await insertUser({ username: input.username, role: input.role as Role, passwordHash, createdAt: new Date() }))) return { ok: false, code: 'exists' };
  await audit(nameOf(actor), 'user_add', input.username, { role: input.role });
  return { ok: true };
}

/** May this actor disable or enable this user? Never themselves (an admin could lock everyone out). */
function mayChange(actor: Actor, target: { username: string; role: Role }): boolean {
  return !('username' in actor && actor.username === target.username) && canManage(actor, target.role);
}

/** Disable (and log out) or enable a user; enabling also lifts a lockout. */
export async function setDisabled(actor: Actor, username: string, disabled: boolean): Promise<UserResult> {
  const target = await findUserRole(username);
  if (!target) return { ok: false, code: 'not_found' };
  if (!mayChange(actor, target)) return { ok: false, code: 'forbidden' };
  if (!(await setUserDisabled(username, disabled))) return { ok: false, code: 'not_found' };
  if (disabled) await dropSessionsOf(username);
  await audit(nameOf(actor), disabled ? 'user_disable' : 'user_enable', username);
  return { ok: true };
}

/**
 * A user changes their own password: the current one first (a session left open is not
 * enough), then the new one must pass the rule. Their other sessions are logged out.
 */
export async function changePassword(username: string, current: string, next: string, keepSid?: string): Promise<UserResult> {
  const hash = await findPasswordHash(username);
  if (hash === null) return { ok: false, code: 'not_found' };
  if (!(await bcrypt.compare(current, hash))) return { ok: false, code: 'wrong_password' };
  const weak = passwordProblem(next, username);
  if (weak) return { ok: false, code: 'weak_password', reason: weak };
  await setPasswordHash(username, await bcrypt.hash(next, COST));
  await dropSessionsOf(username, keepSid);
  await audit(username, 'password_change', username);
  return { ok: true };
}

/**
 * Every user, without hashes. `locked`: some place must wait before trying this user again;
 * with an actor, whether that actor may disable/enable each.
 */
export async function listUsers(secret: string, actor?: Actor): Promise<UserView[]> {
  const rows = await allUsersByName();
  const out: UserView[] = [];
  for (const u of rows) {
    out.push({
      username: u.username, role: u.role, disabled: !!u.disabled, createdAt: u.createdAt, lastSeenAt: u.lastSeenAt ?? null,
      locked: await isSlowed(throttleKeys(secret, u.username, '').userKey),
      ...(actor ? { manageable: mayChange(actor, u) } : {}),
    });
  }
  return out;
}

/** An admin lifts the log-in waits of a user, from every place. */
export async function unlockUser(actor: string, username: string, secret: string): Promise<{ ok: true } | { ok: false; code: UserError }> {
  if (!(await userExists(username))) return { ok: false, code: 'not_found' };
  await clearUser(throttleKeys(secret, username, '').userKey);
  await audit(actor, 'user_unlock', username);
  return { ok: true };
}

/**
 * Check a password. Generic outcome for every failure (unknown user, wrong password,
 * disabled, slowed down) so that nothing tells an attacker which part was wrong. Guessing
 * from one place is slowed down more and more (loginThrottle.ts); other places are not.
 * `locked`: this place must wait `retryAfterMs` before trying again (the password was not
 * even checked).
 */
export async function verifyLogin(username: string, password: string, place: { address: string; secret: string }): Promise<{ ok: true; role: Role } | { ok: false; locked: boolean; retryAfterMs?: number }> {
  // Checked at run time, not only by the type: an object such as {"$ne": null} from a JSON
  // body would turn the query below into "any user" (NoSQL injection).
  if (typeof username !== 'string' || typeof password !== 'string') return { ok: false, locked: false };
  const keys = throttleKeys(place.secret, username, place.address);
  const wait = await waitMs(keys.key);
  if (wait > 0) {
    // A try while told to wait counts too: hammering only makes this place's wait longer.
    await recordFailure(keys);
    return { ok: false, locked: true, retryAfterMs: await waitMs(keys.key) };
  }
  const u = await findUser(username);
  const good = await bcrypt.compare(password, u?.passwordHash ?? DUMMY_HASH);
  if (!u || !good || u.disabled) {
    await recordFailure(keys);
    return { ok: false, locked: false };
  }
  await clearPlace(keys.key);
  await setLastSeen(username, new Date());
  return { ok: true, role: u.role };
}
