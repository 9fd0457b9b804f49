/** Builders for Telegram webhook requests used by the end-to-end and reliability tests. */
import http from 'node:http';

export const TG_SECRET = 'test_webhook_secret_0123456789';
export const TG_TOKEN = '123456:TEST-token-for-fake-api';

let nextUpdate = 1000;
let nextMessage = 1;

/** A private-chat text update (as Telegram sends it). */
export function textUpdate(chatId: number, text: string, updateId = nextUpdate++): Record<string, unknown> {
  return {
    update_id: updateId,
    message: { message_id: nextMessage++, date: 1735689600, chat: { id: chatId, type: 'private', first_name: 'Lan' }, from: { id: chatId, is_bot: false, first_name: 'Lan' }, text },
  };
}

/** Env for a service whose Telegram channel points at a fake API. */
export function telegramEnv(apiRoot: string): Record<string, string> {
  return { TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: apiRoot };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** What postUpdate resolves with when no answer came within its 10 s: this client gave up (the server may still record the update). */
export const NO_ANSWER = -1;

/** POST an update to the webhook; resolves with the status (0 when the connection failed, NO_ANSWER after 10 s without an answer). */
export function postUpdate(baseUrl: string, update: unknown, secret = TG_SECRET): Promise<number> {
  const body = JSON.stringify(update);
  const url = new URL('/webhooks/telegram', baseUrl);
  return new Promise((resolve) => {
    let gaveUp = false;
    const req = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': secret },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', () => resolve(gaveUp ? NO_ANSWER : 0));
    req.setTimeout(10_000, () => { gaveUp = true; req.destroy(); });
    req.end(body);
  });
}
