/**
 * Pseudonyms and field encryption (DESIGN safety rule 3).
 * - pid = HMAC-SHA256(PSEUDONYM_KEY, channel + ":" + channelUserId): stable, not reversible.
 * - Channel addresses, live handoff messages and notes are sealed with AES-256-GCM.
 *   The sealed string carries the key id, so a key can rotate: new data uses the
 *   current key, old data is still opened with a previous key listed in DATA_KEYS_PREVIOUS.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The pseudonymous id of a person on a channel. 64 hex chars. */
export function pseudonymousId(pseudonymKey: string, channel: string, channelUserId: string): string {
  return createHmac('sha256', pseudonymKey).update(`${channel}:${channelUserId}`).digest('hex');
}

/** Short id of a key: the first 8 hex chars of its SHA-256. Stored with each ciphertext. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Seals and opens strings with the current key; opens with older keys too. */
export class FieldCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  constructor(keys: Buffer[]) {
    const first = keys[0];
    if (!first) throw new Error('FieldCipher needs at least one key');
    this.current = { id: keyId(first), key: first };
    this.byId = new Map(keys.map((k) => [keyId(k), k]));
  }

  /** "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts). */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', this.current.id, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws if the key is unknown or the data was tampered with. */
  open(sealed: string): string {
    const [v, id, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !id || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed value');
    const key = this.byId.get(id);
    if (!key) throw new Error(`unknown data key id ${id}`);
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}

/**
 * Compare two secrets in constant time. Both are hashed first so that the comparison
 * takes the same time whatever the lengths (timingSafeEqual needs equal lengths, and an
 * early length check would leak the secret's length).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
