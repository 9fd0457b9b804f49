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
