/**
 * Who may read GET /metrics (live counts, danger detections among them):
 * - with METRICS_TOKEN set: a request carrying `Authorization: Bearer <token>` (compared in
 *   constant time); anything else gets 401;
 * - without it, in development or test: only a request made on this machine (loopback
 *   socket, no proxy header); anything else gets 404;
 * - without it, in production: nobody (404).
 * The socket's address is used, not req.ip, so a forged X-Forwarded-For cannot pass as local.
 */
import type { Request, RequestHandler } from 'express';
import { safeEqual } from '../shared/crypto';
import { registry } from './metrics';

/** The settings that decide access to /metrics. */
export interface MetricsAccess { token?: string; production: boolean }

/** True for 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

function local(req: Request): boolean {
  return isLoopback(req.socket.remoteAddress) && req.get('x-forwarded-for') === undefined && req.get('forwarded') === undefined;
}

function bearer(req: Request): string | null {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m ? m[1]! : null;
}

/** The GET /metrics handler under these settings. */
export function metricsHandler(access: MetricsAccess): RequestHandler {
  return async (req, res) => {
    if (access.token) {
      const given = bearer(req);
      if (given === null || !safeEqual(given, access.token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
    } else if (access.production || !local(req)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };
}
