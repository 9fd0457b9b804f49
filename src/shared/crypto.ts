/**
 * Pseudonyms and field encryption (DESIGN safety rule 3).
 * - pid = HMAC-SHA256(PSEUDONYM_KEY, channel + ":" + channelUserId): stable, not reversible.
 * - Channel addresses, live handoff messages and notes are sealed with AES-256-GCM.
 *   The sealed string carries the key id, so a key can rotate: new data uses the
 *   current key, old data is still opened with a previous key listed in DATA_KEYS_PREVIOUS.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

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

/** Letters and digits nobody confuses when copying by hand (no I, L, O, 0, 1). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A short random code a person can write down: 8 characters in two groups ("K7M4-Q2XP"),
 * 31^8 ≈ 8.5 × 10^11 possibilities (guessing is also rate-limited where it is redeemed).
 */
export function oneTimeCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A code as typed (any case, spaces or dashes) in the canonical form, or null when it cannot be one. */
export function canonicalCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8 || [...s].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
