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
import { normalizeWithAbbreviations, squeezeAll } from '../textMatch';
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

/** Numbers as "numunder"/"numover" (see numberWords). */
function modelWords(words: readonly string[]): string[] {
  return words.flatMap(numberWords);
}

/** The words of an already normalised text, each with its doubled letters squeezed. */
function split(normalized: string): string[] {
  if (normalized === '') return [];
  return normalized.split(' ').map(squeezeAll).filter((w) => w.length > 0);
}

/**
 * A message's words, normalised once: as written (`slots`: "Ck e 13t!!" → ["chong", "em", "13t"])
 * and as the model reads them (`model`: the danger lexicon's everyday expressions as one word,
 * numbers as under/over 18; "mệt muốn chết" → ["idiomx"]).
 */
export function wordsOf(text: string, abbreviations: Record<string, string>, lexicon: DangerLexicon): { slots: string[]; model: string[] } {
  const normalized = normalizeWithAbbreviations(text, abbreviations);
  return { slots: split(normalized), model: modelWords(split(blankExceptions(lexicon, normalized))) };
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
