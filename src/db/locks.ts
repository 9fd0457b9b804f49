/**
 * Exclusive locks across instances, built on INSERT and a unique `_id` (the lock's name):
 * whoever's insert lands holds the lock. Every acquisition has its own token (the holder
 * name plus a random part), stored as `holder`, so a release or a takeover can name the
 * exact acquisition it means and never touch a newer one.
 *
 * Why tokens: before, an expired lock was removed by `_id` alone. Two callers that both saw
 * the same expired lock could then remove each other's fresh one, and an overrunning holder
 * could release its successor (measured on the embedded database: 6 callers on one expired
 * lock ended with 2-3 holders in 33 of 100 rounds). A delete filtered on holder and expiry
 * is not enough there either (it still reads, then deletes by `_id`: measured, 1 round in
 * 60 with two holders); see locksOn for the protocol. test/integration/foundation/
 * locks.test.ts races many callers, a late release and a second connection.
 */
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { defineModel, Schema } from './model';

interface LockDoc { _id: string; name: string; holder: string; until: Date }
// _id = name: the lock is taken and found by _id, the one filter the embedded FerretDB
// answers from an index (any other filter reads the whole collection; this one stays small).
const lockSchema = new Schema<LockDoc>({
  _id: { type: String },
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
}, { versionKey: false });

/** The locks collection (short-lived rows). */
export const LockModel = defineModel<LockDoc>('Lock', 'locks', lockSchema);

/** A lock store bound to one collection (another connection = another instance, in tests). */
export interface Locks {
  /** Take `name` for ttlMs: this acquisition's token, or null when someone holds it. */
  tryLock(name: string, holder: string, ttlMs: number, now?: Date): Promise<string | null>;
  /** Release `name` if `token` still holds it (a late release never frees a successor). */
  unlock(name: string, token: string, now?: Date): Promise<void>;
  /** Release `name` if an earlier acquisition by `holder` (any token of it) left it behind. */
  releaseLeftBy(name: string, holder: string, now?: Date): Promise<void>;
}

/** How long a takeover claim stays (a caller acting on an older read of the lock is implausible). */
const CLAIM_KEEP_MS = 10 * 60_000;
/** A holder whose lock expires within this margin does not release it: a taker may be at work. */
const RELEASE_MARGIN_MS = 2_000;

/** The token names the holder, this acquisition, and its expiry (unlock needs no lookup). */
const tokenOf = (holder: string, until: Date) => `${holder}:${randomUUID()}:${until.getTime()}`;
const untilOf = (token: string) => Number(token.slice(token.lastIndexOf(':') + 1));

/**
 * Locks over a given model (the default connection's below). Only an insert with a unique
 * `_id` is atomic on the embedded database (a conditional delete reads, then deletes by
 * `_id`), so the protocol never relies on a conditional write:
 * - take: insert `name`; whoever's insert lands holds it;
 * - take over an expired acquisition T: first insert the claim `name~T` (one winner per T);
 *   only that winner deletes `name`, and it can only be T then: nobody else may delete an
 *   expired lock, and no one can insert while T is there;
 * - release: the holder deletes its own token, and only while it has not expired (after
 *   that a taker may be deleting it; the lock simply expires).
 */
export function locksOn(model: mongoose.Model<LockDoc>): Locks {
  async function insert(name: string, token: string, until: Date): Promise<boolean> {
    try {
      await model.create({ _id: name, name, holder: token, until });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }
  async function takeOver(name: string, held: LockDoc, now: Date): Promise<boolean> {
    const claim = `${name}~${held.holder}`;
    if (!(await insert(claim, 'takeover', new Date(now.getTime() + CLAIM_KEEP_MS)))) return false;
    await model.deleteOne({ _id: name });
    // Old claims go now and then (takeovers are rare: a holder crashed or overran).
    await model.deleteMany({ _id: { $regex: '~' }, until: { $lt: now } }).catch(() => undefined);
    return true;
  }
  return {
    async tryLock(name, holder, ttlMs, now = new Date()) {
      const until = new Date(now.getTime() + ttlMs);
      const token = tokenOf(holder, until);
      if (await insert(name, token, until)) return token;
      const held = await model.findOne({ _id: name }).lean<LockDoc>();
      if (!held || held.until.getTime() >= now.getTime()) return null;
      if (!(await takeOver(name, held, now))) return null;
      return (await insert(name, token, until)) ? token : null;
    },
    async unlock(name, token, now = new Date()) {
      if (!(untilOf(token) - now.getTime() > RELEASE_MARGIN_MS)) return;
      await model.deleteOne({ _id: name, holder: token });
    },
    async releaseLeftBy(name, holder, now = new Date()) {
      const held = await model.findOne({ _id: name }).lean<LockDoc>();
      if (!held?.holder.startsWith(`${holder}:`)) return;
      if (held.until.getTime() < now.getTime()) await takeOver(name, held, now);
      else await model.deleteOne({ _id: name, holder: held.holder });
    },
  };
}

const defaultLocks = locksOn(LockModel);

/** Take the lock `name` for ttlMs on the service's connection: a token, or null. */
export const tryLock: Locks['tryLock'] = (name, holder, ttlMs, now) => defaultLocks.tryLock(name, holder, ttlMs, now);
/** Release `name` if `token` (from tryLock) still holds it. */
export const unlock: Locks['unlock'] = (name, token, now) => defaultLocks.unlock(name, token, now);
/** Release `name` if a crashed earlier run of `holder` left it (operator commands only). */
export const releaseLeftBy: Locks['releaseLeftBy'] = (name, holder, now) => defaultLocks.releaseLeftBy(name, holder, now);
