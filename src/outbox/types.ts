/** The outbox seen from other areas. */

/** A delivery outcome, reported to listeners (the console shows counsellor messages' fate). */
export interface DeliveryEvent {
  outboxId: string;
  pid: string;
  channel: string;
  origin: 'bot' | 'counsellor' | 'system';
  status: 'sent' | 'dead' | 'window_expired';
}

/** Listener registration for delivery outcomes. */
export type DeliveryListener = (e: DeliveryEvent) => void;

/**
 * What the outbox needs to know about a conversation. The conversations area implements it
 * (src/conversations/store.ts) and wiring.ts passes it in: the outbox does not import the
 * conversations area, which enqueues its replies through the outbox.
 */
export interface ConversationRows {
  /** The channel and sealed reply address of a pid's conversation; null when it does not exist (erased, expired). */
  addressOf(pid: string): Promise<{ channel: string; addressSealed: string | null } | null>;
  /** When the person last wrote (for a channel with a reply window); null when unknown. */
  lastInboundAt(pid: string): Promise<Date | null>;
  /** Keep the channel's ids of replies sent, for leave-no-trace deletion (Telegram). */
  keepMessageIds(pid: string, ids: string[], at: Date): Promise<void>;
}
