/**
 * Danger never waits (DESIGN rule 8, issue 16). When an update is received, before it is
 * recorded or queued behind anyone, its text gets the engine's danger check (pure, in
 * memory). Danger: the emergency reply of the right kind (self, child, someone seen) goes
 * out at once through the outbox's priority lane, ahead of any backlog, with no database
 * and no lock (a crashed instance's lock on the person delays nothing). The message is
 * then recorded and processed in order like any other; its step leaves out the emergency
 * reply the lane delivered, so the person gets it once.
 *
 * Once per person within EMERGENCY_REPEAT_MS through the lane (EmergencyMemory): a channel
 * redelivering a refused update during an outage, or a second danger message a moment
 * later, does not repeat it from here; the step of a later danger message still answers
 * with the emergency numbers in its place in the conversation.
 */
import type { Inbound } from '../channels/types';
import type { EngineConfig, FlowSet } from '../engine';
import { dangerOf, emergencyReply } from '../engine';
import { log } from '../observability/log';
import type { Outbox } from '../outbox';
import type { EmergencyMemory } from './emergencyMemory';
import { toOutbound } from './outbound';
import { inboxKey } from './store';

/** What the lane needs. */
export interface DangerLaneDeps {
  flows: FlowSet;
  engineConfig: EngineConfig;
  outbox: Outbox;
  memory: EmergencyMemory;
  /** The person's language when this instance knows it (else the default). */
  langOf(pid: string): string | undefined;
}

/** The check at receipt and the early emergency reply. */
export class DangerLane {
  constructor(private readonly deps: DangerLaneDeps) {}

  /** Check a received update; on danger start the emergency reply (not awaited). True when it reads as danger. */
  onReceived(pid: string, inbound: Inbound): boolean {
    if (!inbound.text) return false;
    const { flows, engineConfig, outbox, memory } = this.deps;
    const { danger, kind } = dangerOf(flows.nlu, inbound.text);
    if (!danger) return false;
    if (!memory.claim(pid)) {
      log.info('emergency reply sent a moment ago; the step answers this one in order', { pid, channel: inbound.channel });
      return true;
    }
    const reply = emergencyReply(flows, this.deps.langOf(pid) ?? engineConfig.defaultLang, engineConfig, kind);
    const sending = outbox.sendNow(inbound.channel, pid, inbound.channelUserId, toOutbound(reply))
      .catch((err) => { log.error('emergency reply by the priority lane failed', { pid, channel: inbound.channel, err }); return false; })
      .then((ok) => {
        if (!ok) memory.release(pid); // the step's own emergency reply goes out instead
        return ok;
      });
    memory.track(inboxKey(inbound.channel, inbound.updateId), sending);
    return true;
  }

  /** True when the lane delivered this update's emergency reply (waits for a send in flight). */
  answered(inbound: Pick<Inbound, 'channel' | 'updateId'>): Promise<boolean> {
    return this.deps.memory.answered(inboxKey(inbound.channel, inbound.updateId));
  }
}
