/**
 * The webhook answer every channel's route gives (STYLE habit 4): verify → parse → record →
 * 2xx. Three answers for bad input: 401 bad secret or signature, 400 malformed (with the
 * field errors), 200 "ignored" for a valid but irrelevant update; none of them stores
 * anything. When recording fails (the database is down) the answer is 503 and the channel
 * redelivers later (backlog full: also 503, with Retry-After); `receive` has already sent the emergency numbers if the text reads as
 * danger (conversations/ingest.ts, receiveOrFallback).
 *
 * Each channel mounts it from its own routes.ts, next to its verification and wire quirks.
 */
import express, { Request, Response, Router } from 'express';
import type { ChannelAdapter, ParseResult, Receive } from './types';

/** Largest webhook body we read; anything bigger is refused with 413 before parsing. */
export const WEBHOOK_BODY_LIMIT = '512kb';

/** Express router for POST / (mounted at /webhooks/<channel>). The body reaches the adapter raw (a Buffer): signatures need the exact bytes. */
export function webhookRouter(adapter: ChannelAdapter, receive: Receive): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
    if (!adapter.verify(req)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    let parsed: ParseResult;
    try {
      parsed = adapter.parse(req);
    } catch {
      parsed = { kind: 'invalid', errors: ['unreadable body'] };
    }
    if (parsed.kind === 'invalid') {
      res.status(400).json({ error: 'invalid update', details: parsed.errors.slice(0, 10) });
      return;
    }
    if (parsed.kind === 'ignored') {
      res.status(200).json({ ok: true, ignored: parsed.reason });
      return;
    }
    try {
      for (const u of parsed.updates) await receive(adapter, u);
    } catch (err) {
      // The backlog is full (conversations/backpressure.ts, known here only by its shape):
      // Retry-After says when; Telegram, Zalo and Messenger redeliver and back off anyway.
      const busy = err as { retryAfterSeconds?: number };
      if (typeof busy.retryAfterSeconds === 'number') {
        res.status(503).set('Retry-After', String(busy.retryAfterSeconds)).json({ error: 'busy, retry later' });
        return;
      }
      res.status(503).json({ error: 'temporarily unavailable, retry later' });
      return;
    }
    res.status(200).json({ ok: true });
    // After the answer: stop the client's spinner on a button tap (Telegram), never delaying the 200.
    for (const u of parsed.updates) {
      if (u.callbackId && adapter.acknowledge) void adapter.acknowledge(u).catch(() => undefined);
    }
  });
  router.all('/', (_req, res) => { res.status(405).json({ error: 'method not allowed' }); });
  return router;
}
