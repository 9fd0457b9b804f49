/**
 * The web chat's HTTP surface, mounted at /chat:
 *   GET  /              the page (sets the session cookie when there is none)
 *   GET  /static/:file  script and style sheet (compressed once at start-up)
 *   GET  /stream        live replies (server-sent events)
 *   POST /send          { id, text } or { id, payload }: one message, idempotent by id
 *   POST /ack           { seq }: the page has shown replies up to seq (they are deleted)
 *   POST /exit          quick exit: clears the cookie and the conversation state
 *   POST /resume        { code }: a one-time resume code reopens a conversation (follow-up)
 * Everything is Cache-Control: no-store, the script and style sheet too: a cached copy
 * would let another page in the same browser profile tell, from how fast they load,
 * that this browser has opened the chat. The page and its assets are compressed (gzip or
 * brotli, as the browser accepts). POSTs need our origin, the session cookie and the
 * X-CSRF-Token header; /send is rate-limited per session.
 */
import { randomBytes } from 'node:crypto';
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Config } from '../../config';
import { log } from '../../observability/log';
import { canonicalCode, type FieldCipher } from '../../shared/crypto';
import type { ChannelAdapter, Inbound } from '../types';
import type { Asset } from './assets';
import { compressNow, sendEncoded } from './compress';
import type { StreamHub } from './hub';
import { renderPage } from './render';
import { clearSessionCookie, CSRF_HEADER, sameOrigin, SessionKeys, setSessionCookie } from './session';
import { ackUpTo, closeSession, isClosed, redeemResumeCode } from './store';
import { serveStream, StreamTimings } from './stream';

/** Rate limits (per minute). */
export interface WebchatLimits { sendPerSession: number; perIp: number }

/** Everything the router needs; built by createWebchat. */
export interface WebchatRouteDeps {
  cfg: Config;
  keys: SessionKeys;
  hub: StreamHub;
  cipher: FieldCipher;
  adapter: ChannelAdapter;
  receive: (inbound: Inbound) => Promise<{ status: 'accepted' | 'duplicate' }>;
  exitUrl: string;
  timings: StreamTimings;
  limits: WebchatLimits;
  assets: Record<string, Asset>;
  /** Called on activity, so retention runs even without the timer. */
  touch(): void;
  /** The person reopened a conversation with a resume code. */
  onResumed(sid: string): void;
}

/** Kind words for someone sending too fast (both languages: we do not know theirs here). */
export const RATE_LIMIT_MESSAGE = 'Bạn đang gửi hơi nhanh. Xin chờ một chút rồi gửi lại. / You are sending a little fast. Please wait a moment and try again.';

const AckBody = z.strictObject({ seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });
const ResumeBody = z.strictObject({ code: z.string().max(32) });
/** Wrong resume codes allowed per address in 15 minutes (a code has 31^8 values; this makes guessing hopeless). */
const RESUME_TRIES = 10;

type Locals = { sid: string; sidHash: string };
const locals = (res: Response): Locals => res.locals.webchat as Locals;

/** Build the /chat router. */
export function makeWebchatRouter(d: WebchatRouteDeps): Router {
  const router = express.Router();
  const secure = d.cfg.env === 'production';

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    d.touch();
    next();
  });

  router.get('/static/:file', (req, res) => {
    const asset = d.assets[String(req.params.file)];
    if (!asset) { res.status(404).json({ error: 'not found' }); return; }
    res.setHeader('Content-Type', asset.type);
    sendEncoded(req, res, (encoding) => asset.encoded[encoding]);
  });

  // Generous per-address limit: many people share one address behind mobile carriers' NAT.
  router.use(rateLimit({
    windowMs: 60_000, limit: d.limits.perIp, standardHeaders: 'draft-7', legacyHeaders: false,
    handler: (_req, res) => { res.status(429).json({ error: 'rate_limited', message: RATE_LIMIT_MESSAGE }); },
  }));

  router.get('/', async (req, res) => {
    let sid = d.keys.readSessionId(req);
    let fresh = false;
    if (sid && await isClosed(d.keys.sidHash(sid)).catch(() => false)) sid = null;
    if (!sid) {
      sid = d.keys.newSessionId();
      setSessionCookie(res, sid, secure);
      fresh = true;
    }
    const js = d.assets['webchat.js'];
    const css = d.assets['webchat.css'];
    const html = Buffer.from(renderPage({ base: req.baseUrl, csrf: d.keys.csrfToken(sid), exitUrl: d.exitUrl, fresh, cssVersion: css?.hash ?? '0', jsVersion: js?.hash ?? '0' }));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // Compressing a page that holds a secret (the CSRF token) is safe here: the only part taken
    // from the request is our mount path, so no attacker's text sits next to the token (BREACH).
    sendEncoded(req, res, (encoding) => compressNow(html, encoding));
  });

  const requireSession: RequestHandler = (req, res, next) => {
    const sid = d.keys.readSessionId(req);
    if (!sid) { res.status(401).json({ error: 'no_session' }); return; }
    res.locals.webchat = { sid, sidHash: d.keys.sidHash(sid) } satisfies Locals;
    next();
  };

  /** Same origin and a valid CSRF token, checked before the body is even read. */
  const requireCsrf = (req: Request, res: Response, next: NextFunction) => {
    const { sid } = locals(res);
    if (!sameOrigin(req, d.cfg.publicUrl) || !d.keys.csrfValid(sid, req.header(CSRF_HEADER))) {
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    next();
  };

  const sendLimiter = rateLimit({
    windowMs: 60_000, limit: d.limits.sendPerSession, standardHeaders: 'draft-7', legacyHeaders: false,
    keyGenerator: (_req, res) => locals(res).sidHash,
    handler: (_req, res) => { res.status(429).json({ error: 'rate_limited', message: RATE_LIMIT_MESSAGE }); },
  });
  const json = express.json({ limit: '16kb', strict: true });

  router.get('/stream', requireSession, (req, res) => {
    // Caps: one address cannot hold the line's streams, and one instance stays responsive.
    const address = req.ip ?? 'unknown';
    const admitted = d.hub.admits(address);
    if (admitted !== 'ok') {
      res.status(admitted === 'address' ? 429 : 503).json({ error: admitted === 'address' ? 'too_many_streams' : 'busy' });
      return;
    }
    serveStream(req, res, { hub: d.hub, cipher: d.cipher, sidHash: locals(res).sidHash, address, timings: d.timings });
  });

  router.post('/send', requireSession, requireCsrf, sendLimiter, json, async (req, res) => {
    const parsed = d.adapter.parse(req);
    if (parsed.kind !== 'updates') {
      res.status(400).json({ error: 'invalid message', details: parsed.kind === 'invalid' ? parsed.errors.slice(0, 5) : [] });
      return;
    }
    try {
      let status: 'accepted' | 'duplicate' = 'accepted';
      for (const u of parsed.updates) status = (await d.receive(u)).status;
      res.status(200).json({ status });
    } catch (err) {
      // The backlog is full (backpressure): the page shows the text (content: system.busy) and retries the same id later.
      const busy = err as { retryAfterSeconds?: number; text?: string };
      if (typeof busy.retryAfterSeconds === 'number' && typeof busy.text === 'string') {
        res.status(503).set('Retry-After', String(busy.retryAfterSeconds)).json({ error: 'busy', message: busy.text, retryAfter: busy.retryAfterSeconds });
        return;
      }
      // Logged by the pipeline (without text); the page retries with the same id.
      res.status(503).json({ error: 'unavailable', message: 'Tạm thời chưa gửi được, đang thử lại… / Not sent yet, retrying…' });
    }
  });

  router.post('/ack', requireSession, requireCsrf, json, async (req, res) => {
    const parsed = AckBody.safeParse(req.body);
    if (!parsed.success) { res.status(400).json({ error: 'invalid ack' }); return; }
    try {
      await ackUpTo(locals(res).sidHash, parsed.data.seq);
      res.status(204).end();
    } catch {
      res.status(503).json({ error: 'unavailable' });
    }
  });

  // A resume code reopens the conversation it was given in (a follow-up the person asked for):
  // the cookie becomes that session's, the page reloads and shows what the counsellor wrote.
  const resumeLimiter = rateLimit({
    windowMs: 15 * 60_000, limit: RESUME_TRIES, standardHeaders: 'draft-7', legacyHeaders: false, skipSuccessfulRequests: true,
    handler: (_req, res) => { res.status(429).json({ error: 'rate_limited', message: RATE_LIMIT_MESSAGE }); },
  });
  router.post('/resume', requireSession, requireCsrf, resumeLimiter, json, async (req, res) => {
    const body = ResumeBody.safeParse(req.body);
    const code = body.success ? canonicalCode(body.data.code) : null;
    if (!code) { res.status(400).json({ error: 'invalid_code' }); return; }
    try {
      const found = await redeemResumeCode(d.keys.codeHash(code));
      if (!found) { res.status(404).json({ error: 'unknown_code' }); return; }
      const sid = d.cipher.open(found.sidSealed);
      // The session this page had (a fresh welcome) is left behind without a trace.
      await closeSession(locals(res).sidHash);
      setSessionCookie(res, sid, secure);
      d.onResumed(sid);
      res.status(200).json({ status: 'resumed' });
    } catch {
      res.status(503).json({ error: 'unavailable' });
    }
  });

  router.post('/exit', async (req, res) => {
    // The cookie goes first, whatever else happens: the person has already left the page.
    clearSessionCookie(res, secure);
    const sid = d.keys.readSessionId(req);
    if (!sid || !sameOrigin(req, d.cfg.publicUrl) || !d.keys.csrfValid(sid, req.header(CSRF_HEADER))) {
      res.status(sid ? 403 : 204).end();
      return;
    }
    const sidHash = d.keys.sidHash(sid);
    d.hub.endSession(sidHash);
    const exit: Inbound = {
      channel: 'webchat', channelUserId: sid, updateId: `${sidHash.slice(0, 32)}:exit:${randomBytes(6).toString('hex')}`,
      kind: 'choice', payload: 'exit', at: new Date(),
    };
    // Tombstone first, so the exit's own replies (and any late ones) are dropped, not stored.
    await closeSession(sidHash).catch((err) => log.warn('webchat exit: could not close session rows', { err: (err as Error).message }));
    await d.receive(exit).catch(() => log.warn('webchat exit: conversation state not cleared now (database unavailable)'));
    res.status(204).end();
  });

  return router;
}
