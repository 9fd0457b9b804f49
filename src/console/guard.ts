/**
 * Fail-closed routing for the console (STYLE habit 8). Every route declares a guard:
 * `requireRole(...)` or the explicit `publicRoute`. A request starts unpermitted; only the
 * guard's middleware marks it permitted, and every handler is wrapped so that it refuses
 * to run (403) on a request no guard permitted. Registering a route without a guard throws
 * at start-up. The guard also checks the session's idle time, that the user still exists
 * and is enabled, and the CSRF token on every state-changing request.
 */
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { safeEqual } from '../shared/crypto';
import type { Role } from './store';
import { findUser } from './store';

/** Who may call a route. */
export type Guard = { kind: 'public' } | { kind: 'roles'; roles: Role[] };

/** Anyone, without a session (log-in page, static assets). */
export const publicRoute: Guard = Object.freeze({ kind: 'public' as const });

/** Only a logged-in user with one of these roles. */
export function requireRole(...roles: Role[]): Guard {
  if (roles.length === 0) throw new Error('requireRole needs at least one role');
  return { kind: 'roles', roles };
}

/** Every logged-in role. */
export const anyUser = (): Guard => requireRole('counsellor', 'supervisor', 'manager', 'admin');

/** The logged-in user kept in the session. */
export interface SessionUser { username: string; role: Role }

declare module 'express-session' {
  interface SessionData { user?: SessionUser; csrf?: string; lastActiveAt?: number }
}

/** One registered route, for the route table (and the test that calls every route without a session). */
export interface RouteInfo { method: string; path: string; guard: Guard }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PERMITTED = Symbol('permitted');

/**
 * Shape of every path id (hid, fid, username): letters, digits and `._-`. Anything else
 * (`{"$gt":""}`, `[object Object]`, spaces) is refused with 400 before a handler, so no query
 * ever sees it. Runs after the guard: without a session the answer stays 401/403.
 */
const PATH_ID = /^[A-Za-z0-9._-]{1,64}$/;
const checkParams: RequestHandler = (req, res, next) => {
  for (const v of Object.values(req.params ?? {})) {
    if (typeof v !== 'string' || !PATH_ID.test(v)) { res.status(400).json({ error: 'invalid' }); return; }
  }
  next();
};

/** The logged-in user of a permitted request. */
export function userOf(req: Request): SessionUser {
  const u = req.session?.user;
  if (!u) throw new Error('userOf called on a request without a user');
  return u;
}

/** A router whose routes cannot be registered without a guard. */
export class SafeRouter {
  readonly router: Router = express.Router();
  readonly table: RouteInfo[] = [];

  constructor(private readonly idleMs: number) {}

  get(path: string, guard: Guard, ...h: RequestHandler[]): this { return this.add('get', path, guard, h); }
  post(path: string, guard: Guard, ...h: RequestHandler[]): this { return this.add('post', path, guard, h); }

  /** Mount a sub-router (e.g. reports) behind a guard. */
  use(path: string, guard: Guard, sub: Router | RequestHandler): this {
    this.check(guard, path);
    this.table.push({ method: 'use', path, guard });
    this.router.use(path, this.guardMiddleware(guard), this.refuseUnpermitted, sub);
    return this;
  }

  private add(method: 'get' | 'post', path: string, guard: Guard, handlers: RequestHandler[]): this {
    this.check(guard, path);
    if (handlers.length === 0) throw new Error(`route ${path} has no handler`);
    this.table.push({ method, path, guard });
    this.router[method](path, this.guardMiddleware(guard), checkParams, ...handlers.map((h) => this.wrap(h)));
    return this;
  }

  private check(guard: Guard | undefined, path: string): void {
    if (!guard || (guard.kind !== 'public' && !(guard.kind === 'roles' && guard.roles.length > 0))) throw new Error(`console route ${path} declares no guard`);
  }

  /** Handlers run only when a guard said yes. */
  private wrap(h: RequestHandler): RequestHandler {
    return (req, res, next) => {
      if ((res.locals as Record<symbol, unknown>)[PERMITTED] !== true) { res.status(403).json({ error: 'forbidden' }); return; }
      return h(req, res, next);
    };
  }

  private readonly refuseUnpermitted: RequestHandler = (_req, res, next) => {
    if ((res.locals as Record<symbol, unknown>)[PERMITTED] !== true) { res.status(403).json({ error: 'forbidden' }); return; }
    next();
  };

  private guardMiddleware(guard: Guard): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (guard.kind === 'public') {
        // No CSRF token exists before log-in; a JSON body cannot be sent cross-site without a CORS preflight.
        if (!SAFE_METHODS.has(req.method) && !req.is('application/json')) { res.status(415).json({ error: 'JSON body required' }); return; }
        (res.locals as Record<symbol, unknown>)[PERMITTED] = true;
        return next();
      }
      const s = req.session;
      if (!s?.user) { res.status(401).json({ error: 'not logged in' }); return; }
      const now = Date.now();
      if (s.lastActiveAt && now - s.lastActiveAt > this.idleMs) {
        await new Promise<void>((r) => s.destroy(() => r()));
        res.status(401).json({ error: 'session expired' });
        return;
      }
      const user = await findUser(s.user.username);
      if (!user || user.disabled || user.role !== s.user.role) { res.status(401).json({ error: 'not logged in' }); return; }
      if (!guard.roles.includes(user.role)) { res.status(403).json({ error: 'forbidden' }); return; }
      if (!SAFE_METHODS.has(req.method)) {
        const token = req.get('x-csrf-token') ?? '';
        if (!s.csrf || !token || !safeEqual(token, s.csrf)) { res.status(403).json({ error: 'invalid CSRF token' }); return; }
      }
      // Background refreshes (live updates) do not count as activity for the idle timeout.
      if (req.get('x-background') !== '1') s.lastActiveAt = now;
      (res.locals as Record<symbol, unknown>)[PERMITTED] = true;
      next();
    };
  }
}
