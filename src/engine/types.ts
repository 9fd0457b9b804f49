/**
 * The engine's public data shapes. The caller (conversations/) persists ConversationState,
 * sends the Replies and acts on the EngineEvents; the engine itself does no I/O.
 */
import type { DangerKind } from './nlu/corpus';

/** Per-conversation state, persisted by the caller between two inputs. */
export interface ConversationState {
  /** Language of the replies, 'vi' by default. */
  lang: string;
  /** Node id waiting for input; null = fresh, nothing asked yet. */
  node: string | null;
  /** Answers (role, ageGroup, province, …). Keys starting with "_" are engine bookkeeping (paging). */
  vars: Record<string, string>;
  /** Back history of waiting nodes (most recent last). */
  stack: string[];
  /** The privacy notice was shown in this conversation. */
  privacyShown: boolean;
  /** Epoch ms of the previous input, for the inactivity restart. */
  lastActivityAt: number | null;
  /** Set ONLY by the caller (handoff); the engine reads it to relay instead of answering. */
  status: 'bot' | 'queued' | 'with_counsellor';
}

/**
 * Whether a counsellor can take a chat now, as the caller last saw it (handoff keeps a
 * snapshot a few seconds old). The bot says this truth before it asks anything, so it never
 * promises a counsellor who is not there. The handoff service checks again at the request.
 */
export interface LineStatus {
  /** Within the office hours (and not a public holiday). */
  open: boolean;
  /** Counsellors online now. */
  online: number;
  /** People already waiting in the queue. */
  waiting: number;
  /** When the line is closed: when it next opens, in local time (`inDays` 0 = today). */
  opens?: { time: string; inDays: number; date: string } | null;
}

/**
 * The channels the service answers on: the one list (channel adapters, case records, reports
 * and the engine's own channel-specific wording all take it from here).
 */
export const CHANNELS = ['telegram', 'zalo', 'messenger', 'webchat'] as const;
/** A channel's name. */
export type ChannelName = (typeof CHANNELS)[number];

/** One thing the person did. @example { kind: 'text', text: 'chào', channel: 'zalo' } */
export interface EngineInput {
  kind: 'text' | 'choice' | 'media';
  text?: string;
  payload?: string;
  channel: ChannelName;
  /** The counsellor line now; absent when the caller does not know (the request then decides). */
  line?: LineStatus;
}

/** Settings the caller passes in; the hotline number is never invented, only configured. */
export interface EngineConfig {
  hotlineNumber?: string;
  /** How long a counsellor's sealed case note is kept (the consent says it; its line is dropped when unset). */
  caseNoteDays?: number;
  /** How long a conversation's state is kept after the last message (the privacy notice says it). */
  retentionDays?: number;
  inactivityMs: number;
  defaultLang: string;
}

/** A button offered with a reply; payload is short ASCII (≤ 64 bytes, Telegram's limit). */
export interface ReplyOption {
  label: string;
  payload: string;
}

/** One message to send. `key` names the text it came from (tests and transcripts assert on it). */
export interface Reply {
  key: string;
  text: string;
  options?: ReplyOption[];
  emergency?: boolean;
  /** The person left (exit): a channel that can (web chat) ends the session and leaves no trace. */
  exit?: boolean;
  /** The person's data was erased: the caller keeps no trace of this reply's delivery (no message id). */
  forget?: boolean;
}

/** What happened, for case metadata and handoff. Never carries text except `relay`. */
export type EngineEvent =
  | { type: 'danger'; rule: string; kind: DangerKind }
  | { type: 'topic'; topic: string }
  | { type: 'province'; province: string }
  | { type: 'referral'; province: string; categories: string[] }
  | { type: 'answer'; name: 'role' | 'ageGroup' | 'gender' | 'province'; value: string }
  | { type: 'handoff_requested'; answers: Record<string, string> }
  /** A counsellor was asked for while none could take the chat: the truth was said instead. */
  | { type: 'line_unavailable'; why: 'closed' | 'nobody' }
  | { type: 'handoff_cancel' }
  | { type: 'relay'; text: string }
  | { type: 'safe_time'; value: string }
  | { type: 'feedback'; value: 'helped' | 'not_helped' | 'skipped' }
  | { type: 'language'; lang: string }
  | { type: 'exit' }
  /** The person confirmed "erase my data": the caller deletes everything kept under the pid, at once. */
  | { type: 'erase' }
  | { type: 'error'; code: string }
  /** Free text understood and answered by its meaning (a topic page, a greeting). */
  | { type: 'understood'; intent: string }
  /** Free text the bot could not place: acknowledged, menu and counsellor offered (counted, never stored). */
  | { type: 'not_understood' }
  /** Free text with two or three likely meanings: a clarifying question was asked. */
  | { type: 'clarify'; topics: string[] };

/** The result of one step: the next state, what to send, what happened. */
export interface StepResult {
  state: ConversationState;
  replies: Reply[];
  events: EngineEvent[];
}

/** Answer names that are reported as `answer` events (case metadata, bucketed values only). */
export const ANSWER_NAMES = ['role', 'ageGroup', 'gender', 'province'] as const;
