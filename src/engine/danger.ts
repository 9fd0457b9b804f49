/**
 * Danger detection: runs on every inbound text, in every state, before any flow logic
 * (DESIGN.md rule 1). The phrases live in content/danger/<lang>.yaml so the content team can
 * tune them without code changes; this file only compiles and applies them.
 *
 * Pipeline per language file, on each message:
 * 1. fold (no diacritics, lower case, stretched letters squeezed) and expand chat
 *    abbreviations ("ck e bi danh" → "chong em bi danh");
 * 2. blank out everyday expressions that only look dangerous ("đánh giá", "giết thời gian");
 * 3. try the rules in file order; the first match wins and its id is returned (never the text,
 *    so callers can log the rule without leaking what the person wrote).
 * Rules marked `contextual` (e.g. "bị đánh" without "đang") are skipped when the message is
 * framed as a question about the law or a hypothetical ("nếu", "bị phạt", "thế nào là"), because
 * those are the most common false alarms in a legal-information bot. Strong rules (help cries,
 * weapons, threats to kill, suicide, attacks happening now) are never suppressed.
 */
import { z } from 'zod';
import { compilePatterns, normalizeWithAbbreviations, type PatternSets } from './textMatch';

const RuleSchema = z.object({
  /** Stable id, e.g. "vi.kill_threat"; reported to callers and counted in metrics. */
  id: z.string().regex(/^[a-z]{2}\.[a-z0-9_]+$/),
  description: z.string().optional(),
  /** Suppressed inside informational/hypothetical frames (see file comment). */
  contextual: z.boolean().default(false),
  patterns: z.array(z.string().min(1)).min(1),
  /** The rule does not fire when one of these also matches (e.g. cooking next to "dao"). */
  unless: z.array(z.string().min(1)).default([]),
});

/** Zod schema of content/danger/<lang>.yaml. */
export const DangerFileSchema = z.object({
  version: z.union([z.string().min(1), z.number()]),
  lang: z.string().min(2).max(8),
  /** Chat abbreviation → full folded word(s): { ck: chong, ko: khong }. */
  abbreviations: z.record(z.string(), z.string()).default({}),
  /** Named pattern sets used as @name inside patterns. */
  sets: z.record(z.string().regex(/^[a-z_]+$/), z.array(z.string().min(1))).default({}),
  /** Everyday expressions blanked out before rules run. */
  exceptions: z.array(z.string().min(1)).default([]),
  /** Informational/hypothetical frames that suppress contextual rules. */
  contextFrames: z.array(z.string().min(1)).default([]),
  rules: z.array(RuleSchema).min(1),
});

/** One parsed danger file (output of DangerFileSchema.parse). */
export type DangerFile = z.infer<typeof DangerFileSchema>;

interface CompiledRule {
  id: string;
  contextual: boolean;
  re: RegExp;
  unless: RegExp | null;
}

interface CompiledLanguage {
  abbreviations: Record<string, string>;
  exceptions: RegExp;
  frames: RegExp;
  rules: CompiledRule[];
}

/** Precompiled lexicon of all languages; build once at start-up, reuse for every message. */
export interface DangerLexicon {
  readonly languages: readonly CompiledLanguage[];
}

/**
 * Compile the danger files (all languages are checked on every message: people mix languages
 * and type English words in Vietnamese chats). Throws with the rule id on a bad pattern.
 * @example const lex = buildDangerLexicon([DangerFileSchema.parse(yaml.parse(viText))]);
 */
export function buildDangerLexicon(files: DangerFile[]): DangerLexicon {
  const languages = files.map((file): CompiledLanguage => {
    const sets: PatternSets = file.sets;
    const compile = (where: string, patterns: string[], flags?: string): RegExp => {
      try {
        return compilePatterns(patterns, sets, flags);
      } catch (err) {
        throw new Error(`danger/${file.lang}: ${where}: ${(err as Error).message}`);
      }
    };
    return {
      abbreviations: file.abbreviations,
      exceptions: compile('exceptions', file.exceptions, 'gu'),
      frames: compile('contextFrames', file.contextFrames),
      rules: file.rules.map((r) => ({
        id: r.id,
        contextual: r.contextual,
        re: compile(r.id, r.patterns),
        unless: r.unless.length > 0 ? compile(`${r.id}.unless`, r.unless) : null,
      })),
    };
  });
  const ids = languages.flatMap((l) => l.rules.map((r) => r.id));
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw new Error(`danger: duplicate rule id ${dup}`);
  return { languages };
}

/**
 * Is this message an immediate danger? Returns the id of the first matching rule.
 * @example detectDanger(lex, "ck e cam dao doi giet e") → { danger: true, rule: 'vi.weapon' }
 */
export function detectDanger(lex: DangerLexicon, text: string): { danger: boolean; rule?: string; contextual?: boolean; framed?: boolean } {
  for (const lang of lex.languages) {
    const normalized = normalizeWithAbbreviations(text, lang.abbreviations);
    if (normalized === '') continue;
    // "_" is not a word character: it breaks phrases and gaps that would span the blanked part.
    const cleaned = normalized.replace(lang.exceptions, ' _ ');
    const framed = lang.frames.test(cleaned);
    for (const rule of lang.rules) {
      if (rule.contextual && framed) continue;
      if (!rule.re.test(cleaned)) continue;
      if (rule.unless?.test(cleaned)) continue;
      return { danger: true, rule: rule.id, contextual: rule.contextual, framed };
    }
  }
  return { danger: false };
}

/** The word that stands for an everyday expression in what the understanding model reads. */
export const IDIOM = 'idiomx';

/**
 * Replace the everyday expressions of every language ("mệt muốn chết", "đánh giá") in an
 * already normalised text by one word, as the rules blank them: the understanding model
 * reads the same exceptions, so an idiom is not danger to it either, and it learns that
 * an idiom is everyday talk.
 */
export function blankExceptions(lex: DangerLexicon, normalized: string): string {
  let out = normalized;
  for (const lang of lex.languages) out = out.replace(lang.exceptions, ` ${IDIOM} `);
  return out.replace(/\s+/g, ' ').trim();
}
