/**
 * `npm run telegram:webhook -- --set|--delete|--info`
 *  --set     registers PUBLIC_URL + '/webhooks/telegram' with our secret_token and only the
 *            update kinds we handle (message, callback_query), then sets the bot commands;
 *  --delete  removes the webhook (pending updates are kept);
 *  --info    prints getWebhookInfo (never the token or the secret).
 * Reads the same environment as the server.
 */
import { Config, loadConfig } from '../config';
import { setBotCommands, TelegramClient, TELEGRAM_WEBHOOK_PATH } from '../channels/telegram';

/** The only update kinds we handle; everything else would just be "ignored". */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Run one action; returns the lines to print. Throws with a plain message on misuse. */
export async function runTelegramWebhook(args: string[], cfg: Config): Promise<string[]> {
  if (!cfg.telegram) throw new Error('Telegram is not configured: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET');
  const client = new TelegramClient({ token: cfg.telegram.token, apiRoot: cfg.telegram.apiRoot });
  const tg = client.telegram;
  if (args.includes('--set')) {
    if (!cfg.publicUrl) throw new Error('PUBLIC_URL is required (the https address Telegram will call)');
    const url = new URL(TELEGRAM_WEBHOOK_PATH, cfg.publicUrl.endsWith('/') ? cfg.publicUrl : `${cfg.publicUrl}/`).toString();
    if (!url.startsWith('https://') && cfg.env === 'production') throw new Error('PUBLIC_URL must be https (Telegram only calls https webhooks)');
    await tg.setWebhook(url, { secret_token: cfg.telegram.webhookSecret, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40 });
    await setBotCommands(client);
    return [`webhook set to ${url} (updates: ${ALLOWED_UPDATES.join(', ')}); bot commands set (vi, en)`];
  }
  if (args.includes('--delete')) {
    await tg.deleteWebhook({ drop_pending_updates: false });
    return ['webhook deleted (pending updates kept)'];
  }
  if (args.includes('--info')) {
    const info = await tg.getWebhookInfo();
    // WebhookInfo holds no token or secret; print only the fields an operator needs.
    const { url, pending_update_count, last_error_date, last_error_message, max_connections, allowed_updates, ip_address } = info;
    return [JSON.stringify({ url, pending_update_count, last_error_date, last_error_message, max_connections, allowed_updates, ip_address }, null, 2)];
  }
  throw new Error('usage: npm run telegram:webhook -- --set|--delete|--info');
}

if (require.main === module) {
  runTelegramWebhook(process.argv.slice(2), loadConfig())
    .then((lines) => { for (const l of lines) console.log(l); })
    .catch((err: unknown) => {
      // Never echo the token: telegraf errors carry only code and description.
      const e = err as { code?: number; description?: string; message?: string };
      console.error(e.description ? `Telegram refused: ${e.code ?? ''} ${e.description}` : String(e.message ?? err).replace(/bot\d+:[\w-]+/g, 'bot<token>'));
      process.exitCode = 1;
    });
}
