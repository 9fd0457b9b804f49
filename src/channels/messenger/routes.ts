/**
 * GET /webhooks/messenger: the subscription handshake Meta makes when the webhook URL is
 * saved in the app's settings. POST (the messages) goes through the generic webhook
 * handler like every channel (conversations/ingest.ts), which this router lets pass.
 */
import express, { Router } from 'express';
import { log } from '../../observability/log';
import { messengerHandshake } from './verify';

/** The handshake router, mounted at /webhooks/messenger before the generic POST handler. */
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
