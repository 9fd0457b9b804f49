/**
 * Recording one update for the channels' webhook routes (channels/webhook.ts answers the
 * request: 401, 400, 200 ignored, 503).
 *
 * Danger never waits: the pipeline's receive() checks every text for danger before it
 * touches the database, and the emergency reply leaves at once by the priority lane
 * (dangerLane.ts), during an outage too; once per person within a few minutes
 * (EmergencyMemory), not once per redelivery.
 *
 * Database outage: recording fails, so we answer 503 and the channel redelivers later.
 * Backlog full (backpressure.ts): 503 with Retry-After, nothing stored; danger is accepted.
 */
import type { ChannelAdapter, Inbound } from '../channels/types';
import type { EngineConfig, FlowSet } from '../engine';
import { dangerOf } from '../engine';
import { log } from '../observability/log';
import { BacklogFullError } from './backpressure';
import { EmergencyMemory } from './emergencyMemory';
import { metrics } from '../observability/metrics';
import type { ConversationPipeline, ReceiveResult } from './pipeline';

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
