/**
 * Moving a step's results on: its replies to the outbox and its events to the sinks, then
 * the update to the seen log. A step's replies and events are first saved sealed on the
 * conversation (`pendingSealed`, in the same write as the state: step.ts); the seen row of
 * the update is what says "moved". If the process dies in between, the next step of the
 * person finds pending whose update is not in the seen log and finishes the move first
 * (`finishUnmoved`); the outbox's dedupe keys make a second move harmless.
 */
import type { EngineEvent, Reply } from '../../engine';
import { log } from '../../observability/log';
import type { Outbox, OutboxItem } from '../../outbox';
import type { FieldCipher } from '../../shared/crypto';
import { toOutbound } from '../outbound';
import { ConversationDoc, inboxKey, markSeenRow, seenBefore } from '../store';
import type { EventContext, EventSink } from '../types';

/** The replies and events of one step, kept sealed on the conversation until moved on. */
export interface Pending {
  updateId: string;
  at: string;
  items: { reply: Reply & { deleteMessageIds?: string[] }; priority: 0 | 1 }[];
  events: EngineEvent[];
  lang: string;
  vars: Record<string, string>;
  status: EventContext['status'];
}

/** What moving on needs. */
export interface DeliverDeps { cipher: FieldCipher; outbox: Outbox; sinks: EventSink[] }

/** Move a conversation's pending replies to the outbox and its events to the sinks. */
export async function flush(deps: DeliverDeps, conv: ConversationDoc, recovering = false): Promise<void> {
  const sealed = conv.pendingSealed;
  if (!sealed) return;
  const p = JSON.parse(deps.cipher.open(sealed)) as Pending;
  const items: OutboxItem[] = p.items.map((it, i) => ({
    outbound: toOutbound(it.reply), priority: it.priority, dedupeKey: `${conv.pid}:${p.updateId}:${i}`,
  }));
  await deps.outbox.enqueue(conv.pid, items, { origin: 'bot', receivedAt: new Date(p.at), skipDelivered: recovering, to: conv });
  const ctx: EventContext = {
    pid: conv.pid, channel: conv.channel as EventContext['channel'], lang: p.lang, at: new Date(p.at),
    vars: p.vars, status: p.status, updateId: p.updateId,
  };
  for (const sink of deps.sinks) {
    try {
      await sink.onEvents(ctx, p.events);
    } catch (err) {
      // A sink failing (e.g. the case record) must not stop the person's replies or later updates.
      log.error('event sink failed', { pid: conv.pid, err });
    }
  }
}

/** If the conversation holds pending of an update that never reached the seen log, move it now. */
export async function finishUnmoved(deps: DeliverDeps, conv: ConversationDoc): Promise<void> {
  if (!conv.pendingSealed) return;
  const p = JSON.parse(deps.cipher.open(conv.pendingSealed)) as Pending;
  const key = inboxKey(conv.channel, p.updateId);
  if (recentlySeen.has(key) || await seenBefore(key)) return;
  await flush(deps, conv, true);
  await markSeen(key);
}

/**
 * Keys this process wrote to the seen log lately: the next step of a conversation checks
 * its previous step was moved, and usually this process moved it, so the check is answered
 * here without a query. A miss (another instance, a restart) asks the database.
 */
const recentlySeen = new Set<string>();
const RECENTLY_SEEN_MAX = 20_000;

/** Record an update as processed (idempotent). */
export async function markSeen(key: string): Promise<void> {
  await markSeenRow(key, new Date());
  recentlySeen.add(key);
  if (recentlySeen.size > RECENTLY_SEEN_MAX) recentlySeen.delete(recentlySeen.values().next().value as string);
}
