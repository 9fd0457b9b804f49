/**
 * Builds the Express app: security headers, request ids, body limits, health and
 * metrics routes, the area routers given by main.ts, and one error boundary.
 */
import { randomUUID } from 'node:crypto';
import express, { ErrorRequestHandler, Express, RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { pingDatabase } from './db/connect';
import { log } from './observability/log';
import { MetricsAccess, metricsHandler } from './observability/metricsRoute';

/** A router and where to mount it. Webhook routers read their own raw bodies. */
export interface Mount {
  path: string;
  router: Router | RequestHandler;
}

/** Options for building the app. */
export interface AppOptions {
  mounts: Mount[];
  /** Extra readiness condition (e.g. the flow set loaded). */
  isReady?: () => boolean;
  /**
   * Liveness: false when the process cannot serve any more and should be restarted by its
   * orchestrator (the database unreachable for longer than HEALTHZ_DB_DOWN_SECONDS).
   */
  isLive?: () => boolean;
  /** express's "trust proxy" (TRUST_PROXY): off unless a proxy we know sits in front. */
  trustProxy?: false | number | string;
  /** Who may read /metrics (METRICS_TOKEN; default: loopback requests only). */
  metrics?: MetricsAccess;
}

/** Request id: the caller's X-Request-Id when sane, otherwise a fresh one; echoed back. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  const id = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** The single error boundary: log a redacted record, answer without a stack trace. */
const errorBoundary: ErrorRequestHandler = (err, req, res, _next) => {
  const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
  const status = e.status ?? e.statusCode ?? 500;
  if (status >= 500) log.error('request failed', { requestId: res.locals.requestId, path: req.path, err });
  if (res.headersSent) return;
  const message = status === 413 ? 'payload too large'
    : status === 400 && e.type === 'entity.parse.failed' ? 'malformed JSON body'
    : status < 500 && e.expose ? String(e.message) : status < 500 ? 'bad request' : 'internal error';
  res.status(status).json({ error: message, requestId: res.locals.requestId });
};

/** Build the app (no listening here; main.ts or a test does that). */
export function buildApp(opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (opts.trustProxy !== undefined && opts.trustProxy !== false) app.set('trust proxy', opts.trustProxy);
  app.use(requestId);
  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"], 'frame-ancestors': ["'none'"], 'form-action': ["'self'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
  }));

  app.get('/healthz', (_req, res) => {
    const live = opts.isLive?.() ?? true;
    res.status(live ? 200 : 503).json({ status: live ? 'ok' : 'unhealthy' });
  });
  app.get('/readyz', async (_req, res) => {
    const db = await pingDatabase();
    const ready = db && (opts.isReady?.() ?? true);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', database: db ? 'up' : 'down' });
  });
  app.get('/metrics', metricsHandler(opts.metrics ?? { production: false }));

  for (const m of opts.mounts) app.use(m.path, m.router);

  app.use((_req, res) => { res.status(404).json({ error: 'not found' }); });
  app.use(errorBoundary);
  return app;
}
