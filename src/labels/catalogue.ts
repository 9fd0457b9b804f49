/**
 * The label catalogue (STYLE habit 16: one home for labels): content/labels/<lang>.yaml read
 * once and checked by zod, with province names from content/directory/provinces.yaml. The
 * console (GET /console/api/labels), the reports page, the CSV and the text report all ask it.
 * An unknown code is shown as itself (and content:check reports the gap before it ships).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../db/devdb';
import { CODE_LISTS, LABEL_LANGS, LabelLang } from './codes';

const FileSchema = z.object({
  version: z.literal(1),
  lang: z.enum(LABEL_LANGS),
  labels: z.record(z.string(), z.record(z.string(), z.string().min(1))),
});
const ProvincesSchema = z.object({ provinces: z.array(z.object({ code: z.string(), name: z.object({ vi: z.string(), en: z.string() }) })) });

/** kind → code → label, per language. @example labels.vi.violence.physical_assault === 'Bạo lực thể chất' */
export type Catalogue = Record<LabelLang, Record<string, Record<string, string>>>;

/** One finding of the catalogue check (same shape as the content issues). */
export interface LabelIssue { file: string; where?: string; message: string }

/** Read the catalogue under `root`. */
export function readCatalogue(root: string): { catalogue: Catalogue; issues: LabelIssue[] } {
  const issues: LabelIssue[] = [];
  const catalogue = { vi: {}, en: {} } as Catalogue;
  for (const lang of LABEL_LANGS) {
    const file = `content/labels/${lang}.yaml`;
    try {
      const parsed = FileSchema.safeParse(YAML.parse(fs.readFileSync(path.join(root, file), 'utf8')) ?? {});
      if (!parsed.success) { issues.push({ file, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }); continue; }
      if (parsed.data.lang !== lang) issues.push({ file, message: `lang is '${parsed.data.lang}', expected '${lang}'` });
      catalogue[lang] = parsed.data.labels;
    } catch (err) {
      issues.push({ file, message: `cannot read: ${(err as Error).message}` });
    }
  }
  const provFile = 'content/directory/provinces.yaml';
  try {
    const p = ProvincesSchema.parse(YAML.parse(fs.readFileSync(path.join(root, provFile), 'utf8')));
    for (const lang of LABEL_LANGS) {
      const own = catalogue[lang].province ?? {};
      catalogue[lang].province = { ...Object.fromEntries(p.provinces.map((x) => [x.code, x.name[lang]])), ...own };
    }
  } catch (err) {
    issues.push({ file: provFile, message: `cannot read province names: ${(err as Error).message}` });
  }
  return { catalogue, issues };
}

/** Codes without a label: every list of CODE_LISTS plus the given topic ids, in every language. */
export function missingLabels(catalogue: Catalogue, topics: readonly string[]): LabelIssue[] {
  const lists: Record<string, readonly string[]> = { ...CODE_LISTS, topic: topics };
  const out: LabelIssue[] = [];
  for (const lang of LABEL_LANGS) {
    for (const [kind, codes] of Object.entries(lists)) {
      const have = catalogue[lang][kind] ?? {};
      const missing = codes.filter((c) => !have[c]);
      if (missing.length) out.push({ file: `content/labels/${lang}.yaml`, where: `labels.${kind}`, message: `no label for ${missing.join(', ')}` });
    }
  }
  return out;
}

/** Catalogue errors under `root`: unreadable files, and codes without a label. */
export function checkLabels(root: string, topics: readonly string[]): LabelIssue[] {
  const { catalogue, issues } = readCatalogue(root);
  return [...issues, ...missingLabels(catalogue, topics)];
}

let loaded: Catalogue | undefined;

/** The repository's catalogue, read on first use. */
export function catalogue(): Catalogue {
  if (!loaded) {
    const { catalogue: c, issues } = readCatalogue(REPO_ROOT);
    if (issues.length) throw new Error(`label catalogue: ${issues.map((i) => `${i.file}: ${i.message}`).join('; ')}`);
    loaded = c;
  }
  return loaded;
}

/** The label of a code in a language (falls back to vi, then to the code itself). */
export function label(lang: string, kind: string, code: string): string {
  const c = catalogue();
  const l: LabelLang = lang === 'en' ? 'en' : 'vi';
  return c[l][kind]?.[code] ?? c.vi[kind]?.[code] ?? code;
}
