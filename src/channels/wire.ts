/**
 * Reading a webhook's raw body, shared by the channels' parse.ts (Telegram, Zalo, Messenger):
 * the body arrives as a Buffer because signatures are over its exact bytes.
 */
import type { z } from 'zod';

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read the raw body as JSON; undefined when it is not JSON. An object given as is (a unit test) is returned unchanged. */
export function readJson(body: unknown): unknown {
  try {
    if (Buffer.isBuffer(body)) return JSON.parse(body.toString('utf8'));
    if (typeof body === 'string') return JSON.parse(body);
  } catch {
    return undefined;
  }
  return isObj(body) ? body : undefined;
}

/** Field errors of a zod check, each named by its path under `where`: "message.chat.id: Invalid input…". */
export function fieldErrors(where: string, e: z.ZodError): string[] {
  return e.issues.map((i) => `${[where, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`);
}
