/**
 * Matching what people type: global commands and option choices ("2", a label typed with or
 * without diacritics, a button payload). Everything compares folded text. What free text
 * means is understood by nlu/.
 */
import { fold, foldLoose } from './normalize';
import type { FlowSet } from './flowset';
import type { ReplyOption } from './types';

/** Global commands. */
export type Command =
  | { cmd: 'menu' } | { cmd: 'back' } | { cmd: 'exit' } | { cmd: 'help' } | { cmd: 'cancel' }
  | { cmd: 'lang'; lang?: string }
  /** Erase my data (Personal Data Protection Law 91/2025): asks for confirmation first. */
  | { cmd: 'erase' };

/** Folded forms of each command, vi + en; whole-message matches only, so sentences never trigger them. */
const COMMANDS: Array<[string[], Command]> = [
  [['menu', '0', '/start', '/menu', 'menu chinh', 'trang chu', 'main menu'], { cmd: 'menu' }],
  [['back', 'quay lai', 'tro lai', '/back', 'go back'], { cmd: 'back' }],
  [['thoat', 'exit', '/stop', '/exit', 'quit', 'thoat ra'], { cmd: 'exit' }],
  [['help', '/help', 'tro giup', 'huong dan', 'giup do'], { cmd: 'help' }],
  [['xoa du lieu cua toi', 'xoa du lieu', 'xoa het du lieu', 'delete my data', 'erase my data', '/erase', '/delete'], { cmd: 'erase' }],
  [['huy', 'cancel', '/cancel', 'huy bo'], { cmd: 'cancel' }],
  [['/lang', 'language', 'ngon ngu', '/language', 'doi ngon ngu'], { cmd: 'lang' }],
  [['english', 'tieng anh', '/en'], { cmd: 'lang', lang: 'en' }],
  [['tieng viet', 'vietnamese', '/vi'], { cmd: 'lang', lang: 'vi' }],
];

/** A global command typed as text (or tapped as a payload), else null. "/start abc" counts as /start. */
export function matchCommand(input: string): Command | null {
  let f = fold(input);
  if (f.startsWith('/start ')) f = '/start';
  for (const [words, cmd] of COMMANDS) if (words.includes(f)) return cmd;
  return null;
}

/** A payload that is a global command button ("menu", "exit", "erase", "lang:en" …), else null. */
export function commandFromPayload(payload: string): Command | null {
  if (payload.startsWith('lang:')) return { cmd: 'lang', lang: payload.slice(5) };
  if (['menu', 'back', 'exit', 'help', 'cancel', 'erase'].includes(payload)) return { cmd: payload } as Command;
  if (payload === 'lang') return { cmd: 'lang' };
  return null;
}

/**
 * Strip leading numbering and squeeze every doubled letter, so "1. Tôi đang gặp nguy hiểm"
 * and "toiiii" (stretched) compare equal to their plain words.
 */
function labelCore(label: string): string {
  return foldLoose(label).replace(/^\d+\s+/, '').replace(/(\p{L})\1+/gu, '$1');
}

/**
 * Which option a text picks: "2" → the 2nd; a label (any of `altLabels` per option, e.g. the
 * same label in vi and en) typed with or without diacritics. Returns the index or -1.
 */
export function matchOption(options: ReplyOption[], input: string, altLabels: string[][] = []): number {
  const f = foldLoose(input);
  if (/^\d{1,2}$/.test(f)) {
    const n = Number(f);
    return n >= 1 && n <= options.length ? n - 1 : -1;
  }
  if (!f) return -1;
  for (let i = 0; i < options.length; i++) {
    const labels = [options[i]?.label ?? '', ...(altLabels[i] ?? [])];
    const core = labelCore(input);
    if (labels.some((l) => labelCore(l) === core || foldLoose(l) === f)) return i;
  }
  return -1;
}

/** Labels of every language for an option text key, so an English label works in Vietnamese too. */
export function allLabels(flows: FlowSet, key: string): string[] {
  return flows.languages.map((l) => flows.texts[l]?.[key]).filter((t): t is string => !!t);
}
