/**
 * The generic webhook handler every channel route uses: verify → parse → record → 2xx.
 * Three answers for bad input (STYLE habit 4): 401 bad secret/signature, 400 malformed,
 * 200 "ignored" for valid but irrelevant updates; none of them stores anything.
 *
 * Danger never waits: the pipeline's receive() checks every text for danger before it
 * touches the database, and the emergency reply leaves at once by the priority lane
 * (dangerLane.ts), during an outage too; once per person within a few minutes
 * (EmergencyMemory), not once per redelivery.
 *
 * Database outage: recording fails, so we answer 503 and the channel redelivers later.
 * Backlog full (backpressure.ts): 503 with Retry-After, nothing stored; danger is accepted.
 */
import express, { Request, Response, Router } from 'express';
import type { ChannelAdapter, Inbound } from '../channels/types';
import type { EngineConfig, FlowSet } from '../engine';
import { dangerOf } from '../engine';
import { log } from '../observability/log';
import { BacklogFullError } from './backpressure';
import { EmergencyMemory } from './emergencyMemory';
import { metrics } from '../observability/metrics';
import type { ConversationPipeline, ReceiveResult } from './pipeline';

/** Largest webhook body we read; anything bigger is refused with 413 before parsing. */
export const WEBHOOK_BODY_LIMIT = '512kb';

/** What the webhook routes need. */
export interface Ingest {
  pipeline: ConversationPipeline;
  flows: FlowSet;
  engineConfig: EngineConfig;
  /** Who got the emergency reply lately (the same memory as the pipeline's priority lane). */
  emergencies?: EmergencyMemory;
}

/**
 * Record one update (its danger check and emergency reply come first, in receive()). When
 * it cannot be recorded the error is rethrown (the caller answers 503) after a log line
 * without the text.
 */
export async function receiveOrFallback(ingest: Ingest, _adapter: ChannelAdapter, inbound: Inbound): Promise<ReceiveResult> {
  try {
    return await ingest.pipeline.receive(inbound);
  } catch (err) {
    if (err instanceof BacklogFullError) throw err;
    const danger = inbound.text ? dangerOf(ingest.flows.nlu, inbound.text).danger : false;
    log.error('could not record update; channel will redeliver', { channel: inbound.channel, danger, err });
    if (danger) metrics.danger.inc({ channel: inbound.channel });
    throw err;
  }
}

/** Express router for POST /webhooks/<channel>. The body reaches the adapter raw (a Buffer): signatures need the exact bytes. */
export function makeWebhookRouter(ingest: Ingest, adapter: ChannelAdapter): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
    if (!adapter.verify(req)) {
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    let parsed;
    try {
      parsed = adapter.parse(req);
    } catch {
      parsed = { kind: 'invalid' as const, errors: ['unreadable body'] };
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
      for (const u of parsed.updates) await receiveOrFallback(ingest, adapter, u);
    } catch (err) {
      if (err instanceof BacklogFullError) {
        // The channel redelivers later; Retry-After says when (Telegram and Zalo back off anyway).
        res.status(503).set('Retry-After', String(err.retryAfterSeconds)).json({ error: 'busy, retry later' });
        return;
      }
      res.status(503).json({ error: 'temporarily unavailable, retry later' });
      return;
    }
    res.status(200).json({ ok: true });
    for (const u of parsed.updates) {
      if (u.callbackId && adapter.acknowledge) void adapter.acknowledge(u).catch(() => undefined);
    }
  });
  router.all('/', (_req, res) => { res.status(405).json({ error: 'method not allowed' }); });
  return router;
}
