/**
 * POST /webhooks/zalo: the Zalo OA webhook. The signature (verify.ts) is over the exact raw
 * bytes, so the body reaches the adapter unparsed. The OA's own oa_send_* echoes, receipts
 * and follow events are answered 200 "ignored" (answering an echo would loop), and so is a
 * signed event older than ZALO_EVENT_MAX_AGE_MINUTES (parse.ts): Zalo must not retry it.
 */
import type { Router } from 'express';
import type { ChannelAdapter, Receive } from '../types';
import { webhookRouter } from '../webhook';

/** Where Zalo posts events (the webhook URL set in the Zalo developer console is PUBLIC_URL + this). */
export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';

/** The Zalo webhook router, mounted at ZALO_WEBHOOK_PATH. */
export function zaloRoutes(adapter: ChannelAdapter, receive: Receive): Router {
  return webhookRouter(adapter, receive);
}
