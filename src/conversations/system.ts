/**
 * System paths around the engine that need conversation data the pure engine does not
 * have: "leave no trace" on Telegram. After an exit, the Telegram reply offers to delete
 * the conversation's messages; tapping it makes the bot delete what Telegram allows
 * (its own and the person's messages in a private chat, up to 48 hours old).
 */
import type { Inbound } from '../channels/types';
import type { ConversationState, EngineConfig, FlowSet, Reply, StepResult } from '../engine';
import { text } from '../engine';
import type { ConversationDoc } from './store';

/** Payload of the "delete these messages" button. */
export const DELETE_CHAT_PAYLOAD = 'sys:delete_chat';
const TELEGRAM_DELETE_WINDOW_MS = 48 * 3600_000;

/** Handle a system payload; null when the input is for the engine. */
export function handleSystemPayload(
  flows: FlowSet, _cfg: EngineConfig, conv: ConversationDoc, inbound: Inbound, state: ConversationState,
): StepResult | null {
  if (inbound.kind !== 'choice' || inbound.payload !== DELETE_CHAT_PAYLOAD) return null;
  const cutoff = inbound.at.getTime() - TELEGRAM_DELETE_WINDOW_MS + 60_000;
  const ids = conv.messageIds.filter((m) => new Date(m.at).getTime() > cutoff).map((m) => m.id);
  const reply: Reply & { deleteMessageIds: string[] } = {
    key: 'system.deleted', text: text(flows, state.lang, 'system.deleted'), deleteMessageIds: ids,
  };
  return { state, replies: [reply], events: [] };
}

/** After an exit on Telegram, add the "delete these messages" button to the exit reply. */
export function offerDeletion(flows: FlowSet, channel: Inbound['channel'], lang: string, result: StepResult): StepResult {
  if (channel !== 'telegram' || !result.events.some((e) => e.type === 'exit')) return result;
  const last = result.replies[result.replies.length - 1];
  if (!last) return result;
  const withOffer: Reply = { ...last, options: [...(last.options ?? []), { label: text(flows, lang, 'system.delete_offer'), payload: DELETE_CHAT_PAYLOAD }] };
  return { ...result, replies: [...result.replies.slice(0, -1), withOffer] };
}
