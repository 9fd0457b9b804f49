/**
 * Redaction of log records (DESIGN safety rule 2): whatever field it hides in, no message
 * text, chat/user id, phone number, e-mail address or token reaches a log line.
 * Two passes: fields whose NAME says they are private are replaced whole; every other
 * string is scanned for phone numbers, e-mails and token shapes.
 */

/** Field names whose values are always private, whatever they contain. Compared case-insensitively. */
const PRIVATE_KEYS = new Set([
  'text', 'body', 'payload', 'message_text', 'caption', 'note', 'content',
  'chatid', 'chat_id', 'chat', 'userid', 'user_id', 'channeluserid', 'address', 'from', 'sender', 'recipient',
  'phone', 'phonenumber', 'email', 'name', 'first_name', 'last_name', 'username', 'display_name',
  'token', 'access_token', 'refresh_token', 'secret', 'password', 'authorization', 'cookie', 'set-cookie',
  'x-telegram-bot-api-secret-token', 'x-zevent-signature', 'signature', 'apikey', 'api_key',
]);

/** Field names that are safe and must survive the string scan (the pid is a long hex string). */
const KEEP_KEYS = new Set(['pid', 'caseid', 'requestid', 'reqid', 'level', 'timestamp', 'stack']);

export const REDACTED = '[redacted]';

const PATTERNS: RegExp[] = [
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g, // e-mail
  /\b\d{5,}:[A-Za-z0-9_-]{20,}\b/g, // Telegram bot token
  /\bbot\d+:[A-Za-z0-9_-]+/g, // token inside an API URL path
  /\bbearer\s+\S+/gi,
  /(token|secret|key|password)\s*[=:]\s*\S+/gi,
  /(?:\+?84|\b0)(?:[\s.-]?\d){8,10}\b/g, // Vietnamese phone: 0xxxxxxxxx, +84 …, with spaces, dots or dashes
  /\b\d{7,}\b/g, // long digit runs: chat ids, user ids, other phone forms
  /\b[A-Za-z0-9_-]{40,}\b/g, // opaque secrets and tokens
];

/** Scrub one string. */
export function redactString(s: string): string {
  let out = s;
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** Deep copy of a value with private data removed. Cycles and depth are bounded. */
export function redactValue(value: unknown, key = '', depth = 0): unknown {
  const k = key.toLowerCase();
  if (KEEP_KEYS.has(k)) {
    if (k === 'stack') return typeof value === 'string' ? redactString(value) : value;
    if (typeof value !== 'object' || value === null) return value;
  }
  if (PRIVATE_KEYS.has(k) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[depth]';
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactValue(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [kk, vv] of Object.entries(value)) out[kk] = redactValue(vv, kk, depth + 1);
  return out;
}
