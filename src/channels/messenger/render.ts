/**
 * Outbound → Messenger Send API `message` objects. Options become quick replies when
 * Messenger can show them all: at most 13, each title at most 20 characters. The title
 * carries the option's number ("2. Quyền của tôi") because our texts say a number can be
 * typed, as on every channel. If any option does not fit, all of them become numbered lines
 * in the text instead (a partial set of chips would hide choices). Texts over 2,000
 * characters are split; the quick replies ride on the last part.
 */
import { splitText } from '../../shared/splitText';
import type { Outbound } from '../types';

/** Messenger's text limit (characters). */
export const MESSENGER_MAX_TEXT = 2000;
/** Most quick replies one message may carry. */
export const MESSENGER_MAX_QUICK_REPLIES = 13;
/** Longest quick reply title (characters; longer ones are cut by Messenger). */
export const MESSENGER_MAX_QUICK_REPLY_TITLE = 20;
/** Longest quick reply payload (characters). */
const MAX_PAYLOAD = 1000;

/** One quick reply chip. */
export interface QuickReply { content_type: 'text'; title: string; payload: string }
/** The `message` field of a Send API request. */
export interface MessengerMessage { text: string; quick_replies?: QuickReply[] }

/** The chips for these options, or null when they cannot all be shown as chips. */
export function quickRepliesFor(options: Outbound['options']): QuickReply[] | null {
  if (!options?.length || options.length > MESSENGER_MAX_QUICK_REPLIES) return null;
  const chips = options.map((o, i): QuickReply => ({ content_type: 'text', title: `${i + 1}. ${o.label}`.normalize('NFC'), payload: o.payload }));
  const fits = chips.every((c) => [...c.title].length <= MESSENGER_MAX_QUICK_REPLY_TITLE && c.payload.length >= 1 && c.payload.length <= MAX_PAYLOAD);
  return fits ? chips : null;
}

/** Render one Outbound to the messages to send, in order. NFC first: composed letters count once. */
export function renderMessenger(out: Outbound): MessengerMessage[] {
  const chips = quickRepliesFor(out.options);
  let text = out.text;
  if (out.options?.length && !chips) text += '\n\n' + out.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n');
  const parts = splitText(text.normalize('NFC'), MESSENGER_MAX_TEXT).map((t): MessengerMessage => ({ text: t }));
  const last = parts[parts.length - 1];
  if (last && chips) last.quick_replies = chips;
  return parts;
}
