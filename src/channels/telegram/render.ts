/**
 * Outbound → Telegram sendMessage payloads. Options become an inline keyboard (one
 * button per row: Vietnamese labels are long and read better stacked), each label numbered
 * ("1. Tìm trợ giúp") because the engine takes a typed "1" as that option and our texts say
 * so: the number has to be visible on every channel (Zalo lists them, web chat too); texts over
 * Telegram's 4096-character limit are split at paragraph boundaries, and the keyboard
 * rides on the last part so the buttons sit under the end of the reply.
 */
import { log } from '../../observability/log';
import { splitText } from '../../shared/splitText';
import type { Outbound } from '../types';

/** Telegram's sendMessage text limit (characters after entity parsing). */
export const TELEGRAM_MAX_TEXT = 4096;
/** Telegram's callback_data limit, in BYTES (a Vietnamese letter with diacritics costs 2–3). */
export const TELEGRAM_MAX_CALLBACK_BYTES = 64;

/** One inline button. */
export interface InlineButton { text: string; callback_data: string }
/** The part of a sendMessage request we fill (chat_id is added by the client). */
export interface TelegramMessagePayload {
  text: string;
  reply_markup?: { inline_keyboard: InlineButton[][] };
}

/** The shared splitter (Telegram counts UTF-16 units too). */
export { splitText };

/** True when a payload fits in callback_data. */
export function fitsCallbackData(payload: string): boolean {
  const bytes = Buffer.byteLength(payload, 'utf8');
  return bytes >= 1 && bytes <= TELEGRAM_MAX_CALLBACK_BYTES;
}

/** Render one Outbound to one or more sendMessage payloads, in order. */
export function renderTelegram(out: Outbound): TelegramMessagePayload[] {
  const parts = splitText(out.text, TELEGRAM_MAX_TEXT).map((text): TelegramMessagePayload => ({ text }));
  const buttons: InlineButton[][] = [];
  (out.options ?? []).forEach((o, i) => {
    if (!fitsCallbackData(o.payload)) {
      // Telegram would reject the whole message; drop the button instead and say so (no label: content only).
      log.warn('telegram option dropped: payload exceeds 64 bytes', { bytes: Buffer.byteLength(o.payload, 'utf8') });
      return;
    }
    // Numbered by its place in the engine's list, so a dropped button never shifts the numbers.
    buttons.push([{ text: `${i + 1}. ${o.label}`.slice(0, 200), callback_data: o.payload }]);
  });
  const last = parts[parts.length - 1];
  if (last && buttons.length) last.reply_markup = { inline_keyboard: buttons };
  return parts;
}
