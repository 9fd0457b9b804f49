/**
 * Telegram Update → Inbound. req.body is the RAW request body (a Buffer): the webhook route
 * does not parse JSON, so each adapter reads its own wire format. The fields we use are
 * checked with zod; an error names the field ("message.chat.id: …").
 *
 * Only private chats are served: the hotline talks to one person at a time, and a
 * group or channel would expose what they write to others. Edited messages, channel
 * posts and every other update kind are valid but irrelevant ("ignored", 200).
 */
import { z } from 'zod';
import type { Inbound, ParseResult } from '../types';
import { fieldErrors, isObj, readJson } from '../wire';

/** Message fields that carry media we cannot read (we answer "please type"). */
const MEDIA_FIELDS = ['voice', 'audio', 'sticker', 'photo', 'document', 'video', 'video_note', 'animation', 'contact', 'location'] as const;

/** Telegram ids and dates are integers (zod's int() also refuses anything beyond 2^53). */
const Int = z.number().int();
const Chat = z.object({ id: Int, type: z.string() });
const Message = z.object({ message_id: Int, date: Int, chat: Chat, text: z.string().optional() });
const CallbackQuery = z.object({
  id: z.string().min(1),
  from: z.object({ id: Int }),
  data: z.string().optional(),
  // An old ("inaccessible") message may lack most fields, but carries its chat.
  message: z.object({ chat: Chat }).optional(),
});

/** Parse one Telegram Update (already JSON-decoded). */
export function parseTelegramUpdate(update: unknown, now: Date = new Date()): ParseResult {
  if (!isObj(update)) return { kind: 'invalid', errors: ['body: expected a JSON object (Telegram Update)'] };
  if (!Int.safeParse(update.update_id).success) return { kind: 'invalid', errors: ['update_id: required integer'] };
  const updateId = String(update.update_id);

  if ('message' in update) {
    const r = Message.safeParse(update.message);
    if (!r.success) return { kind: 'invalid', errors: fieldErrors('message', r.error) };
    const m = r.data;
    if (m.chat.type !== 'private') return { kind: 'ignored', reason: 'not a private chat' };
    const base = {
      channel: 'telegram' as const, channelUserId: String(m.chat.id), updateId,
      messageId: String(m.message_id), at: new Date(m.date * 1000),
    };
    if (m.text !== undefined) {
      if (m.text.trim() === '') return { kind: 'ignored', reason: 'empty text' };
      return { kind: 'updates', updates: [{ ...base, kind: 'text', text: m.text }] };
    }
    if (MEDIA_FIELDS.some((f) => f in (update.message as object))) return { kind: 'updates', updates: [{ ...base, kind: 'media' }] };
    return { kind: 'ignored', reason: 'service or unsupported message' };
  }

  if ('callback_query' in update) {
    const r = CallbackQuery.safeParse(update.callback_query);
    if (!r.success) return { kind: 'invalid', errors: fieldErrors('callback_query', r.error) };
    const q = r.data;
    if ((q.message?.chat.type ?? 'private') !== 'private') return { kind: 'ignored', reason: 'not a private chat' };
    if (q.data === undefined || q.data === '') return { kind: 'ignored', reason: 'callback without data' };
    // In a private chat the chat id equals the user id; an old message may lack the chat.
    const channelUserId = String(q.message?.chat.id ?? q.from.id);
    const inbound: Inbound = { channel: 'telegram', channelUserId, updateId, kind: 'choice', payload: q.data, callbackId: q.id, at: now };
    return { kind: 'updates', updates: [inbound] };
  }

  const known = Object.keys(update).find((k) => k !== 'update_id');
  return { kind: 'ignored', reason: known ? `update kind ${known.slice(0, 40)}` : 'empty update' };
}

/** Parse the raw webhook body. */
export function parseTelegramBody(body: unknown, now: Date = new Date()): ParseResult {
  const json = readJson(body);
  if (json === undefined) return { kind: 'invalid', errors: ['body: not valid JSON'] };
  return parseTelegramUpdate(json, now);
}
