/**
 * /webhooks/messenger: GET is the subscription handshake Meta makes when the webhook URL is
 * saved in the app's settings (hub.mode, hub.verify_token, hub.challenge); POST carries the
 * batched messaging events, signed with X-Hub-Signature-256 over the raw body (verify.ts).
 */
import express, { Router } from 'express';
import { log } from '../../observability/log';
import type { ChannelAdapter, Receive } from '../types';
import { webhookRouter } from '../webhook';
import { messengerHandshake } from './verify';

/** Where Meta sends the handshake and the events (PUBLIC_URL + this, `npm run messenger:setup`). */
export const MESSENGER_WEBHOOK_PATH = '/webhooks/messenger';

/** The handshake alone (GET /). */
export function messengerHandshakeRouter(verifyToken: string): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const r = messengerHandshake(req.query as Record<string, unknown>, verifyToken);
    if (!r.ok) {
      if (r.status === 403) log.warn('messenger webhook handshake refused: wrong verify token or mode');
      res.status(r.status).json({ error: r.status === 403 ? 'forbidden' : 'bad handshake' });
      return;
    }
    log.info('messenger webhook handshake accepted');
    res.status(200).type('text/plain').send(r.challenge);
  });
  return router;
}

/** The Messenger router, mounted at MESSENGER_WEBHOOK_PATH: the GET handshake, then the POST webhook. */
export function messengerRoutes(adapter: ChannelAdapter & { handshake: Router }, receive: Receive): Router {
  const router = express.Router();
  router.use(adapter.handshake);
  router.use(webhookRouter(adapter, receive));
  return router;
}
