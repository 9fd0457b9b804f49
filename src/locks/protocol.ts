/**
 * The steps locks and leases share (why they are safe: index.ts): tokens that name one
 * acquisition, and the takeover of an expired acquisition through a one-time claim.
 */
import { randomUUID } from 'node:crypto';
import type { HeldRow, LockRows } from './store';

/** How long a takeover claim stays (a caller acting on an older read of the row is implausible). */
const CLAIM_KEEP_MS = 10 * 60_000;

/**
 * A holder writes to its own row only while the row stays live at least this long: a taker
 * acts only after expiry, so a write that started this early cannot race a takeover unless
 * it stalls this long (or the clocks of two instances differ by this much).
 */
export const HOLDER_MARGIN_MS = 2_000;

/** A new acquisition's token: the holder, a random part, its expiry ("host:12:ab:<uuid>:1764400000000"). */
export const tokenOf = (holder: string, until: Date): string => `${holder}:${randomUUID()}:${until.getTime()}`;

/** The expiry a token was issued with. */
export const untilOf = (token: string): number => Number(token.slice(token.lastIndexOf(':') + 1));

/** The holder a token was issued to (null for a row written without a token, e.g. before tokens). */
export function holderOf(token: string): string | null {
  const end = token.lastIndexOf(':');
  const mid = end > 0 ? token.lastIndexOf(':', end - 1) : -1;
  return mid > 0 ? token.slice(0, mid) : null;
}

/**
 * Take over the expired acquisition `held` of `name`: true for exactly one caller, who has
 * then deleted it. The claim `name~token` is an insert, so one caller wins it per acquisition;
 * nobody else may delete the row, and no one can insert `name` while that row is there.
 */
export async function takeOver(rows: LockRows, name: string, held: HeldRow, now: Date): Promise<boolean> {
  const claim = `${name}~${held.holder}`;
  if (!(await rows.insert(claim, 'takeover', new Date(now.getTime() + CLAIM_KEEP_MS)))) return false;
  await rows.removeTakenOver(name, held.holder);
  // Old claims go now and then (takeovers are rare for locks: a holder crashed or overran).
  await rows.sweepClaims(now).catch(() => undefined);
  return true;
}
