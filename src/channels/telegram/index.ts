/**
 * The Telegram adapter: verify the webhook secret, parse Updates, render and send
 * replies through telegraf's API client. Its webhook route (and why it is not telegraf's
 * webhookCallback) is in routes.ts.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../../config';
import { log } from '../../observability/log';
import type { ChannelAdapter, Inbound, Outbound, SendResult } from '../types';
import { classifyTelegramError, TelegramClient } from './client';
import { parseTelegramBody } from './parse';
import { renderTelegram } from './render';
import { verifyTelegram } from './verify';

export { TelegramClient, classifyTelegramError } from './client';
export { BOT_COMMANDS, setBotCommands } from './commands';
export { parseTelegramBody, parseTelegramUpdate } from './parse';
export { renderTelegram, splitText, fitsCallbackData, TELEGRAM_MAX_TEXT, TELEGRAM_MAX_CALLBACK_BYTES } from './render';
export { verifyTelegram, TELEGRAM_SECRET_HEADER } from './verify';
export { telegramRoutes, TELEGRAM_WEBHOOK_PATH } from './routes';

/** Parts of a split reply already delivered, so a retry does not send them again. */
const PROGRESS_LIMIT = 1000;

/** Delete ids in batches (deleteMessages takes at most 100); failures are ignored. */
async function deleteAll(client: TelegramClient, chatId: string, ids: string[]): Promise<void> {
  const nums = ids.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  for (let i = 0; i < nums.length; i += 100) {
    const batch = nums.slice(i, i + 100);
    try {
      await client.deleteMessages(chatId, batch);
    } catch {
      // Older than 48 h, already gone, or an API server without deleteMessages: try one by one, ignore failures.
      for (const id of batch) await client.deleteMessage(chatId, id).catch(() => undefined);
    }
  }
}

/**
 * Build the Telegram adapter, or null when Telegram is not configured
 * (config.disabledChannels already says why).
 */
export function createTelegramAdapter(cfg: Config): ChannelAdapter | null {
  const tg = cfg.telegram;
  if (!tg) return null;
  const client = new TelegramClient({ token: tg.token, apiRoot: tg.apiRoot });
  const progress = new Map<string, { sent: number; ids: string[] }>();

  return {
    name: 'telegram',
    verify: (req: Request) => verifyTelegram(req, tg.webhookSecret),
    parse: (req: Request) => parseTelegramBody(req.body),

    async send(address: string, out: Outbound): Promise<SendResult> {
      if (out.deleteMessageIds?.length) await deleteAll(client, address, out.deleteMessageIds);
      const parts = renderTelegram(out);
      // A long reply is several messages; if part 2 fails, the retry must not repeat part 1.
      const key = createHash('sha256').update(address).update('\0').update(out.text).digest('hex');
      const done = progress.get(key) ?? { sent: 0, ids: [] };
      for (let i = done.sent; i < parts.length; i++) {
        try {
          done.ids.push(await client.sendMessage(address, parts[i]!));
          done.sent = i + 1;
        } catch (err) {
          const failure = classifyTelegramError(err);
          if (done.sent > 0 && failure.retryable) {
            if (progress.size >= PROGRESS_LIMIT) progress.delete(progress.keys().next().value!);
            progress.set(key, done);
          } else progress.delete(key);
          return failure;
        }
      }
      progress.delete(key);
      return { ok: true, messageIds: done.ids };
    },

    async acknowledge(inbound: Inbound): Promise<void> {
      if (!inbound.callbackId) return;
      try {
        await client.answerCallback(inbound.callbackId);
      } catch (err) {
        // "query is too old" after a slow redelivery: harmless, the reply still comes.
        log.debug('answerCallbackQuery failed', { code: classifyTelegramError(err).code });
      }
    },
  };
}
