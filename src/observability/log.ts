/**
 * Structured logging (winston). JSON lines in production, readable lines in development.
 * Every record passes through redaction before any transport sees it.
 */
import winston from 'winston';
import { REDACTED, redactString, redactValue } from './redact';

const SYMBOLS = [Symbol.for('level'), Symbol.for('message'), Symbol.for('splat')];

/** winston format that scrubs every field of the record, the message included. */
const redaction = winston.format((info) => {
  for (const [k, v] of Object.entries(info)) {
    if (k === 'level' || k === 'timestamp') continue;
    if (k === 'message') {
      info.message = typeof v === 'string' ? redactString(v) : REDACTED;
      continue;
    }
    (info as Record<string, unknown>)[k] = redactValue(v, k);
  }
  const splat = (info as unknown as Record<symbol, unknown>)[SYMBOLS[2]!];
  if (Array.isArray(splat)) (info as unknown as Record<symbol, unknown>)[SYMBOLS[2]!] = splat.map((v) => redactValue(v));
  return info;
});

/** Extra transports tests attach to capture output (and assert nothing private is in it). */
const extraTransports: winston.transport[] = [];

/** The process-wide logger. Configure once with configureLogger(). */
export const log = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
});

/** Set level and format from config: JSON in production, colourless readable text otherwise. */
export function configureLogger(opts: { level: string; json: boolean; silent?: boolean }): void {
  log.level = opts.level;
  log.format = winston.format.combine(
    redaction(),
    winston.format.timestamp(),
    opts.json ? winston.format.json() : winston.format.printf((i) => {
      const { level, message, timestamp, ...rest } = i;
      const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
      return `${String(timestamp)} ${level} ${String(message)}${extra}`;
    }),
  );
  for (const t of log.transports) if (!extraTransports.includes(t)) t.silent = Boolean(opts.silent);
}

/** Attach a transport (tests capture logs this way). Returns a detach function. */
export function attachTransport(t: winston.transport): () => void {
  extraTransports.push(t);
  log.add(t);
  return () => { log.remove(t); extraTransports.splice(extraTransports.indexOf(t), 1); };
}
