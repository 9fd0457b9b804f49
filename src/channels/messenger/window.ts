/**
 * Messenger's messaging window. A Page may answer a person with `messaging_type: RESPONSE`
 * for 24 hours after their last message. After that only a human may answer, with the
 * HUMAN_AGENT tag, up to 7 days, and only when Meta has granted the Page that permission
 * (MESSENGER_HUMAN_AGENT). The bot itself never writes outside the 24 hours. Anything else
 * is not sent at all and comes back to the outbox as window_expired, so a counsellor sees it.
 */
import type { SendContext } from '../types';

/** The standard window. */
export const RESPONSE_WINDOW_HOURS = 24;
/** The human-agent window (counsellors only, with Meta's permission). */
export const HUMAN_AGENT_WINDOW_HOURS = 7 * 24;
/** Margin kept before each limit: the send itself takes time, and Meta's clock decides. */
const MARGIN_MS = 60_000;
const HOUR_MS = 3_600_000;

/** How a reply may go out now, or null when it may not go out at all. */
export type MessagingMode = { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' };

/**
 * Decide the messaging type of one reply.
 * No context: a reply sent straight away to a message just received (emergency fallback), so RESPONSE.
 * @example messagingMode({ origin: 'counsellor', lastInboundAt: thirtyHoursAgo }, now, true) → { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }
 */
export function messagingMode(ctx: SendContext | undefined, now: number, humanAgent: boolean): MessagingMode | null {
  if (!ctx) return { messaging_type: 'RESPONSE' };
  if (!ctx.lastInboundAt) return null;
  const age = now - ctx.lastInboundAt.getTime();
  if (age < RESPONSE_WINDOW_HOURS * HOUR_MS - MARGIN_MS) return { messaging_type: 'RESPONSE' };
  if (humanAgent && ctx.origin === 'counsellor' && age < HUMAN_AGENT_WINDOW_HOURS * HOUR_MS - MARGIN_MS) {
    return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  }
  return null;
}
