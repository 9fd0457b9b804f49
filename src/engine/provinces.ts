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

/** All folded phrases a province answers to, with and without "tỉnh"/"thành phố"/"TP". */
function phrasesOf(p: Province): string[] {
  const raw = [p.name.vi, p.name.en, ...p.formerNames, ...(p.aliases ?? [])];
  const out = new Set<string>();
  for (const r of raw) {
    const f = fold(r);
    if (f === '') continue;
    out.add(f);
    out.add(f.replace(PREFIX, ''));
    out.add(f.replace(/\s+/g, '')); // "dak lak" → "daklak", "ha noi" → "hanoi"
  }
  return [...out];
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
  const folded = fold(text);
  if (folded === '') return null;
  const { re, byPhrase, ambiguous } = indexOf(provinces);
  let best: string | null = null;
  for (const m of folded.matchAll(re)) {
    const phrase = m[0].replace(/\s+/g, ' ');
    if (opts.inSentence && ambiguous.has(phrase) && !PLACE_CUE.test(folded.slice(0, m.index))) continue;
    if (best === null || phrase.length > best.length) best = phrase;
  }
  return best === null ? null : byPhrase.get(best) ?? null;
}
