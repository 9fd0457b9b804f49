/**
 * The one place that reads process.env. Everything else receives a typed Config.
 * Development gets working defaults; production refuses to start with a missing or
 * default secret (DESIGN safety rule 7).
 */
import { z } from 'zod';
import { secretWeakness } from '../shared/strength';

/** Values that only ever make sense on a developer's machine. Production refuses them. */
export const DEV_DEFAULTS = {
  PSEUDONYM_KEY: 'dev-only-pseudonym-key-change-me',
  DATA_KEY: '0000000000000000000000000000000000000000000000000000000000000000',
  SESSION_SECRET: 'dev-only-session-secret-change-me',
} as const;

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000),
  PUBLIC_URL: optionalText,
  TRUST_PROXY: z.string().default('off'),
  HEALTHZ_DB_DOWN_SECONDS: int(60),
  WEBCHAT_STREAMS_PER_ADDRESS: int(40),
  WEBCHAT_STREAMS_PER_INSTANCE: int(2000),
  DEVDB_MAX_RESTARTS: int(5),
  MONGODB_URI: optionalText,
  MONGODB_POOL_SIZE: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(500).optional()),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  TZ_REPORTS: z.string().default('Asia/Ho_Chi_Minh'),
  DEFAULT_LANGUAGE: z.string().default('vi'),
  PSEUDONYM_KEY: z.string().default(DEV_DEFAULTS.PSEUDONYM_KEY),
  DATA_KEY: z.string().default(DEV_DEFAULTS.DATA_KEY),
  DATA_KEYS_PREVIOUS: z.string().default(''),
  SESSION_SECRET: z.string().default(DEV_DEFAULTS.SESSION_SECRET),
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_WEBHOOK_SECRET: optionalText,
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  ZALO_APP_ID: optionalText,
  ZALO_APP_SECRET: optionalText,
  ZALO_OA_SECRET: optionalText,
  ZALO_REFRESH_TOKEN: optionalText,
  ZALO_API_BASE: z.string().url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.string().url().default('https://oauth.zaloapp.com'),
  ZALO_SIGNATURE_VARIANT: z.enum(['mac_appid', 'plain_appid', 'mac_oaid']).default('mac_appid'),
  // Shorter than the 3 days the seen log keeps update ids (jobs/retention.ts QUEUE_KEEP_DAYS): older replays would pass the dedupe.
  // Hours after the person's last message Zalo still lets the OA write. Public sources disagree
  // (48 h of free replies vs up to 7 days as paid/"consultation" messages): a setting, default 48.
  ZALO_REPLY_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(48),
  ZALO_EVENT_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(3 * 24 * 60 - 1).default(60),
  MESSENGER_PAGE_ACCESS_TOKEN: optionalText,
  MESSENGER_APP_SECRET: optionalText,
  MESSENGER_VERIFY_TOKEN: optionalText,
  // Pinned Graph API version: Meta changes behaviour per version; move it on deliberately.
  MESSENGER_API_BASE: z.string().url().default('https://graph.facebook.com/v24.0'),
  MESSENGER_HUMAN_AGENT: z.enum(['true', 'false']).default('false'),
  WEBCHAT_ENABLED: z.enum(['true', 'false']).default('true'),
  OFFICE_HOURS: z.string().default('Mon-Sun 07:00-22:00'),
  HOLIDAYS_FILE: z.string().default('content/holidays.yaml'),
  HOTLINE_NUMBER: optionalText,
  INACTIVITY_MINUTES: int(60),
  CONVERSATION_RETENTION_DAYS: int(30),
  EPISODE_QUIET_DAYS: int(7),
  REPORT_MIN_CELL: int(5),
  CASELOAD_LIMIT: int(3),
  HANDOFF_WAIT_LIMIT_MINUTES: int(10),
  HANDOFF_IDLE_MINUTES: int(30),
  CASE_NOTE_RETENTION_DAYS: int(90),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  FOLLOWUP_DAYS: int(3),
  WRAPUP_MINUTES: int(2),
  HANDOVER_NOTE_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(48),
  WEBCHAT_REPLY_MAX_AGE_MINUTES: int(15),
  WEBCHAT_SESSION_IDLE_DAYS: int(7),
  SESSION_IDLE_MINUTES: int(30),
  CONSOLE_PRESENCE_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(45),
  OUTBOX_MAX_ATTEMPTS: int(8),
  TELEGRAM_MAX_PER_SECOND: int(28),
  INBOX_BACKLOG_MAX: z.coerce.number().int().min(1).default(5_000),
  INBOX_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  METRICS_TOKEN: optionalText,
});

/** Typed configuration, built once in main.ts (or per test) and passed down. */
/** express's "trust proxy": off, a number of hops, or addresses/subnets/names it may trust. */
export type TrustProxy = false | number | string;

/**
 * TRUST_PROXY: "off" (default: X-Forwarded-For is ignored, the socket address counts), a hop
 * count ("1": one proxy in front), or a comma-separated list of addresses, subnets or
 * express's names (loopback, linklocal, uniquelocal). With no proxy in front, trusting the
 * header would let anyone bypass every per-address limit with a made-up address.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
  const ok = (p: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(p) || /^[0-9a-f.:]+(\/\d{1,3})?$/.test(p);
  if (parts.length === 0 || !parts.every(ok)) throw new Error(`TRUST_PROXY: cannot read '${value}' (off, a hop count, or addresses/subnets such as 10.0.0.0/8, loopback)`);
  return parts.join(',');
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  publicUrl?: string;
  /** Which proxies may tell us the client's address (X-Forwarded-For): false, a hop count, or addresses. */
  trustProxy: TrustProxy;
  /** Open web chat streams allowed per client address and per instance. */
  webchatStreamCaps: { perAddress: number; perInstance: number };
  /** /healthz fails once the database has been unreachable this long. */
  healthzDbDownMs: number;
  /** The embedded database is restarted this many times in a row after dying. */
  devdbMaxRestarts: number;
  mongoUri?: string;
  /** Connections to the database; unset: 20 for MongoDB, 4 for the embedded one (see db/connect.ts). */
  mongoPoolSize?: number;
  dataDir: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  tzReports: string;
  defaultLanguage: string;
  pseudonymKey: string;
  /** Current 32-byte data key first, then older keys still accepted for decryption. */
  dataKeys: Buffer[];
  sessionSecret: string;
  telegram?: { token: string; webhookSecret: string; apiRoot: string };
  zalo?: {
    appId: string; appSecret: string; oaSecret: string; refreshToken?: string;
    apiBase: string; oauthBase: string; signatureVariant: 'mac_appid' | 'plain_appid' | 'mac_oaid';
    /** Events whose signed timestamp is older are answered 200 and not processed. */
    eventMaxAgeMs: number;
    /** Hours after the person's last message we may still write (ZALO_REPLY_WINDOW_HOURS). */
    replyWindowHours: number;
  };
  messenger?: {
    pageAccessToken: string; appSecret: string; verifyToken: string; apiBase: string;
    /** The Page has Meta's human-agent permission: counsellors may answer up to 7 days after the person's last message. */
    humanAgent: boolean;
  };
  webchatEnabled: boolean;
  officeHours: string;
  holidaysFile: string;
  hotlineNumber?: string;
  inactivityMs: number;
  retentionDays: number;
  episodeQuietDays: number;
  reportMinCell: number;
  caseloadLimit: number;
  handoffWaitLimitMs: number;
  handoffIdleMs: number;
  caseNoteRetentionDays: number;
  /** Days audit log entries are kept (staff actions, failed log-ins). */
  auditRetentionDays: number;
  /** Days a safe-time follow-up stays open (and a web chat return code is valid). */
  followUpDays: number;
  /** Wrap-up after a counsellor closes a case: no transfer reaches them for this long (0: none). */
  wrapUpMs: number;
  /** Shift handover notes are shown, then deleted, after this many hours. */
  handoverNoteHours: number;
  /** Web chat: a stored reply is deleted after this long even if the browser never acknowledged it. */
  webchatReplyMaxAgeMs: number;
  /** Web chat: session counter rows (and exit tombstones) idle this long are deleted. */
  webchatSessionIdleMs: number;
  sessionIdleMs: number;
  /** A counsellor whose last console tab closed goes off duty after this long. */
  presenceGraceMs: number;
  outboxMaxAttempts: number;
  /** Telegram allows about 30 messages/s per bot; the benchmark lifts our limit to measure the pipeline. */
  telegramMaxPerSecond: number;
  /** Backpressure: updates accepted and not yet processed per instance, and the Retry-After beyond it (seconds). */
  backlog: { max: number; retryAfterSeconds: number };
  jobsEnabled: boolean;
  /** Bearer token for GET /metrics; unset: loopback only in development, refused in production. */
  metricsToken?: string;
  /** Why each channel is off, one line each, for the start-up log. */
  disabledChannels: string[];
}

/** Thrown with every problem found, so an operator fixes them all in one go. */
export class ConfigError extends Error {}

/** Secrets we choose ourselves (not issued by a channel), judged for strength in production. */
const OWN_SECRETS = ['PSEUDONYM_KEY', 'DATA_KEY', 'SESSION_SECRET', 'TELEGRAM_WEBHOOK_SECRET', 'MESSENGER_VERIFY_TOKEN', 'METRICS_TOKEN'] as const;
const GENERATE = 'generate one with: openssl rand -hex 32';

/**
 * Production refuses a secret that is a development value in any encoding (plain, hex,
 * base64, base64url) or has too little entropy as typed or decoded (one letter repeated,
 * spaces, a pattern, a sequence, common words). The message names the setting, never the value.
 */
function secretProblems(source: NodeJS.ProcessEnv): string[] {
  const known = Object.values(DEV_DEFAULTS);
  const out: string[] = [];
  for (const name of OWN_SECRETS) {
    const value = source[name];
    if (!value || value === (DEV_DEFAULTS as Record<string, string>)[name]) continue; // already refused above
    const weak = secretWeakness(value, known);
    if (weak === 'known_value') out.push(`${name} is a development value (in some encoding); ${GENERATE}`);
    else if (weak === 'low_entropy') out.push(`${name} is too easy to guess (repeated, patterned or common text); ${GENERATE}`);
  }
  return out;
}

/** Parse a data key given as 64 hex chars or base64 of 32 bytes. */
export function parseKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError('DATA_KEY must be 32 bytes (64 hex characters or base64)');
  return key;
}

/** Read and validate the environment. Throws ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const disabled: string[] = [];

  const telegram = e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_SECRET
    ? { token: e.TELEGRAM_BOT_TOKEN, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, apiRoot: e.TELEGRAM_API_ROOT }
    : undefined;
  if (!telegram) disabled.push('telegram disabled: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET to enable it');
  if (e.TELEGRAM_WEBHOOK_SECRET && !/^[A-Za-z0-9_-]{1,256}$/.test(e.TELEGRAM_WEBHOOK_SECRET)) {
    problems.push('TELEGRAM_WEBHOOK_SECRET may only contain A-Z a-z 0-9 _ - (Telegram rule)');
  }

  const zalo = e.ZALO_APP_ID && e.ZALO_APP_SECRET && e.ZALO_OA_SECRET
    ? {
        appId: e.ZALO_APP_ID, appSecret: e.ZALO_APP_SECRET, oaSecret: e.ZALO_OA_SECRET,
        refreshToken: e.ZALO_REFRESH_TOKEN, apiBase: e.ZALO_API_BASE, oauthBase: e.ZALO_OAUTH_BASE,
        signatureVariant: e.ZALO_SIGNATURE_VARIANT, eventMaxAgeMs: e.ZALO_EVENT_MAX_AGE_MINUTES * 60_000,
        replyWindowHours: e.ZALO_REPLY_WINDOW_HOURS,
      }
    : undefined;
  if (!zalo) disabled.push('zalo disabled: set ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET to enable it');

  const messenger = e.MESSENGER_PAGE_ACCESS_TOKEN && e.MESSENGER_APP_SECRET && e.MESSENGER_VERIFY_TOKEN
    ? {
        pageAccessToken: e.MESSENGER_PAGE_ACCESS_TOKEN, appSecret: e.MESSENGER_APP_SECRET, verifyToken: e.MESSENGER_VERIFY_TOKEN,
        apiBase: e.MESSENGER_API_BASE, humanAgent: e.MESSENGER_HUMAN_AGENT === 'true',
      }
    : undefined;
  if (!messenger) disabled.push('messenger disabled: set MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN to enable it');

  if (e.NODE_ENV === 'production') {
    for (const name of ['PSEUDONYM_KEY', 'DATA_KEY', 'SESSION_SECRET'] as const) {
      if (!source[name] || source[name] === DEV_DEFAULTS[name]) problems.push(`${name} must be set to a secret value in production`);
    }
    if (e.PSEUDONYM_KEY.length < 32) problems.push('PSEUDONYM_KEY must be at least 32 characters in production');
    if (e.SESSION_SECRET.length < 32) problems.push('SESSION_SECRET must be at least 32 characters in production');
    if (telegram && telegram.webhookSecret.length < 24) problems.push('TELEGRAM_WEBHOOK_SECRET must be at least 24 characters in production');
    if (messenger && messenger.verifyToken.length < 24) problems.push('MESSENGER_VERIFY_TOKEN must be at least 24 characters in production');
    if (e.METRICS_TOKEN && e.METRICS_TOKEN.length < 24) problems.push('METRICS_TOKEN must be at least 24 characters in production');
    problems.push(...secretProblems(source));
  }

  let dataKeys: Buffer[] = [];
  try {
    dataKeys = [e.DATA_KEY, ...e.DATA_KEYS_PREVIOUS.split(',').map((k) => k.trim()).filter(Boolean)].map(parseKey);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length) throw new ConfigError(problems.join('; '));

  return {
    env: e.NODE_ENV, port: e.PORT, publicUrl: e.PUBLIC_URL, trustProxy: parseTrustProxy(e.TRUST_PROXY), healthzDbDownMs: e.HEALTHZ_DB_DOWN_SECONDS * 1000, webchatStreamCaps: { perAddress: e.WEBCHAT_STREAMS_PER_ADDRESS, perInstance: e.WEBCHAT_STREAMS_PER_INSTANCE }, devdbMaxRestarts: e.DEVDB_MAX_RESTARTS, mongoUri: e.MONGODB_URI, mongoPoolSize: e.MONGODB_POOL_SIZE, dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL, tzReports: e.TZ_REPORTS, defaultLanguage: e.DEFAULT_LANGUAGE,
    pseudonymKey: e.PSEUDONYM_KEY, dataKeys, sessionSecret: e.SESSION_SECRET, telegram, zalo, messenger,
    webchatEnabled: e.WEBCHAT_ENABLED === 'true', officeHours: e.OFFICE_HOURS, holidaysFile: e.HOLIDAYS_FILE,
    hotlineNumber: e.HOTLINE_NUMBER, inactivityMs: e.INACTIVITY_MINUTES * 60_000,
    retentionDays: e.CONVERSATION_RETENTION_DAYS, episodeQuietDays: e.EPISODE_QUIET_DAYS,
    reportMinCell: e.REPORT_MIN_CELL, caseloadLimit: e.CASELOAD_LIMIT,
    handoffWaitLimitMs: e.HANDOFF_WAIT_LIMIT_MINUTES * 60_000, handoffIdleMs: e.HANDOFF_IDLE_MINUTES * 60_000,
    caseNoteRetentionDays: e.CASE_NOTE_RETENTION_DAYS, auditRetentionDays: e.AUDIT_RETENTION_DAYS, followUpDays: e.FOLLOWUP_DAYS,
    wrapUpMs: e.WRAPUP_MINUTES * 60_000, handoverNoteHours: e.HANDOVER_NOTE_HOURS,
    webchatReplyMaxAgeMs: e.WEBCHAT_REPLY_MAX_AGE_MINUTES * 60_000, webchatSessionIdleMs: e.WEBCHAT_SESSION_IDLE_DAYS * 86_400_000, sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000, presenceGraceMs: e.CONSOLE_PRESENCE_GRACE_SECONDS * 1000,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS, telegramMaxPerSecond: e.TELEGRAM_MAX_PER_SECOND,
    backlog: { max: e.INBOX_BACKLOG_MAX, retryAfterSeconds: e.INBOX_RETRY_AFTER_SECONDS }, jobsEnabled: e.JOBS_ENABLED === 'true', metricsToken: e.METRICS_TOKEN, disabledChannels: disabled,
  };
}
