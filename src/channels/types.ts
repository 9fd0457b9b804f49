/**
 * The channel contract. Only code under src/channels/<name>/ knows a channel's wire
 * format; everything else speaks Inbound and Outbound.
 */
import type { Request } from 'express';

import { CHANNELS, type ChannelName } from '../engine';

/** Channels the service answers on (the list lives with the engine, which every area may read). */
export { CHANNELS };
export type { ChannelName };

/**
 * One thing a person did, parsed from a webhook.
 * @example { channel: 'telegram', channelUserId: '4242', updateId: '10001', kind: 'text', text: 'xin chào', at: new Date() }
 */
export interface Inbound {
  channel: ChannelName;
  /** The channel's own id for the person (Telegram chat id, Zalo user id, Messenger page-scoped id, web chat session id). Never logged. */
  channelUserId: string;
  /** Unique per channel; redeliveries carry the same id, which is how we answer once. */
  updateId: string;
  /** text: typed text; choice: a button tap carrying `payload`; media: voice/sticker/image/file. */
  kind: 'text' | 'choice' | 'media';
  text?: string;
  payload?: string;
  /** Channel message id of the person's message (Telegram), kept only for leave-no-trace deletion. */
  messageId?: string;
  /** Telegram callback query id, to answer the spinner. */
  callbackId?: string;
  at: Date;
}

/** A button offered with a reply. `payload` is short ASCII (Telegram allows 64 bytes). */
export interface OutboundOption {
  label: string;
  payload: string;
}

/** One reply to send. Adapters turn it into the wire format (inline keyboard, numbered lines, web buttons). */
export interface Outbound {
  text: string;
  options?: OutboundOption[];
  /** Delete the bot's earlier messages of this conversation where the channel allows it (Telegram). */
  deleteMessageIds?: string[];
  /** The person used an exit: the web chat page leaves at once (cookie, page and state gone). */
  endsSession?: boolean;
  /** The person erased their data: keep no trace of this delivery (no message id, no delivery mark). */
  forget?: boolean;
  /**
   * A follow-up was promised: a channel that forgets the person when the page closes (web
   * chat) keeps the conversation reachable with this one-time code until `until`. The text
   * already shows the code; other channels ignore this.
   */
  resume?: ResumeOffer;
}

/** A one-time code that reopens a web chat conversation until an instant (ISO 8601). */
export interface ResumeOffer { code: string; until: string }

/** What a send attempt produced; the outbox decides on retries from this. */
export type SendResult =
  | { ok: true; messageIds: string[] }
  | { ok: false; retryable: boolean; retryAfterMs?: number; code: string; windowExpired?: boolean };

/**
 * What the outbox knows about a reply when it sends it, for channels that may only write to a
 * person for a while after their last message (Messenger). Absent when a reply is sent straight
 * away in answer to a message just received (the emergency fallback during a database outage).
 */
export interface SendContext {
  /** Who asked for the reply: a counsellor's words may use a channel's human-agent allowance. */
  origin: 'bot' | 'counsellor' | 'system';
  /** When the person last wrote (their last processed message), if the conversation still exists. */
  lastInboundAt?: Date;
}

/** What parse() makes of a request: updates to process, or a valid but irrelevant request. */
export type ParseResult =
  | { kind: 'updates'; updates: Inbound[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; errors: string[] };

/**
 * How a channel's route hands over what a person did: record it (the pipeline, wrapped by the
 * composition root with the danger fallback) and say whether it was new. Throws when it could
 * not be recorded: the route then answers 503 and the channel redelivers.
 */
export type Receive = (adapter: ChannelAdapter, inbound: Inbound) => Promise<{ status: 'accepted' | 'duplicate' }>;

/** The small interface every channel adapter implements (STYLE habit 3). */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /**
   * How long after the person's last message the channel still lets us write to them (Zalo's
   * reply window, Messenger's 24 h / human-agent 7 days). Absent: no limit (Telegram, web chat).
   * The console shows the time left per case from this.
   */
  readonly replyWindowHours?: number;
  /**
   * The adapter decides itself how to send by the reply window (Messenger: RESPONSE, the
   * human-agent tag, or not at all), so `send` needs a SendContext: the outbox reads the
   * conversation for it (one read by _id per send), only for such adapters.
   */
  readonly needsSendContext?: boolean;
  /** Constant-time check of the secret or signature. False → 401/403, nothing stored. */
  verify(req: Request): boolean;
  parse(req: Request): ParseResult;
  /**
   * Deliver one reply to the address (the decrypted channel user id). `ctx` is given by the
   * outbox for channels with a reply window; a reply outside it is refused as window_expired.
   */
  send(address: string, out: Outbound, ctx?: SendContext): Promise<SendResult>;
  /** Called after a button tap is handled, to stop the client's spinner. Optional. */
  acknowledge?(inbound: Inbound): Promise<void>;
}
