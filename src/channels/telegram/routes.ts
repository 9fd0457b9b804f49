/**
 * POST /webhooks/telegram: Telegram's webhook. verify.ts checks the secret header Telegram
 * sends on every request (registered with setWebhook, `npm run telegram:webhook`), parse.ts
 * reads the Update from the raw body, and a button tap's spinner is stopped (answerCallbackQuery)
 * only after the 200, so Telegram never waits on it.
 *
 * Why we do NOT mount telegraf's webhookCallback: telegraf always ends the webhook response
 * with 200, even when its handler failed, so Telegram would never redeliver an update we
 * could not record. Our route answers 503 when the database is down, and Telegram retries.
 * Telegraf is only our API client (with a configurable apiRoot) and a source of types.
 */
import type { Router } from 'express';
import type { ChannelAdapter, Receive } from '../types';
import { webhookRouter } from '../webhook';

/** Where Telegram posts updates (the URL given to setWebhook is PUBLIC_URL + this). */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

/** The Telegram webhook router, mounted at TELEGRAM_WEBHOOK_PATH. */
export function telegramRoutes(adapter: ChannelAdapter, receive: Receive): Router {
  return webhookRouter(adapter, receive);
}
