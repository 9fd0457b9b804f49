/**
 * `npm run messenger:setup [-- --info]`
 *  (default) subscribes the Page to this app's webhook (messages, postbacks) and sets the
 *            Messenger Profile: the "Get Started" button and the persistent menu (main menu,
 *            talk to a counsellor, exit), titled from content/texts in every language;
 *  --info    prints the Page's current Get Started and persistent menu.
 * Reads the same environment as the server. Never prints the token.
 */
import { Config, loadConfig } from '../config';
import { MessengerClient, messengerProfile, SUBSCRIBED_FIELDS } from '../channels/messenger';
import type { MenuItem } from '../channels/messenger';
import { REPO_ROOT } from '../db/devdb';
import { FlowSet, text } from '../engine';
import { loadFlowSet } from '../flowset';

/** Text keys of the persistent menu's buttons (the same labels the main menu shows). */
const TITLE_KEYS: Record<MenuItem, string> = { menu: 'opt.main_menu', counsellor: 'main.opt.counsellor', exit: 'main.opt.exit' };

/** Run one action; returns the lines to print. Throws with a plain message on misuse or refusal. */
export async function runMessengerSetup(args: string[], cfg: Config, flows: () => FlowSet = () => loadFlowSet(REPO_ROOT)): Promise<string[]> {
  if (!cfg.messenger) throw new Error('Messenger is not configured: set MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN');
  const client = new MessengerClient(cfg.messenger.apiBase, cfg.messenger.pageAccessToken);
  if (args.includes('--info')) {
    return [JSON.stringify(await client.getProfile(['get_started', 'persistent_menu']), null, 2)];
  }
  if (args.length > 0) throw new Error('usage: npm run messenger:setup [-- --info]');
  const fs = flows();
  const profile = messengerProfile(cfg.defaultLanguage, fs.languages, (lang, item) => text(fs, lang, TITLE_KEYS[item]));
  await client.subscribeApp([...SUBSCRIBED_FIELDS]);
  await client.setProfile(profile);
  const menus = (profile.persistent_menu as { locale: string }[]).map((m) => m.locale);
  return [
    `page subscribed to this app's webhook (${SUBSCRIBED_FIELDS.join(', ')})`,
    `Get Started and persistent menu set (locales: ${menus.join(', ')})`,
  ];
}

if (require.main === module) {
  runMessengerSetup(process.argv.slice(2), loadConfig())
    .then((lines) => { for (const l of lines) console.log(l); })
    .catch((err: unknown) => {
      console.error(String((err as Error).message ?? err));
      process.exitCode = 1;
    });
}
