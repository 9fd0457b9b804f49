/** The bot commands shown in Telegram's menu, in Vietnamese (default) and English. */
import type { TelegramClient } from './client';

/** Command lists per language; the engine understands these words (engine/match.ts). */
export const BOT_COMMANDS: Record<'vi' | 'en', { command: string; description: string }[]> = {
  vi: [
    { command: 'start', description: 'Bắt đầu' },
    { command: 'menu', description: 'Danh mục chính' },
    { command: 'exit', description: 'Thoát và xoá cuộc trò chuyện' },
    { command: 'lang', description: 'Đổi ngôn ngữ / Language' },
  ],
  en: [
    { command: 'start', description: 'Start' },
    { command: 'menu', description: 'Main menu' },
    { command: 'exit', description: 'Exit and clear the conversation' },
    { command: 'lang', description: 'Change language / Ngôn ngữ' },
  ],
};

/** Register the commands: Vietnamese for everyone, English for clients set to English. */
export async function setBotCommands(client: TelegramClient): Promise<void> {
  await client.telegram.setMyCommands(BOT_COMMANDS.vi);
  await client.telegram.setMyCommands(BOT_COMMANDS.en, { language_code: 'en' });
}
