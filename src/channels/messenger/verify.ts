/**
 * Messenger webhook authentication. Meta signs every POST with the app secret:
 * X-Hub-Signature-256: 'sha256=' + hex(HMAC-SHA256(appSecret, rawBody)), over the exact
 * bytes received (a re-serialised JSON would not match). The subscription handshake (GET)
 * proves we know the verify token we typed into the app's webhook settings.
 */
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import { safeEqual } from '../../shared/crypto';

/** Header carrying the body's signature. */
export const MESSENGER_SIGNATURE_HEADER = 'x-hub-signature-256';

/** The header value Meta sends for a raw body. */
export function messengerSignature(appSecret: string, raw: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/**
 * True when the request's signature matches (constant-time: safeEqual hashes both sides,
 * so neither the expected value nor its length leaks through timing). Missing = mismatch.
 */
export function verifyMessenger(req: Request, appSecret: string): boolean {
  const given = req.header(MESSENGER_SIGNATURE_HEADER);
  if (typeof given !== 'string' || given.trim() === '') return false;
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return safeEqual(given.trim().toLowerCase(), messengerSignature(appSecret, raw));
}

/** What the GET handshake comes to: the challenge to echo, or the HTTP status of a refusal. */
export type HandshakeResult = { ok: true; challenge: string } | { ok: false; status: 400 | 403 };

/**
 * The subscription handshake: `hub.mode=subscribe`, our verify token, and a challenge we echo.
 * The challenge is echoed only when it is a plain token (Meta sends digits), never markup.
 */
export function messengerHandshake(query: Record<string, unknown>, verifyToken: string): HandshakeResult {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (typeof mode !== 'string' || typeof token !== 'string' || typeof challenge !== 'string') return { ok: false, status: 400 };
  if (!/^[A-Za-z0-9_.-]{1,256}$/.test(challenge)) return { ok: false, status: 400 };
  if (mode !== 'subscribe' || !safeEqual(token, verifyToken)) return { ok: false, status: 403 };
  return { ok: true, challenge };
}
