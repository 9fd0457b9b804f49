/**
 * The Telegram Bot API client: telegraf's `Telegram` class, pointed at a configurable
 * API root (tests use a fake on 127.0.0.1). telegraf does not retry or throttle outside
 * polling; the outbox does that, from the SendResult we classify here.
 *
 * `webhookReply: false`: with it on, telegraf would write the first eligible call
 * (answerCallbackQuery, deleteMessage…) into an open webhook response instead of calling
 * the API. We never let telegraf handle the webhook response anyway, but keep it off so a
 * call always reaches the API and its errors are seen.
 */
import { Telegraf, TelegramError } from 'telegraf';
import type { SendResult } from '../types';
import type { TelegramMessagePayload } from './render';

/** Per-call time limit: telegraf's own is 500 s, far longer than the outbox should wait. */
const CALL_TIMEOUT_MS = 10_000;

type CallOptions = NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>;

/** A per-call abort signal. telegraf types it as the abort-controller polyfill; node-fetch 2
 * accepts Node's native AbortSignal (it checks the constructor name), hence the cast. */
function timeoutOpts(): CallOptions {
  return { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) as unknown as CallOptions['signal'] };
}

/** Settings the client needs (Config.telegram). */
export interface TelegramSettings { token: string; apiRoot: string }

/** A failed send, classified for the outbox. */
export type TelegramFailure = Extract<SendResult, { ok: false }>;

/**
 * Map an error thrown by telegraf to a retry decision:
 * 429 → retry after `parameters.retry_after` seconds; 5xx, network errors and timeouts →
 * retry with backoff; 403 (blocked by the user, kicked) → give up; other 4xx → give up.
 */
export function classifyTelegramError(err: unknown): TelegramFailure {
  if (err instanceof TelegramError) {
    const code = err.code;
    if (code === 429) {
      const after = Number(err.parameters?.retry_after);
      return { ok: false, retryable: true, code: 'rate_limited', retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 1000 };
    }
    if (code >= 500) return { ok: false, retryable: true, code: `server_error_${code}` };
    if (code === 403) return { ok: false, retryable: false, code: 'forbidden' };
    if (code === 401) return { ok: false, retryable: false, code: 'unauthorized' };
    return { ok: false, retryable: false, code: `bad_request_${code}` };
  }
  const e = err as { name?: string; type?: string; code?: string };
  if (e?.name === 'AbortError' || e?.type === 'aborted' || e?.type === 'request-timeout') return { ok: false, retryable: true, code: 'timeout' };
  return { ok: false, retryable: true, code: 'network' };
}

/** Thin wrapper over telegraf's API client with our timeouts. */
export class TelegramClient {
  private readonly bot: Telegraf;

  constructor(settings: TelegramSettings) {
    this.bot = new Telegraf(settings.token, { telegram: { apiRoot: settings.apiRoot, webhookReply: false } });
    // We never run telegraf's middleware (no bot.launch/webhookCallback), but an error
    // boundary costs nothing and stops a stray handler error from exiting the process.
    this.bot.catch(() => undefined);
  }

  /** telegraf's Telegram instance (for the CLI: setWebhook, getWebhookInfo, setMyCommands). */
  get telegram(): Telegraf['telegram'] {
    return this.bot.telegram;
  }

  /** Send one message; resolves with its message id. Throws telegraf errors (classify them). */
  async sendMessage(chatId: string, payload: TelegramMessagePayload): Promise<string> {
    const msg = await this.bot.telegram.callApi('sendMessage', { chat_id: chatId, ...payload }, timeoutOpts());
    return String(msg.message_id);
  }

  /** Delete up to 100 messages at once (Bot API 7.0 deleteMessages; unknown ids are skipped). */
  async deleteMessages(chatId: string, messageIds: number[]): Promise<void> {
    await this.bot.telegram.callApi('deleteMessages', { chat_id: chatId, message_ids: messageIds }, timeoutOpts());
  }

  /** Delete one message (fallback when deleteMessages is refused). */
  async deleteMessage(chatId: string, messageId: number): Promise<void> {
    await this.bot.telegram.callApi('deleteMessage', { chat_id: chatId, message_id: messageId }, timeoutOpts());
  }

  /** Stop the button's spinner (always called after a tap, even with no text). */
  async answerCallback(callbackId: string): Promise<void> {
    await this.bot.telegram.callApi('answerCallbackQuery', { callback_query_id: callbackId }, timeoutOpts());
  }
}
