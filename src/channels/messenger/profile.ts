/**
 * The Messenger Profile we set (npm run messenger:setup): the "Get Started" button and a
 * persistent menu with the main menu, talk to a counsellor, and exit. Each button's postback
 * payload is one the engine already understands from any step, so the menu works mid-flow.
 * Titles come from content/ (the caller passes them); Messenger shows at most 30 characters.
 */

/** Get Started opens the main menu (after the privacy notice, as for any first message). */
export const GET_STARTED_PAYLOAD = 'menu';
/** Persistent menu items and their payloads: a global command or a topic. */
export const MENU_PAYLOADS = { menu: 'menu', counsellor: 'topic:counsellor', exit: 'exit' } as const;
/** The webhook fields the Page subscribes this app to (what parse.ts reads). */
export const SUBSCRIBED_FIELDS = ['messages', 'messaging_postbacks'] as const;
/** Messenger locales per content language (the default language also gets 'default'). */
const LOCALES: Record<string, string[]> = { vi: ['vi_VN'], en: ['en_US', 'en_GB'] };
const MAX_TITLE = 30;

/** A persistent menu item. */
export type MenuItem = keyof typeof MENU_PAYLOADS;

/**
 * The profile body. `title(lang, item)` gives a button's title from content.
 * @example messengerProfile('vi', ['vi', 'en'], t) → { get_started: { payload: 'menu' }, persistent_menu: [{ locale: 'default', … }, { locale: 'en_US', … }, …] }
 */
export function messengerProfile(defaultLang: string, langs: string[], title: (lang: string, item: MenuItem) => string): Record<string, unknown> {
  const menuFor = (lang: string, locale: string) => ({
    locale,
    composer_input_disabled: false,
    call_to_actions: (Object.keys(MENU_PAYLOADS) as MenuItem[]).map((item) => {
      const t = title(lang, item).trim();
      if (!t || [...t].length > MAX_TITLE) throw new Error(`persistent menu title for '${item}' (${lang}) must be 1-${MAX_TITLE} characters`);
      return { type: 'postback', title: t, payload: MENU_PAYLOADS[item] };
    }),
  });
  const menus = [menuFor(defaultLang, 'default')];
  for (const lang of langs) for (const locale of LOCALES[lang] ?? []) menus.push(menuFor(lang, locale));
  return { get_started: { payload: GET_STARTED_PAYLOAD }, persistent_menu: menus };
}
