/**
 * Failed log-ins, one inserted row per failure (the throttling policy that reads them is in
 * ../loginThrottle.ts). Inserts, never a read-then-write counter: a counter lost parallel
 * guesses on the embedded database. Rows carry keyed hashes only, never the typed name or
 * the address.
 */
import { defineModel, Schema } from '../../db/model';

/** One failed log-in: where (name + address prefix) and who (name), as keyed hashes. */
export interface FailureDoc { key: string; userKey: string; at: Date }

const failureSchema = new Schema<FailureDoc>({
  key: { type: String, required: true, index: true },
  userKey: { type: String, required: true, index: true },
  at: { type: Date, required: true, index: true },
}, { versionKey: false });
const LoginFailureModel = defineModel<FailureDoc>('LoginFailure', 'console_login_failures', failureSchema);

/** This place's failures after `since`, newest first. */
export async function placeFailuresSince(key: string, since: Date): Promise<FailureDoc[]> {
  return LoginFailureModel.find({ key, at: { $gt: since } }).sort({ at: -1 }).lean<FailureDoc[]>();
}

/** A user's failures after `since`, from every place (place and time only). */
export async function userFailuresSince(userKey: string, since: Date): Promise<Pick<FailureDoc, 'key' | 'at'>[]> {
  return LoginFailureModel.find({ userKey, at: { $gt: since } }, { key: 1, at: 1 }).lean<FailureDoc[]>();
}

/** Count one failure (an insert: never lost to a parallel one). */
export async function insertLoginFailure(keys: { key: string; userKey: string }, at: Date): Promise<void> {
  await LoginFailureModel.create({ ...keys, at });
}

/** Forget every failure from this place. */
export async function deleteFailuresOfPlace(key: string): Promise<void> {
  await LoginFailureModel.deleteMany({ key });
}

/** Forget every failure of this user, from every place. */
export async function deleteFailuresOfUser(userKey: string): Promise<void> {
  await LoginFailureModel.deleteMany({ userKey });
}

/** Retention: delete failures from before `before` (now − FAILURE_WINDOW_MS); returns how many went. */
export async function purgeExpiredLoginFailures(before: Date): Promise<number> {
  return (await LoginFailureModel.deleteMany({ at: { $lt: before } })).deletedCount;
}
