/**
 * The web chat channel: a page at /chat, messages in over POST, replies out over a live
 * stream. A person is one browser session (a random id in a session cookie) and that id
 * is the channel user id.
 *
 * Delivery crosses instances: the outbox worker (wherever it runs) calls adapter.send(),
 * which stores the sealed reply; the instance holding the browser's stream forwards it.
 * When the database is down, send() hands the reply straight to a stream open on this
 * instance (the emergency fallback of the pipeline relies on this).
 */
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../config';
import { log } from '../../observability/log';
import type { FieldCipher } from '../../shared/crypto';
import type { ChannelAdapter, Inbound, Outbound, ParseResult, SendResult } from '../types';
import { loadAssets } from './assets';
import { DEFAULT_CAPS, StreamCaps, StreamHub } from './hub';
import { renderWebchat, DEFAULT_EXIT_URL } from './render';
import { makeWebchatRouter, WebchatLimits } from './routes';
import { COOKIE_PATH, CSRF_HEADER, sameOrigin, SessionKeys } from './session';
import { appendReply, forgetSession, holdSession, sessionsWithRepliesSince, sweep } from './store';
import { DEFAULT_TIMINGS, StreamTimings } from './stream';

export { renderWebchat, renderPage, DEFAULT_EXIT_URL, PAGE_TITLE } from './render';
export type { WebchatMessage } from './render';
export { RATE_LIMIT_MESSAGE } from './routes';
export { SESSION_COOKIE, CSRF_HEADER, COOKIE_PATH } from './session';

/** Where the web chat is mounted: the path its session cookie is scoped to. */
export const WEBCHAT_PATH = COOKIE_PATH;

/** What the channel needs from the rest of the service. */
export interface WebchatDeps {
  /** The pipeline's receive (wrapped by the lead with the danger fallback). Throws when the DB is down. */
  receive: (inbound: Inbound) => Promise<{ status: 'accepted' | 'duplicate' }>;
  cipher: FieldCipher;
  /** The person reopened their conversation with a resume code (its session id; never logged). */
  onResumed?: (sid: string) => void;
}

/** Optional knobs (tests shorten timings and limits). */
export interface WebchatOptions {
  exitUrl?: string;
  timings?: Partial<StreamTimings>;
  limits?: Partial<WebchatLimits>;
  streamCaps?: Partial<StreamCaps>;
}

/** The channel: its adapter for the outbox, its router for /chat, and its retention timer. */
export interface Webchat {
  adapter: ChannelAdapter;
  router: Router;
  /** Start the retention sweep (unacknowledged replies older than a few minutes are deleted). */
  start(): void;
  /** Stop the sweep and end every open stream (call before closing the HTTP server). */
  stop(): void;
}

/** Replies not acknowledged within this time are deleted anyway (the page is gone, or never came). */
export const REPLY_MAX_AGE_MS = 15 * 60_000;
/** Counter/tombstone rows of sessions idle this long are deleted (no text in them). */
export const SESSION_MAX_IDLE_MS = 7 * 24 * 3600_000;
const SWEEP_EVERY_MS = 60_000;

/** Up to 2000 characters of text, or a short ASCII button payload; a client id for idempotent retries. */
const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const SendBody = z.union([
  z.strictObject({ id: ClientId, text: z.string().trim().min(1).max(2000) }),
  z.strictObject({ id: ClientId, payload: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/) }),
]);

/** Build the web chat channel. Mount `router` at /chat and give `adapter` to the outbox worker. */
export function createWebchat(cfg: Config, deps: WebchatDeps, opts: WebchatOptions = {}): Webchat {
  const keys = new SessionKeys(cfg.sessionSecret);
  const timings: StreamTimings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const hub = new StreamHub({ ...DEFAULT_CAPS, ...cfg.webchatStreamCaps, ...opts.streamCaps }, { pollMs: timings.pollMs, changed: sessionsWithRepliesSince });
  const limits: WebchatLimits = { sendPerSession: 30, perIp: 600, ...opts.limits };

  let lastSweep = 0;
  let sweeping = false;
  const runSweep = () => {
    if (sweeping) return;
    sweeping = true;
    lastSweep = Date.now();
    void sweep(cfg.webchatReplyMaxAgeMs ?? REPLY_MAX_AGE_MS, cfg.webchatSessionIdleMs ?? SESSION_MAX_IDLE_MS)
      .catch((err) => log.warn('webchat retention sweep failed', { err: (err as Error).message }))
      .finally(() => { sweeping = false; });
  };
  const touch = () => { if (Date.now() - lastSweep > SWEEP_EVERY_MS) runSweep(); };
  let timer: NodeJS.Timeout | undefined;

  const adapter: ChannelAdapter = {
    name: 'webchat',

    /** Our origin, a session cookie and its CSRF token (the routes answer 401/403 separately). */
    verify(req: Request): boolean {
      const sid = keys.readSessionId(req);
      return sid !== null && sameOrigin(req, cfg.publicUrl) && keys.csrfValid(sid, req.header(CSRF_HEADER));
    },

    /** The JSON body of POST /chat/send → one Inbound. */
    parse(req: Request): ParseResult {
      const sid = keys.readSessionId(req);
      if (!sid) return { kind: 'invalid', errors: ['no session'] };
      const body = SendBody.safeParse(req.body);
      if (!body.success) return { kind: 'invalid', errors: body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) };
      // The update id carries the session's hash, not the raw id: the inbox stores update ids in clear.
      const base = { channel: 'webchat' as const, channelUserId: sid, updateId: `${keys.sidHash(sid).slice(0, 32)}:${body.data.id}`, at: new Date() };
      const inbound: Inbound = 'text' in body.data
        ? { ...base, kind: 'text', text: body.data.text }
        : { ...base, kind: 'choice', payload: body.data.payload };
      return { kind: 'updates', updates: [inbound] };
    },

    async send(address: string, out: Outbound): Promise<SendResult> {
      const sidHash = keys.sidHash(address);
      const msg = renderWebchat(out);
      try {
        // A follow-up was promised: keep this session's replies until the code expires (idempotent on retry).
        if (out.forget) await forgetSession(sidHash);
        if (out.resume) await holdSession(sidHash, new Date(out.resume.until), keys.codeHash(out.resume.code), deps.cipher.seal(address));
        const seq = await appendReply(sidHash, deps.cipher.seal(JSON.stringify(msg)));
        if (seq !== null) hub.wake(sidHash);
        return { ok: true, messageIds: seq === null ? [] : [String(seq)] };
      } catch (err) {
        // Database down: an open stream on this instance can still show the reply (emergency numbers first).
        if (hub.pushDirect(sidHash, msg)) {
          log.warn('webchat reply delivered from memory: database unavailable');
          return { ok: true, messageIds: [] };
        }
        return { ok: false, retryable: true, code: `store_failed:${(err as Error).name}` };
      }
    },
  };

  const router = makeWebchatRouter({
    cfg, keys, hub, cipher: deps.cipher, adapter, receive: deps.receive, onResumed: deps.onResumed ?? (() => undefined),
    exitUrl: opts.exitUrl ?? DEFAULT_EXIT_URL, timings, limits, assets: loadAssets(), touch,
  });

  return {
    adapter,
    router,
    start() {
      if (timer) return;
      timer = setInterval(runSweep, SWEEP_EVERY_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      hub.endAll();
    },
  };
}
