/**
 * Province lookup for "Find help near me": a typed name, with or without diacritics, an
 * abbreviation ("hcm", "hn") or a province name from before the July 2025 merger ("Quảng Bình",
 * "Bình Dương") → one of today's 34 provinces/cities (content/directory/provinces.yaml).
 */
import { z } from 'zod';
import { fold } from './normalize';

const ProvinceSchema = z.object({
  /** Stable slug used by directory entries ("ho-chi-minh"). */
  code: z.string().regex(/^[a-z]+(-[a-z]+)*$/),
  name: z.object({ vi: z.string().min(1), en: z.string().min(1) }),
  /** Provinces merged into this one on 1/7/2025, as they were written before. */
  formerNames: z.array(z.string().min(1)),
  /** Other typed forms: abbreviations, names without spaces, main cities. */
  aliases: z.array(z.string().min(1)).optional(),
  /**
   * Its names that are also everyday words once diacritics are gone ("hoà bình" = peace, "hai
   * phòng" = two rooms, "hn" = hôm nay): in free text they count only after "tỉnh", "ở",
   * "tại"… (the province picker takes them as they are).
   */
  ambiguous: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
});

/** Zod schema of content/directory/provinces.yaml. */
export const ProvincesFileSchema = z
  .object({
    version: z.union([z.string().min(1), z.number()]),
    lastChecked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    sources: z.array(z.string().url()).optional(),
    provinces: z.array(ProvinceSchema).min(1),
  })
  .superRefine((file, ctx) => {
    // Two provinces answering to the same folded name would make matching depend on file order.
    const seen = new Map<string, string>();
    for (const p of file.provinces) {
      for (const phrase of phrasesOf(p)) {
        const other = seen.get(phrase);
        if (other !== undefined && other !== p.code) {
          ctx.addIssue({ code: 'custom', message: `"${phrase}" names both ${other} and ${p.code}` });
        }
        seen.set(phrase, p.code);
      }
    }
  });

/** A current province/city. */
export interface Province {
  code: string;
  name: { vi: string; en: string };
  formerNames: string[];
  aliases?: string[];
  ambiguous?: string[];
}

/** Words people put in front of a name that say nothing about which province it is. */
const PREFIX = /^(tinh|thanh pho|tp|province|city|the city of)\s+/;

/** The folded forms one name answers to: as written, without "tỉnh"/"thành phố"/"TP", without spaces. */
function formsOf(name: string): string[] {
  const f = fold(name);
  if (f === '') return [];
  return [f, f.replace(PREFIX, ''), f.replace(/\s+/g, '')]; // "dak lak" → "daklak", "ha noi" → "hanoi"
}

/** All folded phrases a province answers to. */
function phrasesOf(p: Province): string[] {
  const raw = [p.name.vi, p.name.en, ...p.formerNames, ...(p.aliases ?? [])];
  return [...new Set(raw.flatMap(formsOf))];
}

interface Index {
  re: RegExp;
  byPhrase: Map<string, Province>;
  /** Folded phrases (and their forms without spaces/prefix) that need a place word in free text. */
  ambiguous: Set<string>;
}

/** Built once per provinces array (the loaded content is immutable), so lookups stay cheap. */
const cache = new WeakMap<Province[], Index>();

function indexOf(provinces: Province[]): Index {
  const hit = cache.get(provinces);
  if (hit) return hit;
  const byPhrase = new Map<string, Province>();
  for (const p of provinces) for (const phrase of phrasesOf(p)) if (!byPhrase.has(phrase)) byPhrase.set(phrase, p);
  // Longest phrases first, so "ba ria vung tau" wins over "vung tau" at the same position.
  const alternatives = [...byPhrase.keys()]
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, '\\s+'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  const ambiguous = new Set<string>();
  for (const p of provinces) {
    for (const a of p.ambiguous ?? []) {
      const f = fold(a);
      ambiguous.add(f);
      ambiguous.add(f.replace(/\s+/g, ''));
    }
  }
  const index = { re, byPhrase, ambiguous };
  cache.set(provinces, index);
  return index;
}

/** Words right before a name that say a place follows. */
const PLACE_CUE = /(?:^|\s)(?:tinh|thanh pho|tp|o|tai|ve|den|toi|len|ra|vo|from|in|at|to|near|province|city)\s+$/;

/**
 * The province named in `text`, or null. The longest name found wins, then the first one:
 * "tôi ở Bà Rịa Vũng Tàu" → TP Hồ Chí Minh; "Quang Binh" → Quảng Trị; "xin chào" → null.
 * `inSentence` (free text rather than the picker): names in `ambiguous` count only after a
 * place word ("nhà tạm lánh ở Hòa Bình", not "muốn hòa bình với chồng").
 */
export function matchProvince(provinces: Province[], text: string, opts: { inSentence?: boolean } = {}): Province | null {
  return findProvince(provinces, text, opts)?.province ?? null;
}

/**
 * matchProvince, with the folded phrase that named the province, so a caller can tell a
 * former name ("quang binh") from today's name and say where that province belongs now.
 */
export function findProvince(provinces: Province[], text: string, opts: { inSentence?: boolean } = {}): { province: Province; phrase: string } | null {
  const folded = fold(text);
  if (folded === '') return null;
  const { re, byPhrase, ambiguous } = indexOf(provinces);
  let best: string | null = null;
  for (const m of folded.matchAll(re)) {
    const phrase = m[0].replace(/\s+/g, ' ');
    if (opts.inSentence && ambiguous.has(phrase) && !PLACE_CUE.test(folded.slice(0, m.index))) continue;
    if (best === null || phrase.length > best.length) best = phrase;
  }
  const province = best === null ? undefined : byPhrase.get(best);
  return province && best !== null ? { province, phrase: best } : null;
}

/** The former name (as written in provinces.yaml) that a phrase from findProvince stands for, else null. */
export function formerNameOf(p: Province, phrase: string): string | null {
  return p.formerNames.find((n) => formsOf(n).includes(phrase)) ?? null;
}

/** A name without Vietnamese diacritics, case kept: "Bà Rịa – Vũng Tàu" → "Ba Ria – Vung Tau" (English replies). */
export function withoutDiacritics(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** Words in front of a name that people skip when they look it up: "TP Hồ Chí Minh" is found under H. */
const SORT_PREFIX = /^(?:tp\.?|thành phố|tỉnh)\s+/iu;
const sorted = new WeakMap<Province[], Map<string, Province[]>>();

/**
 * The provinces in alphabetical order of their name in `lang` ('en': English names, else
 * Vietnamese names with Vietnamese collation, where "Đ" follows "D" and tones sort after the
 * base letter). Computed once per provinces array and language.
 */
export function provincesInOrder(provinces: Province[], lang: string): Province[] {
  const l = lang === 'en' ? 'en' : 'vi';
  const perLang = sorted.get(provinces) ?? new Map<string, Province[]>();
  sorted.set(provinces, perLang);
  const hit = perLang.get(l);
  if (hit) return hit;
  const key = (p: Province) => p.name[l].replace(SORT_PREFIX, '');
  const list = [...provinces].sort((a, b) => key(a).localeCompare(key(b), l));
  perLang.set(l, list);
  return list;
}
