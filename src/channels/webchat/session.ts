/**
 * The web chat session: one person per browser session, known by a random id in a
 * session cookie (no Max-Age, so the browser forgets it when it closes). The id is the
 * channel user id; it is never logged and never stored raw (rows carry a keyed hash).
 *
 * Only ids this server issued are accepted: an id is 32 random bytes and an HMAC of them
 * ("<random>.<mac>"), so an id someone invents (to plant it in a browser they once held and
 * read that person's chat later) is refused, and a fresh one is issued instead.
 *
 * CSRF: the cookie is SameSite=Strict, and every state-changing request must also carry
 * a per-session token (an HMAC of the id, so any instance can check it without storage)
 * and come from our own origin.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { safeEqual } from '../../shared/crypto';

/** Cookie name: neutral on purpose (someone may look at the browser's cookies). */
export const SESSION_COOKIE = 'sid';
/** The cookie lives only under the chat's path. */
export const COOKIE_PATH = '/chat';
/** Header carrying the CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** "<43 random base64url>.<22 base64url of the MAC>". */
const SID_RE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/;

/** Keyed helpers bound to a secret (SESSION_SECRET). */
export class SessionKeys {
  constructor(private readonly secret: string) {}

  /** A fresh session id, signed: 32 random bytes and their MAC. */
  newSessionId(): string {
    const random = randomBytes(32).toString('base64url');
    return `${random}.${this.mac(random)}`;
  }

  /** The session id from the Cookie header, only if this server issued it. */
  readSessionId(req: Request): string | null {
    const value = cookieValue(req);
    const m = value ? SID_RE.exec(value) : null;
    return m && safeEqual(m[2]!, this.mac(m[1]!)) ? value : null;
  }

  private mac(random: string): string {
    return createHmac('sha256', this.secret).update(`webchat-issued:${random}`).digest('base64url').slice(0, 22);
  }

  /** The hash rows are stored under: the raw id never reaches the database. */
  sidHash(sid: string): string {
    return createHmac('sha256', this.secret).update(`webchat-sid:${sid}`).digest('hex');
  }

  /** The hash a resume code is stored under (the code itself is never stored). */
  codeHash(code: string): string {
    return createHmac('sha256', this.secret).update(`webchat-resume:${code}`).digest('hex');
  }

  /** The page's CSRF token for this session. */
  csrfToken(sid: string): string {
    return createHmac('sha256', this.secret).update(`webchat-csrf:${sid}`).digest('base64url');
  }

  /** Constant-time check of a presented token. */
  csrfValid(sid: string, presented: string | undefined): boolean {
    return typeof presented === 'string' && presented.length > 0 && safeEqual(presented, this.csrfToken(sid));
  }
}

/** The session cookie's raw value (no cookie-parser needed for one cookie); checked by SessionKeys. */
function cookieValue(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Cookie attributes. Secure in production (HTTPS); never a Max-Age/Expires: a session cookie. */
function attributes(secure: boolean): string {
  return `Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set the session cookie. */
export function setSessionCookie(res: Response, sid: string, secure: boolean): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${sid}; ${attributes(secure)}`);
}

/** Clear the session cookie (same attributes, expired). */
export function clearSessionCookie(res: Response, secure: boolean): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
}

/**
 * Same-origin check for state-changing requests. Browsers send Origin on every POST made
 * with fetch; a request without it, or from elsewhere, is refused. With PUBLIC_URL set we
 * compare with its origin (the app may sit behind a TLS proxy); otherwise with the Host.
 */
export function sameOrigin(req: Request, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return false;
  let given: URL;
  try { given = new URL(origin); } catch { return false; }
  if (publicUrl) {
    try { return given.origin === new URL(publicUrl).origin; } catch { return false; }
  }
  return typeof req.headers.host === 'string' && given.host === req.headers.host;
}
