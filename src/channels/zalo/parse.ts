/**
 * Zalo OA webhook event → Inbound. req.body is the RAW body (a Buffer; the signature is
 * over its exact bytes). All Zalo ids are strings and may exceed 2^53: they stay strings.
 *
 * user_send_text → text; other user message events (image, sticker, audio…) → media (the
 * engine answers "please type"); the OA's own oa_send_* echoes, follow/unfollow, seen and
 * received receipts, and anything else → ignored (answering an echo would loop).
 *
 * Freshness: with a window (ZALO_EVENT_MAX_AGE_MINUTES), a user event whose `timestamp` (signed
 * with the body) is older, or missing, is ignored as stale: a signed event replayed after the
 * seen log has been purged (3 days) must not be processed again. It is answered 200 like any
 * ignored event, so Zalo does not retry it.
 */
import { z } from 'zod';
import type { ParseResult } from '../types';
import { fieldErrors, isObj, readJson } from '../wire';

/** User events carrying something we cannot read. */
export const ZALO_MEDIA_EVENTS = new Set([
  'user_send_image', 'user_send_sticker', 'user_send_audio', 'user_send_video', 'user_send_file',
  'user_send_gif', 'user_send_location', 'user_send_link', 'user_send_business_card',
]);

/** The `ignored` reason of an event older than the window. */
export const ZALO_STALE_EVENT = 'stale event';

/** Zalo ids are strings (they may exceed 2^53): never numbers. */
const Id = z.string().min(1);
const MediaEvent = z.object({ sender: z.object({ id: Id }), message: z.object({ msg_id: Id }) });
const TextEvent = z.object({ sender: z.object({ id: Id }), message: z.object({ msg_id: Id, text: z.string() }) });

/** Parse one decoded Zalo event; `maxAgeMs`: the freshness window (none when undefined). */
export function parseZaloEvent(event: unknown, now: Date = new Date(), maxAgeMs?: number): ParseResult {
  if (!isObj(event)) return { kind: 'invalid', errors: ['body: expected a JSON object (Zalo event)'] };
  const name = event.event_name;
  if (typeof name !== 'string' || name === '') return { kind: 'invalid', errors: ['event_name: required string'] };
  const isText = name === 'user_send_text';
  if (!isText && !ZALO_MEDIA_EVENTS.has(name)) return { kind: 'ignored', reason: `event ${name.slice(0, 40)}` };

  const r = (isText ? TextEvent : MediaEvent).safeParse(event);
  if (!r.success) return { kind: 'invalid', errors: fieldErrors('', r.error) };
  const sender = r.data.sender;
  const message: { msg_id: string; text?: string } = r.data.message; // text only on user_send_text (required there)

  const ms = Number(event.timestamp);
  const known = typeof event.timestamp !== 'undefined' && Number.isFinite(ms) && ms > 0;
  if (maxAgeMs !== undefined && (!known || now.getTime() - ms > maxAgeMs)) return { kind: 'ignored', reason: ZALO_STALE_EVENT };
  const at = known ? new Date(ms) : now;
  const base = { channel: 'zalo' as const, channelUserId: sender.id, updateId: message.msg_id, at };
  if (message.text !== undefined) {
    const text = message.text;
    if (text.trim() === '') return { kind: 'ignored', reason: 'empty text' };
    return { kind: 'updates', updates: [{ ...base, kind: 'text', text }] };
  }
  return { kind: 'updates', updates: [{ ...base, kind: 'media' }] };
}

/** Parse the raw webhook body; `maxAgeMs`: the freshness window (none when undefined). */
export function parseZaloBody(body: unknown, now: Date = new Date(), maxAgeMs?: number): ParseResult {
  const json = readJson(body);
  if (json === undefined) return { kind: 'invalid', errors: ['body: not valid JSON'] };
  return parseZaloEvent(json, now, maxAgeMs);
}
