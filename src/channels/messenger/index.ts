/**
 * The Facebook Messenger adapter (Graph API over axios): verify X-Hub-Signature-256, parse
 * batched webhook events, render quick replies or numbered lines, send through the Send API
 * inside the messaging window (window.ts), and the GET handshake route.
 */
import { createHash } from 'node:crypto';
import type { Request, Router } from 'express';
import type { Config } from '../../config';
import { log } from '../../observability/log';
import { metrics } from '../../observability/metrics';
import type { ChannelAdapter, Outbound, SendContext, SendResult } from '../types';
import { MessengerClient } from './client';
import { MESSENGER_STALE_EVENT, parseMessengerBody } from './parse';
import { renderMessenger } from './render';
import { messengerHandshakeRouter } from './routes';
import { verifyMessenger } from './verify';
import { HUMAN_AGENT_WINDOW_HOURS, messagingMode, RESPONSE_WINDOW_HOURS } from './window';

export { classifyGraphError, MessengerClient } from './client';
export { MESSENGER_EVENT_MAX_AGE_MS, MESSENGER_STALE_EVENT, parseMessengerBody } from './parse';
export { MESSENGER_MAX_QUICK_REPLIES, MESSENGER_MAX_QUICK_REPLY_TITLE, MESSENGER_MAX_TEXT, quickRepliesFor, renderMessenger } from './render';
export type { MessengerMessage, QuickReply } from './render';
export { messengerHandshake, messengerSignature, MESSENGER_SIGNATURE_HEADER, verifyMessenger } from './verify';
export { HUMAN_AGENT_WINDOW_HOURS, messagingMode, RESPONSE_WINDOW_HOURS } from './window';
export type { MessagingMode } from './window';
export { messengerProfile, GET_STARTED_PAYLOAD, MENU_PAYLOADS, SUBSCRIBED_FIELDS } from './profile';
export type { MenuItem } from './profile';
export { messengerRoutes, MESSENGER_WEBHOOK_PATH } from './routes';

/** Parts of a split reply already delivered, so a retry does not send them again. */
const PROGRESS_LIMIT = 1000;

/** The Messenger adapter plus its handshake route (routes.ts mounts it before the POST webhook). */
export type MessengerAdapter = ChannelAdapter & { handshake: Router };

/**
 * Build the Messenger adapter, or null when Messenger is not configured
 * (config.disabledChannels already says why).
 */
export function createMessengerAdapter(cfg: Config): MessengerAdapter | null {
  const m = cfg.messenger;
  if (!m) return null;
  const client = new MessengerClient(m.apiBase, m.pageAccessToken);
  const progress = new Map<string, number>();
  let tokenComplained = false;

  return {
    name: 'messenger',
    replyWindowHours: m.humanAgent ? HUMAN_AGENT_WINDOW_HOURS : RESPONSE_WINDOW_HOURS,
    needsSendContext: true,
    handshake: messengerHandshakeRouter(m.verifyToken),
    verify: (req: Request) => verifyMessenger(req, m.appSecret),
    parse: (req: Request) => {
      const r = parseMessengerBody(req.body, new Date());
      if (r.kind === 'ignored' && r.reason === MESSENGER_STALE_EVENT) {
        metrics.staleUpdates.inc({ channel: 'messenger' });
        log.warn('messenger events older than the seen log ignored (a replay, or a redelivery after a long outage)');
      }
      return r;
    },

    async send(address: string, out: Outbound, ctx?: SendContext): Promise<SendResult> {
      const mode = messagingMode(ctx, Date.now(), m.humanAgent);
      // Outside the window nothing is sent: Meta would refuse it, and the bot must not try.
      if (!mode) return { ok: false, retryable: false, windowExpired: true, code: 'window_expired' };
      const parts = renderMessenger(out);
      // If part 2 of a long reply fails, the retry starts at part 2 (no repeated part 1).
      const key = createHash('sha256').update(address).update('\0').update(out.text).digest('hex');
      const ids: string[] = [];
      for (let i = progress.get(key) ?? 0; i < parts.length; i++) {
        const r = await client.sendMessage(address, mode, parts[i]!);
        if (!r.ok) {
          if (r.code === 'token_invalid' && !tokenComplained) {
            tokenComplained = true;
            log.error('messenger page access token refused (code 190): generate a new one and set MESSENGER_PAGE_ACCESS_TOKEN');
          }
          if (i > 0 && r.retryable) {
            if (progress.size >= PROGRESS_LIMIT) progress.delete(progress.keys().next().value!);
            progress.set(key, i);
          } else progress.delete(key);
          return r;
        }
        ids.push(r.messageId);
      }
      progress.delete(key);
      return { ok: true, messageIds: ids };
    },
  };
}
