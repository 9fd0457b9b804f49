/**
 * Slowing down password guessing without letting anyone lock staff out.
 *
 * Failures are counted per (user name, address prefix): each failure is its own inserted
 * row, so parallel guesses are all counted (a read-then-write counter lost them on the
 * embedded database: 12 guesses at once left the account open). After FREE_TRIES failures
 * from one place, that place waits 1 s, 2 s, 4 s … (at most 15 minutes) between tries. A
 * counsellor logging in from anywhere else is not slowed at all: someone guessing from their
 * phone cannot lock the night shift out. An admin can clear a user's failures.
 *
 * Neither the typed name nor the address is stored: rows carry keyed hashes only (a password
 * typed into the name box must not be kept).
 */
import { createHmac } from 'node:crypto';
import { deleteFailuresOfPlace, deleteFailuresOfUser, insertLoginFailure, placeFailuresSince, purgeExpiredLoginFailures, userFailuresSince } from './store';

/** Failures count for this long. */
export const FAILURE_WINDOW_MS = 60 * 60_000;
/** Failures allowed without any wait. */
export const FREE_TRIES = 3;
/** The longest wait between two tries from one place. */
export const MAX_DELAY_MS = 15 * 60_000;

/** The wait before the next try after `failures` failures (0 while free). */
export function delayAfter(failures: number): number {
  return failures < FREE_TRIES ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_TRIES));
}

/** An address's network prefix: /24 for IPv4, /48 for IPv6 (people share carriers' NAT). */
export function addressPrefix(address: string): string {
  const v4 = /(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  return `${address.toLowerCase().split(':').slice(0, 3).join(':')}::/48`;
}

/** Keyed hashes for one try: where (name + prefix) and who (name). */
export function throttleKeys(secret: string, username: string, address: string): { key: string; userKey: string } {
  const name = username.trim().toLowerCase();
  const mac = (s: string) => createHmac('sha256', secret).update(s).digest('hex').slice(0, 32);
  return { key: mac(`login:${name}|${addressPrefix(address)}`), userKey: mac(`login-user:${name}`) };
}

/** How long this place must still wait before its next try (0: go ahead). */
export async function waitMs(key: string, now = new Date()): Promise<number> {
  const rows = await placeFailuresSince(key, new Date(now.getTime() - FAILURE_WINDOW_MS));
  if (rows.length === 0) return 0;
  return Math.max(0, rows[0]!.at.getTime() + delayAfter(rows.length) - now.getTime());
}

/** Count one failure (an insert: never lost to a parallel one). */
export async function recordFailure(keys: { key: string; userKey: string }, now = new Date()): Promise<void> {
  await insertLoginFailure(keys, now);
}

/** A successful log-in from this place forgets its failures. */
export async function clearPlace(key: string): Promise<void> {
  await deleteFailuresOfPlace(key);
}

/** An admin lifts every wait of a user (from every place). */
export async function clearUser(userKey: string): Promise<void> {
  await deleteFailuresOfUser(userKey);
}

/** True while some place must wait before trying this user again (shown in the user list). */
export async function isSlowed(userKey: string, now = new Date()): Promise<boolean> {
  const rows = await userFailuresSince(userKey, new Date(now.getTime() - FAILURE_WINDOW_MS));
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  return [...byKey.values()].some((list) => {
    const last = Math.max(...list.map((r) => r.at.getTime()));
    return last + delayAfter(list.length) > now.getTime();
  });
}

/** Retention: failures older than the window mean nothing any more. Returns how many went. */
export async function purgeLoginFailures(now = new Date()): Promise<number> {
  return purgeExpiredLoginFailures(new Date(now.getTime() - FAILURE_WINDOW_MS));
}
