/**
 * Zalo OA webhook signature. Header X-ZEvent-Signature; by default
 * 'mac=' + hex(sha256(appId + rawBody + timestamp + oaSecretKey)), a plain SHA-256 of the
 * concatenation (not an HMAC), with `timestamp` read from the body.
 *
 * Public sources disagree on the details (reference/channels.md 2.a.4, open question 1),
 * so the variant is a setting (ZALO_SIGNATURE_VARIANT):
 *  - mac_appid   (default) 'mac=' prefix, app id first;
 *  - plain_appid the bare hex digest, app id first;
 *  - mac_oaid    'mac=' prefix, the OA id from the body first instead of the app id.
 * On a mismatch we check whether another variant would have matched and log that (no
 * secrets, no body), so an operator can fix the setting on the live OA.
 *
 * The freshness window on `timestamp` (ZALO_EVENT_MAX_AGE_MINUTES) is applied in parse.ts:
 * msg_id dedupe covers only the 3 days the seen log is kept, so an older signed event
 * replayed would otherwise be processed again.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { log } from '../../observability/log';
import { safeEqual } from '../../shared/crypto';
import { isObj, readJson } from '../wire';

/** Signature variants (see above). */
export type ZaloSignatureVariant = 'mac_appid' | 'plain_appid' | 'mac_oaid';
const VARIANTS: ZaloSignatureVariant[] = ['mac_appid', 'plain_appid', 'mac_oaid'];

/** Header carrying the signature. */
export const ZALO_SIGNATURE_HEADER = 'x-zevent-signature';

/** What verification needs from the config. */
export interface ZaloVerifySettings { appId: string; oaSecret: string; signatureVariant: ZaloSignatureVariant }

/** The OA id in an event: `oa_id` (follow…), the recipient of user events, the sender of oa_* echoes. */
function oaIdOf(body: Record<string, unknown>): string {
  if (typeof body.oa_id === 'string') return body.oa_id;
  const event = typeof body.event_name === 'string' ? body.event_name : '';
  const side = (event.startsWith('oa_') ? body.sender : body.recipient) as { id?: unknown } | undefined;
  return typeof side?.id === 'string' ? side.id : '';
}

/** The expected header value for a raw body under a variant. */
export function zaloSignature(variant: ZaloSignatureVariant, s: { appId: string; oaSecret: string }, raw: Buffer, body: Record<string, unknown>): string {
  const timestamp = typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : '';
  const first = variant === 'mac_oaid' ? oaIdOf(body) : s.appId;
  const hex = createHash('sha256').update(first).update(raw).update(timestamp).update(s.oaSecret).digest('hex');
  return variant === 'plain_appid' ? hex : `mac=${hex}`;
}

/** True when the request's signature matches the configured variant (constant-time compare). */
export function verifyZalo(req: Request, s: ZaloVerifySettings): boolean {
  const given = req.header(ZALO_SIGNATURE_HEADER);
  if (typeof given !== 'string' || given.trim() === '') return false;
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const json = readJson(raw);
  const body = isObj(json) ? json : {};
  const sig = given.trim().toLowerCase();
  if (safeEqual(sig, zaloSignature(s.signatureVariant, s, raw, body))) return true;
  const other = VARIANTS.find((v) => v !== s.signatureVariant && safeEqual(sig, zaloSignature(v, s, raw, body)));
  if (other) log.warn('zalo signature matches another variant; set ZALO_SIGNATURE_VARIANT', { configured: s.signatureVariant, matching: other });
  return false;
}
