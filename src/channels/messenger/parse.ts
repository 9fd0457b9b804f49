/**
 * Messenger webhook body → Inbound[]. req.body is the RAW body (a Buffer: the signature is
 * over its exact bytes). One POST may carry several entries, each with several messaging
 * events; every person's message becomes one Inbound, in the order Meta sent them.
 *
 * - message with text → text; with a quick_reply → choice (its payload);
 * - message with only attachments (image, voice, sticker, location…) → media ("please type");
 * - postback (Get Started, the persistent menu) → choice;
 * - echoes of the Page's own messages, deliveries, reads, reactions, anything else → ignored
 *   (answering an echo would loop).
 *
 * Ids: a message's `mid` is the update id (redeliveries carry it again). A postback without a
 * `mid` gets a hash of sender, time and payload: never the page-scoped id itself, which is an
 * address and is stored sealed only.
 *
 * Freshness: an event older than the seen log is kept (3 days) could be a replay the dedupe no
 * longer recognises, so it is ignored (answered 200, not processed).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Inbound, ParseResult } from '../types';
import { fieldErrors, isObj, readJson } from '../wire';

/** Events older than this are ignored as replays (under the 3 days the seen log keeps ids). */
export const MESSENGER_EVENT_MAX_AGE_MS = 71 * 3_600_000;
/** The `ignored` reason when every event in a body was stale. */
export const MESSENGER_STALE_EVENT = 'stale event';

const Id = z.string().min(1).max(128);
const Body = z.object({
  object: z.string(),
  entry: z.array(z.object({ messaging: z.array(z.unknown()).optional() })),
});
const MessageEvent = z.object({
  sender: z.object({ id: Id }),
  timestamp: z.number().int().positive().optional(),
  message: z.object({
    mid: Id,
    is_echo: z.boolean().optional(),
    text: z.string().optional(),
    quick_reply: z.object({ payload: z.string().min(1).max(1000) }).optional(),
    attachments: z.array(z.unknown()).optional(),
  }),
});
const PostbackEvent = z.object({
  sender: z.object({ id: Id }),
  timestamp: z.number().int().positive().optional(),
  postback: z.object({ mid: Id.optional(), payload: z.string().min(1).max(1000) }),
});

/** One messaging event → an Inbound, null when it is not a person's message, or errors. */
function parseEvent(ev: unknown, where: string, now: Date): Inbound | null | 'stale' | string[] {
  if (!isObj(ev)) return [`${where}: expected an object`];
  const at = (ts: number | undefined) => (ts !== undefined ? new Date(ts) : now);
  const stale = (ts: number | undefined) => ts !== undefined && now.getTime() - ts > MESSENGER_EVENT_MAX_AGE_MS;
  if (isObj(ev.message)) {
    if (ev.message.is_echo === true) return null;
    const r = MessageEvent.safeParse(ev);
    if (!r.success) return fieldErrors(where, r.error);
    const { sender, timestamp, message: m } = r.data;
    if (stale(timestamp)) return 'stale';
    const base = { channel: 'messenger' as const, channelUserId: sender.id, updateId: m.mid, at: at(timestamp) };
    if (m.quick_reply) return { ...base, kind: 'choice', payload: m.quick_reply.payload };
    if (m.text !== undefined && m.text.trim() !== '') return { ...base, kind: 'text', text: m.text };
    if (m.attachments?.length) return { ...base, kind: 'media' };
    return null;
  }
  if (isObj(ev.postback)) {
    const r = PostbackEvent.safeParse(ev);
    if (!r.success) return fieldErrors(where, r.error);
    const { sender, timestamp, postback: p } = r.data;
    if (stale(timestamp)) return 'stale';
    const updateId = p.mid ?? `pb-${createHash('sha256').update(`${sender.id}\0${timestamp ?? ''}\0${p.payload}`).digest('hex').slice(0, 40)}`;
    return { channel: 'messenger', channelUserId: sender.id, updateId, at: at(timestamp), kind: 'choice', payload: p.payload };
  }
  return null; // delivery, read, reaction, optin, referral…
}

/** Parse the raw webhook body. */
export function parseMessengerBody(body: unknown, now: Date = new Date()): ParseResult {
  const json = readJson(body);
  if (json === undefined) return { kind: 'invalid', errors: ['body: not valid JSON'] };
  const r = Body.safeParse(json);
  if (!r.success) return { kind: 'invalid', errors: fieldErrors('', r.error) };
  if (r.data.object !== 'page') return { kind: 'ignored', reason: `object ${r.data.object.slice(0, 20)}` };
  const updates: Inbound[] = [];
  const errors: string[] = [];
  let staleCount = 0;
  r.data.entry.forEach((entry, i) => {
    (entry.messaging ?? []).forEach((ev, j) => {
      const out = parseEvent(ev, `entry.${i}.messaging.${j}`, now);
      if (Array.isArray(out)) errors.push(...out);
      else if (out === 'stale') staleCount += 1;
      else if (out) updates.push(out);
    });
  });
  if (errors.length) return { kind: 'invalid', errors };
  if (updates.length) return { kind: 'updates', updates };
  return { kind: 'ignored', reason: staleCount ? MESSENGER_STALE_EVENT : 'no messages from people' };
}
