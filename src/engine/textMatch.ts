/**
 * A tiny phrase-pattern language compiled to regular expressions, shared by danger detection
 * and province matching. Content editors write readable patterns in YAML; the code turns them
 * into precompiled, boundary-anchored regexes once, at start-up, so matching stays cheap.
 *
 * Syntax (patterns are matched against folded text: lower case, no diacritics, single spaces):
 * - `chong danh toi`      words; a space matches one or more spaces;
 * - `(dang |vua )?danh`   groups with `|` alternatives and `?` for optional parts;
 * - `doa ~ giet`          `~` = a gap of zero to three arbitrary words;
 * - `@victim`             a named set defined next to the rules (expanded recursively);
 * - `^help$`              `^`/`$` anchor to the start/end of the whole message;
 * - every letter matches itself repeated ("cuu" matches "cuuuu"), because people stretch
 *   words when they are scared or insistent, and foldLoose() only squeezes runs of 3+.
 */
import { foldLoose } from './normalize';

/** Letters/digits that count as "inside a word" for the boundaries around a pattern. */
const WORD = '[\\p{L}\\p{N}]';
const GAP = '(?:\\s+[\\p{L}\\p{N}/]+){0,3}\\s+';

/** Named sets: name → list of patterns (which may themselves use other sets). */
export type PatternSets = Record<string, string[]>;

/** Translate one pattern to regex source (no boundaries). Throws on unknown sets or loops. */
export function patternSource(pattern: string, sets: PatternSets = {}, depth = 0): string {
  if (depth > 5) throw new Error(`pattern sets nest too deeply near "${pattern}"`);
  const p = pattern.trim().replace(/\s+/g, ' ');
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p.charAt(i);
    if (c === '@') {
      const m = /^@([a-z_]+)/.exec(p.slice(i));
      const name = m?.[1];
      const members = name === undefined ? undefined : sets[name];
      if (name === undefined || members === undefined) throw new Error(`unknown set in "${pattern}"`);
      out += `(?:${members.map((s) => patternSource(s, sets, depth + 1)).join('|')})`;
      i += name.length;
    } else if (c === '~') {
      // " ~ " is one gap: drop the spaces on both sides, the gap brings its own.
      out = out.replace(/\\s\+$/, '');
      out += GAP;
      if (p.charAt(i + 1) === ' ') i++;
    } else if (c === ' ') out += '\\s+';
    else if (c === '(') out += '(?:';
    else if (c === '?' && p.charAt(i - 1) !== ')') throw new Error(`"?" must follow a group in "${pattern}"`);
    else if (c === ')' || c === '|' || c === '?' || c === '^' || c === '$') out += c;
    else if (/[\p{L}\p{N}/]/u.test(c)) out += `${c.replace('/', '\\/')}+`;
    else throw new Error(`unsupported character "${c}" in pattern "${pattern}"`);
  }
  return out;
}

/** Compile patterns into one case-sensitive regex on folded text, anchored on word boundaries. */
export function compilePatterns(patterns: string[], sets: PatternSets = {}, flags = 'u'): RegExp {
  // An empty list must match nothing (an empty alternation would match everywhere).
  if (patterns.length === 0) return new RegExp('(?!)', flags);
  const body = patterns.map((p) => patternSource(p, sets)).join('|');
  return new RegExp(`(?<!${WORD})(?:${body})(?!${WORD})`, flags);
}

/** Squeeze every doubled letter ("ckk" → "ck", "boss" → "bos"): abbreviation look-ups and the words the model reads. */
export function squeezeAll(token: string): string {
  return token.replace(/(\p{L})\1+/gu, '$1');
}

/**
 * Fold the text and expand chat abbreviations token by token ("ck e bi danh" → "chong em bi danh").
 * Lookups ignore stretched letters ("ckkk" is "ck"); tokens not in the map are kept as they are.
 */
export function normalizeWithAbbreviations(text: string, abbreviations: Record<string, string>): string {
  const folded = foldLoose(text);
  if (folded === '') return '';
  return folded
    .split(' ')
    .map((t) => abbreviations[t] ?? abbreviations[squeezeAll(t)] ?? t)
    .join(' ');
}
