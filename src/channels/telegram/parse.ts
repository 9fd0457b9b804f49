/**
 * Telegram Update → Inbound. req.body is the RAW request body (a Buffer): the generic
 * webhook handler does not parse JSON, so each adapter reads its own wire format.
 *
 * Only private chats are served: the hotline talks to one person at a time, and a
 * group or channel would expose what they write to others. Edited messages, channel
 * posts and every other update kind are valid but irrelevant ("ignored", 200).
 */
import type { Inbound, ParseResult } from '../types';

/** Message fields that carry media we cannot read (we answer "please type"). */
const MEDIA_FIELDS = ['voice', 'audio', 'sticker', 'photo', 'document', 'video', 'video_note', 'animation', 'contact', 'location'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Read the raw body as JSON; undefined when it is not JSON. */
export function readJson(body: unknown): unknown {
  try {
    if (Buffer.isBuffer(body)) return JSON.parse(body.toString('utf8'));
    if (typeof body === 'string') return JSON.parse(body);
    if (isObj(body)) return body; // already parsed (unit tests, or a JSON parser mounted upstream)
  } catch {
    return undefined;
  }
  return undefined;
}

/** Check a chat object; returns field errors, or the chat id and type. */
function readChat(chat: unknown, where: string): { errors: string[] } | { id: string; type: string } {
  if (!isObj(chat)) return { errors: [`${where}.chat: required object`] };
  const errors: string[] = [];
  if (!isInt(chat.id)) errors.push(`${where}.chat.id: required integer`);
  if (typeof chat.type !== 'string') errors.push(`${where}.chat.type: required string`);
  return errors.length ? { errors } : { id: String(chat.id), type: chat.type as string };
}

/** Parse one Telegram Update (already JSON-decoded). */
export function parseTelegramUpdate(update: unknown, now: Date = new Date()): ParseResult {
  if (!isObj(update)) return { kind: 'invalid', errors: ['body: expected a JSON object (Telegram Update)'] };
  if (!isInt(update.update_id)) return { kind: 'invalid', errors: ['update_id: required integer'] };
  const updateId = String(update.update_id);

  if ('message' in update) {
    const m = update.message;
    if (!isObj(m)) return { kind: 'invalid', errors: ['message: required object'] };
    const errors: string[] = [];
    if (!isInt(m.message_id)) errors.push('message.message_id: required integer');
    if (!isInt(m.date)) errors.push('message.date: required integer');
    const chat = readChat(m.chat, 'message');
    if ('errors' in chat) errors.push(...chat.errors);
    if (m.text !== undefined && typeof m.text !== 'string') errors.push('message.text: must be a string');
    if (errors.length || 'errors' in chat) return { kind: 'invalid', errors };
    if (chat.type !== 'private') return { kind: 'ignored', reason: 'not a private chat' };
    const base = {
      channel: 'telegram' as const, channelUserId: chat.id, updateId,
      messageId: String(m.message_id), at: new Date((m.date as number) * 1000),
    };
    if (typeof m.text === 'string') {
      if (m.text.trim() === '') return { kind: 'ignored', reason: 'empty text' };
      return { kind: 'updates', updates: [{ ...base, kind: 'text', text: m.text }] };
    }
    if (MEDIA_FIELDS.some((f) => f in m)) return { kind: 'updates', updates: [{ ...base, kind: 'media' }] };
    return { kind: 'ignored', reason: 'service or unsupported message' };
  }

  if ('callback_query' in update) {
    const q = update.callback_query;
    if (!isObj(q)) return { kind: 'invalid', errors: ['callback_query: required object'] };
    const errors: string[] = [];
    if (typeof q.id !== 'string' || q.id === '') errors.push('callback_query.id: required string');
    if (!isObj(q.from) || !isInt(q.from.id)) errors.push('callback_query.from.id: required integer');
    if (q.data !== undefined && typeof q.data !== 'string') errors.push('callback_query.data: must be a string');
    let chatId: string | undefined;
    let chatType = 'private';
    if (q.message !== undefined) {
      const chat = isObj(q.message) ? readChat(q.message.chat, 'callback_query.message') : { errors: ['callback_query.message: must be an object'] };
      if ('errors' in chat) errors.push(...chat.errors);
      else { chatId = chat.id; chatType = chat.type; }
    }
    if (errors.length) return { kind: 'invalid', errors };
    if (chatType !== 'private') return { kind: 'ignored', reason: 'not a private chat' };
    if (typeof q.data !== 'string' || q.data === '') return { kind: 'ignored', reason: 'callback without data' };
    // In a private chat the chat id equals the user id; an old ("inaccessible") message may lack the chat.
    const channelUserId = chatId ?? String((q.from as Obj).id);
    const inbound: Inbound = {
      channel: 'telegram', channelUserId, updateId, kind: 'choice', payload: q.data, callbackId: q.id as string, at: now,
    };
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
