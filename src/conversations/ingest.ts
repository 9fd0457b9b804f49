/**
 * The generic webhook handler every channel route uses: verify → parse → record → 2xx.
 * Three answers for bad input (STYLE habit 4): 401 bad secret/signature, 400 malformed,
 * 200 "ignored" for valid but irrelevant updates; none of them stores anything.
 *
 * Database outage: recording fails, so we answer 503 and the channel redelivers later.
 * But a message that reads as danger gets the emergency numbers at once, sent straight
 * through the adapter from memory: the person must not wait for our database. Once per
 * person within a few minutes (EmergencyMemory), not once per redelivery.
 */
import express, { Request, Response, Router } from 'express';
import type { ChannelAdapter, Inbound } from '../channels/types';
import type { EngineConfig, FlowSet } from '../engine';
import { dangerOf, emergencyReply } from '../engine';
import { log } from '../observability/log';
import { EmergencyMemory } from './emergencyMemory';
import { metrics } from '../observability/metrics';
import { toOutbound } from './outbound';
import type { ConversationPipeline, ReceiveResult } from './pipeline';

/** Largest webhook body we read; anything bigger is refused with 413 before parsing. */
export const WEBHOOK_BODY_LIMIT = '512kb';

/** Everything the fallback needs to answer danger without a database. */
export interface Ingest {
  pipeline: ConversationPipeline;
  flows: FlowSet;
  engineConfig: EngineConfig;
  /** Who got the emergency reply from memory lately; default: one memory for the process. */
  emergencies?: EmergencyMemory;
}

const processEmergencies = new EmergencyMemory();

/**
 * Record one update; if the database is down and the text reads as danger, send the
 * emergency reply directly before rethrowing (the caller then answers 503).
 */
export async function receiveOrFallback(ingest: Ingest, adapter: ChannelAdapter, inbound: Inbound): Promise<ReceiveResult> {
  try {
    return await ingest.pipeline.receive(inbound);
  } catch (err) {
    const danger = inbound.text ? dangerOf(ingest.flows.nlu, inbound.text) : { danger: false, kind: 'self' as const };
    log.error('could not record update; channel will redeliver', { channel: inbound.channel, danger: danger.danger, err });
    if (danger.danger) {
      metrics.danger.inc({ channel: inbound.channel });
      const memory = ingest.emergencies ?? processEmergencies;
      const pid = ingest.pipeline.pidOf(inbound);
      if (memory.claim(pid)) {
        const reply = emergencyReply(ingest.flows, ingest.engineConfig.defaultLang, ingest.engineConfig, danger.kind);
        const sent = await adapter.send(inbound.channelUserId, toOutbound(reply))
          .catch((e) => { log.error('emergency fallback send failed', { channel: inbound.channel, err: e }); return null; });
        if (!sent?.ok) memory.release(pid);
      } else {
        log.info('emergency reply sent from memory a moment ago; not repeated for this redelivery', { channel: inbound.channel });
      }
    }
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
    } catch {
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
