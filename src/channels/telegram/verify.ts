/**
 * Telegram webhook authentication: Telegram sends the secret we registered with
 * setWebhook in the X-Telegram-Bot-Api-Secret-Token header on every request.
 */
import type { Request } from 'express';
import { safeEqual } from '../../shared/crypto';

/** Header Telegram fills with the webhook's secret_token. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * True when the request carries our webhook secret. Compared in constant time
 * (safeEqual hashes both sides first, so neither the secret nor its length leaks
 * through response timing). A missing header is simply a mismatch.
 */
export function verifyTelegram(req: Request, webhookSecret: string): boolean {
  const given = req.header(TELEGRAM_SECRET_HEADER);
  if (typeof given !== 'string' || given.length === 0) return false;
  return safeEqual(given, webhookSecret);
}
