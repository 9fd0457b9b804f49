/**
 * GET /chat/stream: the live stream of replies, as server-sent events.
 *
 * Each reply row is sent once per connection, in seq order, with `id: <seq>` so the
 * browser's EventSource resumes after a drop by sending Last-Event-ID (we also accept
 * ?after=N for a manual reconnect). Resuming after N acknowledges everything up to N.
 * The stream looks for rows only when woken: by a send() on this instance, or by the
 * instance's one notifier (hub.ts) when another instance wrote a reply for this session.
 * It never polls on its own; after a database error it retries with a growing delay.
 */
import type { Request, Response } from 'express';
import { log } from '../../observability/log';
import type { FieldCipher } from '../../shared/crypto';
import type { StreamHandle, StreamHub } from './hub';
import type { WebchatMessage } from './render';
import { ackUpTo, repliesAfter } from './store';

/** Timings of a stream (tests shorten them). */
export interface StreamTimings {
  /** How often the instance's notifier looks for replies written by other instances. */
  pollMs: number;
  heartbeatMs: number;
  /** A stream is closed after this long; the browser reconnects (spreads load across instances). */
  maxLifetimeMs: number;
}

/** Defaults: the notifier looks every 300 ms, a comment every 20 s so proxies keep the connection, recycle after 10 min. */
export const DEFAULT_TIMINGS: StreamTimings = { pollMs: 300, heartbeatMs: 20_000, maxLifetimeMs: 10 * 60_000 };

const BATCH = 50;

/** The seq the browser already has: the larger of Last-Event-ID and ?after. */
export function resumePoint(req: Request): number {
  const fromHeader = Number(req.header('last-event-id') ?? '0');
  const fromQuery = Number(typeof req.query.after === 'string' ? req.query.after : '0');
  const pick = (n: number) => (Number.isSafeInteger(n) && n > 0 ? n : 0);
  return Math.max(pick(fromHeader), pick(fromQuery));
}

/** Serve one live stream until the browser leaves, the stream is recycled, or the hub ends it. */
export function serveStream(req: Request, res: Response, deps: { hub: StreamHub; cipher: FieldCipher; sidHash: string; address: string; timings: StreamTimings }): void {
  const { hub, cipher, sidHash, address, timings } = deps;
  let last = resumePoint(req);
  let closed = false;
  let running = false;
  let again = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store, no-transform');
  res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
  res.flushHeaders();
  res.write('retry: 2000\n\n');

  const write = (chunk: string) => { if (!closed) res.write(chunk); };
  const event = (seq: number | null, msg: WebchatMessage) =>
    `${seq === null ? '' : `id: ${seq}\n`}event: message\ndata: ${JSON.stringify({ seq, ...msg })}\n\n`;

  const schedule = (ms: number) => {
    if (closed) return;
    if (running) { again = true; return; }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { void pump(); }, ms);
  };

  const pump = async () => {
    if (closed) return;
    running = true;
    try {
      for (;;) {
        const rows = await repliesAfter(sidHash, last, BATCH);
        for (const r of rows) {
          if (closed) break;
          try {
            write(event(r.seq, JSON.parse(cipher.open(r.sealed)) as WebchatMessage));
          } catch (err) {
            log.warn('webchat reply unreadable; skipped', { err: (err as Error).message });
          }
          last = r.seq;
        }
        if (rows.length < BATCH || closed) break;
      }
      failures = 0;
    } catch {
      // Database unavailable: keep the stream open (in-memory fallback replies still arrive) and back off.
      failures++;
    }
    running = false;
    if (again) { again = false; schedule(0); return; }
    // No polling: wait to be woken; only a database error brings a retry (with back-off).
    if (failures) schedule(Math.min(5_000, timings.pollMs * 2 ** failures));
  };

  const heartbeat = setInterval(() => write(': ping\n\n'), timings.heartbeatMs);
  const lifetime = setTimeout(() => finish(), timings.maxLifetimeMs);

  const handle: StreamHandle = {
    sidHash,
    address,
    lastSeq: () => last,
    wake: () => schedule(0),
    pushDirect: (msg) => write(event(null, msg)),
    end: () => finish(),
  };

  function finish(): void {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    hub.remove(handle);
    res.end();
  }

  // The response's 'close' (not the request's, which fires once a GET is read) means the browser left.
  res.on('close', finish);
  res.on('error', finish);
  hub.add(handle);
  if (last > 0) void ackUpTo(sidHash, last).catch(() => undefined);
  schedule(0);
}
