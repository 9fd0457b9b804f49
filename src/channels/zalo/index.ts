/**
 * The Zalo Official Account adapter (OA Open API v3 over axios): verify the event
 * signature, parse user events, render options as numbered lines, send consultation
 * messages with a managed access token. Its webhook route is in routes.ts.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../../config';
import { log } from '../../observability/log';
import { metrics } from '../../observability/metrics';
import type { FieldCipher } from '../../shared/crypto';
import type { ChannelAdapter, Outbound, SendResult } from '../types';
import { ZaloClient, ZaloSendOutcome } from './client';
import { parseZaloBody, ZALO_STALE_EVENT } from './parse';
import { renderZalo } from './render';
import { ZaloTokenError, ZaloTokenManager } from './tokens';
import { verifyZalo } from './verify';

export { classifyZaloError, classifyTransportError, ZaloClient } from './client';
export { parseZaloBody, parseZaloEvent, ZALO_MEDIA_EVENTS, ZALO_STALE_EVENT } from './parse';
export { renderZalo, splitZaloText, ZALO_MAX_TEXT } from './render';
export { ZaloTokenError, ZaloTokenManager } from './tokens';
export type { ZaloTokenSettings } from './tokens';
export { verifyZalo, zaloSignature, ZALO_SIGNATURE_HEADER } from './verify';
export type { ZaloSignatureVariant } from './verify';
export { zaloRoutes, ZALO_WEBHOOK_PATH } from './routes';

const PROGRESS_LIMIT = 1000;

/** The Zalo adapter plus its token manager (exposed for a periodic refresh job and tests). */
export type ZaloAdapter = ChannelAdapter & { tokens: ZaloTokenManager };

/**
 * Build the Zalo adapter, or null when Zalo is not configured (config.disabledChannels
 * already says why). `cipher` seals the stored tokens.
 */
export function createZaloAdapter(cfg: Config, cipher: FieldCipher): ZaloAdapter | null {
  const z = cfg.zalo;
  if (!z) return null;
  const client = new ZaloClient(z.apiBase);
  const tokens = new ZaloTokenManager({ appId: z.appId, appSecret: z.appSecret, oauthBase: z.oauthBase, refreshToken: z.refreshToken }, cipher);
  const progress = new Map<string, number>();

  /** One part: get a token, send; on -216/-220 refresh once and retry once. */
  async function sendPart(userId: string, text: string): Promise<ZaloSendOutcome> {
    let token: string;
    try {
      token = await tokens.accessToken();
    } catch (err) {
      log.error('no zalo access token', { reason: err instanceof ZaloTokenError ? err.message : 'database' });
      return { kind: 'fail', result: { ok: false, retryable: true, code: 'token_unavailable' } };
    }
    const first = await client.sendText(token, userId, text);
    if (first.kind !== 'token') return first;
    try {
      token = await tokens.refreshAfterRejection(token);
    } catch (err) {
      log.error('zalo token refresh failed', { reason: err instanceof ZaloTokenError ? err.message : 'database' });
      return { kind: 'fail', result: { ok: false, retryable: true, code: 'token_unavailable' } };
    }
    const second = await client.sendText(token, userId, text);
    return second.kind === 'token' ? { kind: 'fail', result: { ok: false, retryable: true, code: second.code } } : second;
  }

  return {
    name: 'zalo',
    // Counted from the person's last message; the length is a setting because public sources
    // disagree (48 h of free replies vs up to 7 days billed): ZALO_REPLY_WINDOW_HOURS.
    replyWindowHours: z.replyWindowHours,
    tokens,
    verify: (req: Request) => verifyZalo(req, z),
    parse: (req: Request) => {
      const r = parseZaloBody(req.body, new Date(), z.eventMaxAgeMs);
      if (r.kind === 'ignored' && r.reason === ZALO_STALE_EVENT) {
        metrics.staleUpdates.inc({ channel: 'zalo' });
        log.warn('zalo event older than ZALO_EVENT_MAX_AGE_MINUTES ignored (a replay, or a redelivery after a long outage)');
      }
      return r;
    },

    async send(address: string, out: Outbound): Promise<SendResult> {
      const parts = renderZalo(out);
      // If part 2 of a long reply fails, the retry starts at part 2 (no repeated part 1).
      const key = createHash('sha256').update(address).update('\0').update(out.text).digest('hex');
      const ids: string[] = [];
      for (let i = progress.get(key) ?? 0; i < parts.length; i++) {
        const r = await sendPart(address, parts[i]!);
        if (r.kind !== 'ok') {
          const failure = r.kind === 'fail' ? r.result : { ok: false as const, retryable: true, code: r.code };
          if (i > 0 && failure.retryable) {
            if (progress.size >= PROGRESS_LIMIT) progress.delete(progress.keys().next().value!);
            progress.set(key, i);
          } else progress.delete(key);
          return failure;
        }
        ids.push(r.messageId);
      }
      progress.delete(key);
      return { ok: true, messageIds: ids };
    },
  };
}
