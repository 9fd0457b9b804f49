/**
 * Seams between the conversation pipeline and the areas it drives. The pipeline runs
 * the engine and hands the resulting events to every EventSink (handoff, cases).
 * Sinks must be idempotent: after a crash an update's events may be handed over twice.
 */
import type { ChannelName, ResumeOffer } from '../channels/types';
import type { EngineEvent } from '../engine';

/** How sendTexts sends. */
export interface SendOptions {
  priority?: 0 | 1;
  /** Web chat: the conversation stays reachable with this one-time code (see Outbound.resume). */
  resume?: ResumeOffer;
  /** The last text carries the buttons of the node the person waits at, so they stay on screen. */
  keepOptions?: boolean;
}

/** Handoff status of a conversation. Changed only through handoff/transitions.ts. */
export type ConversationStatus = 'bot' | 'queued' | 'with_counsellor' | 'closed';

/** Context handed with the events of one processed update. */
export interface EventContext {
  pid: string;
  channel: ChannelName;
  lang: string;
  /** When the update arrived (not when it was processed). */
  at: Date;
  /** The conversation's variables after the step (role, ageGroup, province …). */
  vars: Record<string, string>;
  status: ConversationStatus;
  /** Id of the update that caused these events (for idempotent sinks). */
  updateId: string;
}

/** Something that reacts to engine events (handoff queue, case records). */
export interface EventSink {
  onEvents(ctx: EventContext, events: EngineEvent[]): Promise<void>;
}

/** A read-only view of a conversation for other areas (no address, no text). */
export interface ConversationView {
  pid: string;
  channel: ChannelName;
  lang: string;
  status: ConversationStatus;
  vars: Record<string, string>;
  handoff: Record<string, unknown> | null;
  createdAt: Date;
  lastActivityAt: Date;
  blockedUntil: Date | null;
}

/** What the handoff area may do to a conversation. */
export interface ConversationControl {
  get(pid: string): Promise<ConversationView | null>;
  /**
   * Atomic conditional status change: only when the current status is one of `from`.
   * `set` patches the `handoff` sub-document fields (e.g. { 'handoff.caseId': 'c1' }) in the same write.
   * Returns false when the status had already changed (someone else won).
   */
  transition(pid: string, from: ConversationStatus[], to: ConversationStatus, set?: Record<string, unknown>): Promise<boolean>;
  /** Put the person at a flow node as if they had just arrived (engine.enter) and send its replies. */
  enterNode(pid: string, nodeId: string): Promise<void>;
  /** Send texts to the person through the outbox, in order. Returns outbox ids. */
  sendTexts(pid: string, texts: string[], origin: 'bot' | 'counsellor' | 'system', opts?: SendOptions): Promise<string[]>;
  /** Resolve a content text key in the person's language (e.g. 'handoff.counsellor_joined'). */
  textFor(pid: string, key: string, vars?: Record<string, string>): Promise<string>;
  /** Block (bot answers emergency numbers only) until the given time; null lifts it. */
  setBlockedUntil(pid: string, until: Date | null): Promise<void>;
}
