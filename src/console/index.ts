/**
 * The counsellor and manager console, mounted by the lead at `/console`:
 *   /console/            the web UI (static files from src/console/static, no CDN, strict CSP)
 *   /console/api/...     the JSON API (session auth, roles, CSRF), SSE at /console/api/events
 *   /console/reports     the reports router (another area), behind requireRole('manager','admin')
 */
import path from 'node:path';
import express, { RequestHandler, Router } from 'express';
import { REPO_ROOT } from '../db/devdb';
import type { FlowSet } from '../engine';
import type { HandoffService } from '../handoff';
import { registerAuthRoutes, sessionMiddleware } from './auth';
import { publicRoute, requireRole, RouteInfo, SafeRouter } from './guard';
import { registerRoutes } from './routes';
import { registerShiftRoutes } from './shiftRoutes';
import { registerSupervisionRoutes } from './supervisionRoutes';
import { registerAlertRoutes } from './alertsRoutes';
import { StreamPresence } from './presence';
import { registerLabelRoutes } from './labelRoutes';
import { createReportsRouter } from '../reports';

export { publicRoute, requireRole, SafeRouter } from './guard';
export type { Guard, RouteInfo, SessionUser } from './guard';
export { addUser, canManage, changePassword, setDisabled, listUsers, unlockUser, verifyLogin, MIN_PASSWORD, ROLES } from './users';
export type { Actor } from './users';
export { addressPrefix, audit, listAudit, typedNameHash } from './audit';
export { forgetPidInAudit } from './store';
// Each kind of console data purges its own rows (the retention job calls them): sessions past
// their expiry, audit entries and handover notes older than `before`, failed log-ins older
// than `before` (purgeLoginFailures(now) applies the throttle's window itself).
export { purgeExpiredAudit, purgeExpiredHandoverNotes, purgeExpiredLoginFailures, purgeExpiredSessions } from './store';
export { purgeLoginFailures } from './loginThrottle';
/** The handover notes' purge under the name the wiring uses. */
export { purgeExpiredHandoverNotes as purgeHandoverNotes } from './store';
export { SESSION_COOKIE } from './auth';

/** Settings the console needs (a subset of Config). */
export interface ConsoleConfig {
  env: string; sessionSecret: string; sessionIdleMs: number; hotlineNumber?: string; reportMinCell?: number; tzReports?: string; loginLimitPerWindow?: number;
  /** Keys the hash of names typed at failed log-ins in the audit log (default: the session secret). */
  pseudonymKey?: string;
  /** Shift handover notes are shown, then deleted, after this many hours (HANDOVER_NOTE_HOURS, default 48). */
  handoverNoteHours?: number;
  /** After the last console tab of a counsellor closed, they go off duty after this long (CONSOLE_PRESENCE_GRACE_SECONDS). */
  presenceGraceMs?: number;
}

/** What the console needs from other areas. */
export interface ConsoleDeps {
  handoff: HandoffService;
  flows?: FlowSet;
  /** Overrides the reports router (default: createReportsRouter from src/reports), mounted at /console/reports for managers and admins. */
  reports?: Router | RequestHandler;
}

/** Where the UI's files live (served as they are; tsc does not copy them). */
export const STATIC_DIR = path.join(REPO_ROOT, 'src', 'console', 'static');

/** Build the console router. `routeTable` lists every route with its guard. */
export function createConsole(cfg: ConsoleConfig, deps: ConsoleDeps): Router & { routeTable: RouteInfo[] } {
  const auditKey = cfg.pseudonymKey ?? cfg.sessionSecret;
  const presence = new StreamPresence(deps.handoff, cfg.presenceGraceMs);
  // Logging out ends presence at once (the switch would otherwise stay on until the tab closes).
  const onLogout = async (u: { username: string; role: string }) => {
    if ((await deps.handoff.presenceOf(u.username)).online) await deps.handoff.setOnline(u.username, u.role, false);
  };
  const auth = { sessionSecret: cfg.sessionSecret, sessionIdleMs: cfg.sessionIdleMs, secureCookies: cfg.env === 'production', loginLimitPerWindow: cfg.loginLimitPerWindow, auditKey, onLogout };
  const api = new SafeRouter(cfg.sessionIdleMs);
  registerAuthRoutes(api, auth);
  registerRoutes(api, { handoff: deps.handoff, flows: deps.flows, hotlineNumber: cfg.hotlineNumber, auditKey, sessionSecret: cfg.sessionSecret, presence, tz: cfg.tzReports });
  registerSupervisionRoutes(api, deps.handoff);
  registerShiftRoutes(api, { flows: deps.flows, handoverNoteHours: cfg.handoverNoteHours ?? 48 });
  registerAlertRoutes(api, { handoff: deps.handoff });
  registerLabelRoutes(api, deps.handoff);

  const top = new SafeRouter(cfg.sessionIdleMs);
  top.get('/', publicRoute, (_req, res) => { res.setHeader('Cache-Control', 'no-store'); res.sendFile(path.join(STATIC_DIR, 'index.html')); });
  top.use('/static', publicRoute, express.static(STATIC_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  const reports = deps.reports ?? createReportsRouter({ reportMinCell: cfg.reportMinCell ?? 5, tzReports: cfg.tzReports ?? 'Asia/Ho_Chi_Minh' });
  top.use('/reports', requireRole('manager', 'admin'), reports);

  const router = express.Router();
  router.use(sessionMiddleware(auth));
  router.use('/api', express.json({ limit: '32kb' }), (_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); }, api.router);
  router.use('/api', (_req, res) => { res.status(404).json({ error: 'not found' }); });
  router.use(top.router);
  const routeTable = [...api.table.map((t) => ({ ...t, path: `/api${t.path}` })), ...top.table];
  return Object.assign(router, { routeTable });
}
