/**
 * The Zalo OA token pair, sealed with FieldCipher (DATA_KEY): one row per OA app. The
 * refresh token is single-use and rotates at each refresh, so losing the newest one means
 * an OA admin must grant consent again in a browser: it is written before it is used.
 */
import { defineModel, Schema } from '../../db/model';

/** A stored token pair. Both tokens are sealed; expiresAt is the access token's expiry. */
export interface ZaloTokenDoc {
  name: string;
  accessTokenSealed: string | null;
  refreshTokenSealed: string;
  expiresAt: Date;
  updatedAt: Date;
}

const schema = new Schema<ZaloTokenDoc>({
  name: { type: String, required: true, unique: true },
  accessTokenSealed: { type: String, default: null },
  refreshTokenSealed: { type: String, required: true },
  expiresAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
}, { versionKey: false });

/** Model of the `zalo_tokens` collection. */
export const ZaloTokenModel = defineModel<ZaloTokenDoc>('ZaloToken', 'zalo_tokens', schema);

/** Read the row (lean). */
export async function readTokenRow(name: string): Promise<ZaloTokenDoc | null> {
  return ZaloTokenModel.findOne({ name }).lean<ZaloTokenDoc>();
}

/** Insert the bootstrap row; false when another instance inserted it first. */
export async function insertBootstrapRow(name: string, refreshTokenSealed: string, now: Date): Promise<boolean> {
  try {
    await ZaloTokenModel.create({ name, accessTokenSealed: null, refreshTokenSealed, expiresAt: new Date(0), updatedAt: now });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/**
 * Replace the pair only if the stored refresh token is still the one we spent
 * (compare-and-set on its sealed form). False when the row moved on meanwhile.
 */
export async function swapTokens(
  name: string, oldRefreshSealed: string, next: { accessTokenSealed: string; refreshTokenSealed: string; expiresAt: Date }, now: Date,
): Promise<boolean> {
  const res = await ZaloTokenModel.updateOne({ name, refreshTokenSealed: oldRefreshSealed }, { $set: { ...next, updatedAt: now } });
  return res.modifiedCount === 1;
}

/** A refresh lock row: present while one instance spends the refresh token. */
interface ZaloLockDoc { name: string; holder: string; until: Date }
const lockSchema = new Schema<ZaloLockDoc>({
  name: { type: String, required: true, unique: true },
  holder: { type: String, required: true },
  until: { type: Date, required: true },
}, { versionKey: false });
const ZaloLockModel = defineModel<ZaloLockDoc>('ZaloTokenLock', 'zalo_token_locks', lockSchema);

/**
 * Take the refresh lock. Built on INSERT + the unique index only, because that is the
 * one race the embedded FerretDB resolves atomically: its findOneAndUpdate reads then
 * writes, so two instances can both "take" an expired acquireLease row (seen in tests).
 * An expired lock is removed by its _id (never a newer lock) and the insert retried once.
 */
export async function tryLock(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const insert = async () => {
    try {
      await ZaloLockModel.create({ name, holder, until: new Date(now.getTime() + ttlMs) });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  };
  if (await insert()) return true;
  const held = await ZaloLockModel.findOne({ name }).lean<ZaloLockDoc & { _id: unknown }>();
  if (!held || held.until.getTime() >= now.getTime()) return false;
  await ZaloLockModel.deleteOne({ _id: held._id });
  return insert();
}

/** Release the lock if we still hold it. */
export async function unlock(name: string, holder: string): Promise<void> {
  await ZaloLockModel.deleteOne({ name, holder });
}
