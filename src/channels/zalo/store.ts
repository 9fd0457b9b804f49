/**
 * The Zalo OA token pair, sealed with FieldCipher (DATA_KEY): one row per OA app. The
 * refresh token is single-use and rotates at each refresh, so losing the newest one means
 * an OA admin must grant consent again in a browser: it is written before it is used.
 */
import { defineModel, Schema } from '../../db/model';
import { inserted } from '../../db/unique';

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
export function insertBootstrapRow(name: string, refreshTokenSealed: string, now: Date): Promise<boolean> {
  return inserted(() => ZaloTokenModel.create({ name, accessTokenSealed: null, refreshTokenSealed, expiresAt: new Date(0), updatedAt: now }));
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

// The refresh lock is the shared exclusive lock (src/locks says why it holds on the embedded
// database): two instances must never spend one refresh token.
export { tryLock, unlock } from '../../locks';
