/**
 * The lock-screen check. Phones show the first line of a new message in the notification
 * preview, where someone else (often the person who uses violence) may read it without
 * opening the chat. So the first line of every text that can start a reply must not say what
 * the chat is about: no words for violence or abuse, no emergency numbers.
 */
import { fold } from '../engine';

/**
 * Words that give the subject away, folded (lower case, no diacritics). Matched as whole
 * words, also with an English plural "s".
 */
export const NON_NEUTRAL = [
  'bao luc', 'bao hanh', 'xam hai', 'cong an', 'canh sat', 'hiep dam', 'cuong dam', 'quay roi', 'mua ban nguoi',
  'danh dap', 'xam pham', 'tinh duc', 'lam dung',
  'violence', 'violent', 'abuse', 'abused', 'abusive', 'police', 'rape', 'raped', 'harass', 'assault',
  'trafficking', 'domestic', 'sex', 'sexual', 'beat', 'beaten', 'beating',
];

/**
 * Words whose folded form is an everyday word ("đánh" folds to "danh", as in "danh sách",
 * "dành"; "hiếp" to "hiep", as in "hiệp hội"), so they are matched with their diacritics.
 */
const NON_NEUTRAL_EXACT = ['đánh', 'hiếp'];
/** Everyday phrases built on those words ("đánh giá" = assess, "đánh dấu" = tick). */
const HARMLESS_PHRASES = ['đánh giá', 'đánh dấu'];

/** Emergency numbers: "113" alone on a lock screen says danger as clearly as any word. */
const EMERGENCY_NUMBERS = ['111', '113', '115'];

/**
 * Text keys allowed a revealing first line, each with the reason. Keep it short: an
 * exemption means an onlooker may learn what the chat is about, and content:check warns when
 * one is no longer needed. The emergency texts belong to the lead, who decides whether an
 * exemption stays or the text gets a neutral first line.
 */
export const LOCK_SCREEN_EXEMPT: Readonly<Record<string, string>> = {
  'emergency.other':
    'danger reply when someone else is being hurt now: 113 and the police come first so a witness can act from the preview alone (DESIGN rule 1). Lead to confirm.',
};

const wordAt = (text: string, word: string): boolean =>
  new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'u').test(text);

/** The first line that has any text in it (a reply's notification preview). */
export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? '';
}

/** The word or number in the first line that would reveal the subject, or null when it is neutral. */
export function revealingWord(text: string): string | null {
  const line = firstLine(text);
  const folded = ` ${fold(line)} `;
  const folds = NON_NEUTRAL.find((w) => folded.includes(` ${w} `) || folded.includes(` ${w}s `));
  if (folds) return folds;
  let exact = line.normalize('NFC').toLowerCase();
  for (const p of HARMLESS_PHRASES) exact = exact.split(p).join(' ');
  return NON_NEUTRAL_EXACT.find((w) => wordAt(exact, w)) ?? EMERGENCY_NUMBERS.find((n) => folded.includes(` ${n} `)) ?? null;
}
