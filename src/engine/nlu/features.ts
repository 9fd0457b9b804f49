/**
 * What the classifier sees of a message: features of the normalised text, never the text
 * itself. The same folding as danger detection (no diacritics, lower case, chat
 * abbreviations expanded), then every doubled letter squeezed ("emmm" → "em"), so
 * "Chồng em đánh em", "ck e danh e" and "chong emmm danh em" share most features.
 *
 * Features (binary):
 * - `w:chong`       each word;
 * - `b:chong danh`  each pair of neighbouring words (order carries meaning: "bị đánh");
 * - `c:_cho`        character 3- and 4-grams of each word padded with "_", which carry
 *                   what words share despite typos, missing tone marks and teencode.
 */
import { normalizeWithAbbreviations } from '../textMatch';
import { blankExceptions, type DangerLexicon } from '../danger';

/**
 * Numbers become one of two words, under 18 or not: what a number says about a message is
 * mostly whether it is a child's age ("em 13t", "tôi 40 tuổi"), and single numbers are too
 * rare in the examples to learn from one by one. "13t" counts as 13.
 */
function numberWords(w: string): string[] {
  const m = /^(\d{1,3})(t)?$/.exec(w);
  if (!m) return [w];
  const n = Number(m[1]) < 18 ? 'numunder' : 'numover';
  return m[2] ? [n, 'tuoi'] : [n];
}

/** The words the model reads: numbers as "numunder"/"numover" (see numberWords). */
export function modelWords(words: readonly string[]): string[] {
  return words.flatMap(numberWords);
}

/**
 * The normalised words of a message ("Ck e đang đánh e!!" → ["chong", "em", "dang", "danh", "em"]),
 * without the danger lexicon's everyday expressions when it is given ("mệt muốn chết" → []).
 */
export function wordsOf(text: string, abbreviations: Record<string, string>, lexicon?: DangerLexicon): string[] {
  const folded = normalizeWithAbbreviations(text, abbreviations);
  const n = lexicon ? blankExceptions(lexicon, folded) : folded;
  if (n === '') return [];
  return n.split(' ').map((w) => w.replace(/(\p{L})\1+/gu, '$1')).filter((w) => w.length > 0);
}

/** Feature names of a message's words (deduplicated, in a stable order). */
export function featuresOfWords(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    out.add(`w:${w}`);
    if (i + 1 < words.length) out.add(`b:${w} ${words[i + 1] as string}`);
    const padded = `_${w}_`;
    for (const n of [3, 4]) {
      for (let j = 0; j + n <= padded.length; j++) out.add(`c:${padded.slice(j, j + n)}`);
    }
  }
  return [...out];
}
