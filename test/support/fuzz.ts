/**
 * A deterministic generator of hostile request bodies for the fuzz tests: wrong types,
 * missing fields, huge strings, deep nesting, invalid UTF-8, emoji and RTL text, and
 * mutations of valid updates. Seeded, so a failure can be replayed: every random choice
 * (the cases and the valid updates they mutate) comes from one seed, printed by the test;
 * `FUZZ_SEED=<seed>` runs the same cases again.
 */
import { randomInt } from 'node:crypto';
import { seeded } from '../../src/engine/seeded';

/** Env name that fixes the fuzz seed (to replay a failure). */
export const FUZZ_SEED_ENV = 'FUZZ_SEED';

/** The run's seed: FUZZ_SEED when set, otherwise a fresh one (so runs explore different cases). */
export function fuzzSeed(given = process.env[FUZZ_SEED_ENV]): number {
  if (given === undefined || given === '') return randomInt(2 ** 31);
  const n = Number(given);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${FUZZ_SEED_ENV} must be a non-negative integer, got '${given}'`);
  return n;
}

/** An independent stream per endpoint, derived from the run's seed (mulberry32 seeds are 32-bit). */
export function streamFor(seed: number, name: string): () => number {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return seeded(h);
}

const KEYS = ['update_id', 'message', 'text', 'chat', 'id', 'from', 'callback_query', 'data', 'message_id', 'date', 'type',
  'event_name', 'sender', 'recipient', 'msg_id', 'timestamp', 'app_id', 'oa_id', 'attachments', 'payload', '$gt', '$where', '__proto__', 'constructor'];
const STRINGS = ['', ' ', 'xin chào', 'cứu tôi', '0', '1', '/start', 'thoát', '🆘🙏🏽👩‍👧', 'مرحبا بالعالم', 'שלום', '\u202Eevil', '\u0000', '\uFFFF', 'a'.repeat(5000), '{"$gt":""}', 'user_send_text', 'private', '${jndi}', '<script>alert(1)</script>'];

/** A random JSON-ish value of bounded size. */
function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * 9);
  if (depth > 4) return STRINGS[Math.floor(r() * STRINGS.length)];
  switch (k) {
    case 0: return null;
    case 1: return Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1);
    case 2: return r() < 0.5;
    case 3: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 4: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    case 5: return { $gt: '' };
    case 6: return 1.5e308 * (r() < 0.5 ? 1 : -1);
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]!] = value(r, depth + 1);
      return o;
    }
  }
}

/** Deeply nested arrays/objects (JSON parsers and recursive code must survive them). */
function deep(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

/** One generated request: raw bytes and a content type. */
export interface FuzzCase { body: Buffer; contentType: string; label: string }

/** Generate case number i (deterministic for a seed). `valid` gives well-formed updates to mutate. */
export function fuzzCase(r: () => number, i: number, valid: () => Record<string, unknown>): FuzzCase {
  const kind = i % 12;
  const json = (v: unknown, label: string, ct = 'application/json'): FuzzCase => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), contentType: ct, label });
  switch (kind) {
    case 0: return json(value(r, 0), 'random value');
    case 1: { // a valid update with one field replaced by garbage
      const v = valid();
      const keys = Object.keys(v);
      const target = keys[Math.floor(r() * keys.length)]!;
      v[target] = value(r, 2);
      return json(v, 'mutated field');
    }
    case 2: { // a valid update with nested fields removed
      const v = JSON.parse(JSON.stringify(valid())) as Record<string, Record<string, unknown>>;
      for (const k of Object.keys(v)) if (v[k] && typeof v[k] === 'object') for (const kk of Object.keys(v[k]!)) if (r() < 0.4) delete v[k]![kk];
      return json(v, 'missing fields');
    }
    case 3: return { body: Buffer.from(deep(1000 + Math.floor(r() * 5000))), contentType: 'application/json', label: 'deep nesting' };
    case 4: return { body: Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), contentType: 'application/json', label: 'invalid utf-8' };
    case 5: { // a valid update with emoji / RTL / control text
      const v = valid() as Record<string, unknown>;
      const text = STRINGS[Math.floor(r() * STRINGS.length)]!;
      return json(JSON.parse(JSON.stringify(v).replace(/"text":"[^"]*"/, `"text":${JSON.stringify(text)}`)), 'odd text');
    }
    case 6: return { body: Buffer.from('x'.repeat(Math.floor(r() * 400_000))), contentType: 'text/plain', label: 'huge string' };
    case 7: return { body: Buffer.from('update_id=1&message=hi'), contentType: 'application/x-www-form-urlencoded', label: 'wrong content type' };
    case 8: return { body: Buffer.from(JSON.stringify(valid()).slice(0, Math.floor(r() * 60))), contentType: 'application/json', label: 'truncated JSON' };
    case 9: return json(valid(), 'valid');
    case 10: return { body: Buffer.from(String(Math.floor(r() * 1e9))), contentType: 'application/json', label: 'bare number' };
    default: return json([valid(), valid()], 'array of updates');
  }
}
