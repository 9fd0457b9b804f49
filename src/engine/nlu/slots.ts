/**
 * Slots read from the same message as its intent: an age, whether a child is involved,
 * and who the other person is. Everything works on the normalised words (features.ts).
 */import { squeezeAll } from '../textMatch';


/** Who the other person is to the writer, as far as the law's routes go. */
export type Relation = 'family' | 'partner' | 'dating' | 'workplace' | 'school' | 'stranger';

/**
 * Words naming the other person → relation. Longest match wins ("nguoi yeu cu" before
 * "nguoi yeu"). Spouses and ex-spouses are `partner` (the DV law covers them); boy/girlfriends
 * who never lived together are `dating`.
 */
const RELATIONS: Array<[string, Relation]> = [
  ['chong cu', 'partner'], ['vo cu', 'partner'], ['chong', 'partner'], ['vo', 'partner'],
  ['husband', 'partner'], ['wife', 'partner'], ['ex husband', 'partner'], ['ex wife', 'partner'],
  ['nguoi yeu cu', 'dating'], ['nguoi yeu', 'dating'], ['ban trai', 'dating'], ['ban gai', 'dating'],
  ['boyfriend', 'dating'], ['girlfriend', 'dating'], ['my ex', 'dating'],
  ['bo duong', 'family'], ['cha duong', 'family'], ['ba duong', 'family'], ['me ke', 'family'], ['di ghe', 'family'],
  ['me chong', 'family'], ['bo chong', 'family'], ['anh chong', 'family'], ['em chong', 'family'],
  ['stepfather', 'family'], ['stepdad', 'family'], ['stepmother', 'family'], ['in law', 'family'], ['in laws', 'family'],
  ['bo', 'family'], ['cha', 'family'], ['me', 'family'], ['ba', 'family'], ['ma', 'family'], ['anh trai', 'family'],
  ['father', 'family'], ['dad', 'family'], ['mother', 'family'], ['mom', 'family'], ['brother', 'family'], ['uncle', 'family'],
  ['sep', 'workplace'], ['dong nghiep', 'workplace'], ['quan ly', 'workplace'], ['giam doc', 'workplace'], ['truong phong', 'workplace'],
  ['khach hang', 'workplace'], ['boss', 'workplace'], ['manager', 'workplace'], ['coworker', 'workplace'], ['colleague', 'workplace'],
  ['thay giao', 'school'], ['co giao', 'school'], ['giao vien', 'school'], ['thay chu nhiem', 'school'], ['co chu nhiem', 'school'],
  ['hieu truong', 'school'], ['teacher', 'school'], ['tutor', 'school'], ['thay day them', 'school'],
  ['nguoi la', 'stranger'], ['stranger', 'stranger'],
];
/** Message words have doubled letters squeezed ("boss" → "bos", features.ts); so do these. */
const RELATION_PHRASES = RELATIONS.map(([p, r]): [string, Relation] => [squeezeAll(p), r]).sort((a, b) => b[0].length - a[0].length);

/** Words that mean a child is involved even without an age. */
const CHILD_WORDS_RAW = [
  'con gai toi', 'con trai toi', 'con toi', 'con em', 'con gai em', 'con trai em', 'con minh', 'con tui',
  'be', 'em be', 'tre em', 'tre con', 'dua nho', 'dua tre', 'hoc sinh', 'con be', 'thang be', 'chau gai', 'chau toi',
  'my child', 'my daughter', 'my son', 'my kid', 'my kids', 'a child', 'the child', 'kid', 'kids', 'children', 'student',
];
const CHILD_WORDS = CHILD_WORDS_RAW.map(squeezeAll);

/** Ages people state: "15 tuổi", "15t", "15 tuoi", "i m 14", "14 years old", "14yo", "lớp 7" (grade + 6). */
export function ageOf(words: readonly string[]): number | null {
  const s = ` ${words.join(' ')} `;
  const m = /\s(\d{1,2})\s?(?:tuoi|t|years? old|yo|y o|yrs? old)\s/.exec(s)
    // "I'm 14" folds to "i m 14", and the shared abbreviations read a lone "m" as Vietnamese "mày".
    ?? /\s(?:i m|i may|im|i am|toi|em|tui|minh|con|be|chau)\s(\d{1,2})\s/.exec(s);
  if (m?.[1]) return Number(m[1]);
  const grade = /\s(?:lop|grade)\s(\d{1,2})\s/.exec(s);
  if (grade?.[1]) {
    const g = Number(grade[1]);
    if (g >= 1 && g <= 12) return g + 6;
  }
  return null;
}

/** The relation named in the message, or null. */
export function relationOf(words: readonly string[]): Relation | null {
  const s = ` ${words.join(' ')} `;
  let best: { at: number; rel: Relation } | null = null;
  for (const [phrase, rel] of RELATION_PHRASES) {
    const at = s.indexOf(` ${phrase} `);
    if (at >= 0 && (best === null || at < best.at)) best = { at, rel };
  }
  return best?.rel ?? null;
}

/** A child is involved: an age under 18, or words for a child. */
export function mentionsChild(words: readonly string[], age: number | null): boolean {
  if (age !== null && age < 18) return true;
  const s = ` ${words.join(' ')} `;
  return CHILD_WORDS.some((w) => s.includes(` ${w} `));
}
