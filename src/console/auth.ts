/**
 * Console log-in: sessions in MongoDB (httpOnly, SameSite=Strict, Secure in production,
 * rolling idle timeout), bcrypt passwords, a rate limit per address, a lockout per account
 * after repeated failures, one generic error message, and a per-session CSRF token that
 * every state-changing request must echo in `X-CSRF-Token`.
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import session from 'express-session';
import { z } from 'zod';
import { audit, auditFailedLogin } from './audit';
import { anyUser, publicRoute, SafeRouter, userOf } from './guard';
import { MongoSessionStore } from './sessionStore';
import { verifyLogin } from './users';

/** Settings of the auth layer. */
export interface AuthConfig {
  sessionSecret: string; sessionIdleMs: number; secureCookies: boolean; loginLimitPerWindow?: number; auditKey: string;
  /** Runs before the session ends (the console ends the user's presence). */
  onLogout?: (u: { username: string; role: string }) => Promise<void>;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'gbv_console';
/** Both fields must be strings: an object ({"$gt": ""}) or an array never reaches a query. */
const LoginBody = z.object({ username: z.string().max(1024), password: z.string().max(4096) });
const GENERIC = 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản tạm bị khoá. / Wrong username or password, or the account is temporarily locked.';

/** The session middleware (mounted on the console router only). */
export function sessionMiddleware(cfg: AuthConfig): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: cfg.sessionSecret,
    store: new MongoSessionStore(cfg.sessionIdleMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: cfg.secureCookies,
    cookie: { httpOnly: true, sameSite: 'strict', secure: cfg.secureCookies, maxAge: cfg.sessionIdleMs, path: '/console' },
  });
}

/** Register log-in, log-out and "who am I" on the console API router. */
export function registerAuthRoutes(r: SafeRouter, cfg: AuthConfig): void {
  // Failed log-ins only: one office behind one public address logs in all day.
  const limiter = rateLimit({
    windowMs: 15 * 60_000, limit: cfg.loginLimitPerWindow ?? 30, standardHeaders: 'draft-8', legacyHeaders: false,
    skipSuccessfulRequests: true,
    message: { error: 'too many attempts, try again later' },
  });

  r.post('/login', publicRoute, limiter, async (req, res) => {
    const body = LoginBody.safeParse(req.body);
    if (!body.success) {
      await auditFailedLogin(cfg.auditKey, 'login_failed', null, req.ip, { malformed: true });
      res.status(400).json({ error: 'username and password must be strings' });
      return;
    }
    const username = body.data.username.trim().slice(0, 64);
    const password = body.data.password.slice(0, 256);
    const v = await verifyLogin(username, password, { address: req.ip ?? 'unknown', secret: cfg.sessionSecret });
    if (!v.ok) {
      await auditFailedLogin(cfg.auditKey, v.locked ? 'login_locked' : 'login_failed', username || null, req.ip);
      // Slowed down: say when to try again (the password was not even checked).
      if (v.retryAfterMs) res.setHeader('Retry-After', String(Math.ceil(v.retryAfterMs / 1000)));
      res.status(401).json({ error: GENERIC });
      return;
    }
    // A fresh session id at log-in: a session id planted before log-in is worthless.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.user = { username, role: v.role };
    req.session.csrf = randomBytes(32).toString('base64url');
    req.session.lastActiveAt = Date.now();
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    await audit(username, 'login');
    res.json({ username, role: v.role, csrfToken: req.session.csrf });
  });

  r.post('/logout', anyUser(), async (req, res) => {
    const u = userOf(req);
    await audit(u.username, 'logout');
    if (cfg.onLogout) await cfg.onLogout(u).catch(() => undefined);
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE, { path: '/console' });
    res.json({ ok: true });
  });

  r.get('/me', anyUser(), (req, res) => {
    const u = userOf(req);
    res.json({ username: u.username, role: u.role, csrfToken: req.session.csrf, idleMs: cfg.sessionIdleMs });
  });
}
