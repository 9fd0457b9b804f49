/**
 * The understanding corpus (content/nlu/) checked and built into the model the engine runs.
 * Training is deterministic, so a model is keyed by the hash of what it was trained on
 * (corpus, abbreviations, the danger files, the feature and model code version) and reused within the process:
 * tests and tools that load the content many times train once.
 */
import { createHash } from 'node:crypto';
import {
  buildNlu, NluConfigSchema, NluFileSchema,
  type DangerLexicon, type Nlu, type NluConfig, type NluCorpus, type SavedModel,
} from '../engine';
import { zodIssues, type Issue } from './issues';
import type { Source } from './sources';

/** Bump when features.ts or model.ts change what a corpus trains into. */
const MODEL_VERSION = 'nlu-1';

const trained = new Map<string, SavedModel>();

/** Parse the corpus files and the settings; problems become issues naming the file. */
export function parseNlu(files: Array<Source & { lang: string }>, configSource: Source | undefined, errors: Issue[]): { corpus: NluCorpus; config: NluConfig | null } {
  const corpus: NluCorpus = {};
  const seen = new Map<string, string>();
  for (const s of files) {
    const r = NluFileSchema.safeParse(s.data);
    if (!r.success) { errors.push(...zodIssues(s.file, r.error, s.data)); continue; }
    const key = `${s.lang}:${r.data.intent}`;
    const other = seen.get(key);
    if (other) errors.push({ file: s.file, message: `intent '${r.data.intent}' is also in ${other}` });
    seen.set(key, s.file);
    (corpus[s.lang] ??= []).push(r.data);
  }
  if (!configSource) {
    errors.push({ file: 'content/nlu/config.yaml', message: 'file missing' });
    return { corpus, config: null };
  }
  const c = NluConfigSchema.safeParse(configSource.data);
  if (!c.success) { errors.push(...zodIssues(configSource.file, c.error, configSource.data)); return { corpus, config: null }; }
  return { corpus, config: c.data };
}

/** Hash of everything training depends on. */
export function corpusHash(corpus: NluCorpus, abbreviations: Record<string, string>, lexiconSource: unknown): string {
  const canonical = Object.keys(corpus).sort().map((lang) => [lang, [...(corpus[lang] ?? [])].sort((a, b) => (a.intent < b.intent ? -1 : 1))]);
  return createHash('sha256').update(JSON.stringify([MODEL_VERSION, canonical, Object.entries(abbreviations).sort(), lexiconSource])).digest('hex');
}

/** Build the model, reusing one trained from the same corpus in this process. */
export function buildNluCached(corpus: NluCorpus, config: NluConfig, abbreviations: Record<string, string>, lexicon: DangerLexicon, lexiconSource: unknown): Nlu {
  const hash = corpusHash(corpus, abbreviations, lexiconSource);
  const saved = trained.get(hash);
  const nlu = buildNlu(corpus, config, abbreviations, lexicon, saved);
  if (saved === undefined) trained.set(hash, nlu.model.toJSON());
  return nlu;
}

/** The models trained in this process, by the hash of what each was trained on. */
export function trainedModels(): ReadonlyMap<string, SavedModel> {
  return trained;
}

/**
 * Reuse a model another process trained from the same inputs (same hash, same model: training
 * is deterministic). The test harness shares models between test files this way, so each test
 * run trains once instead of once per file.
 */
export function adoptTrainedModel(hash: string, model: SavedModel): void {
  if (!trained.has(hash)) trained.set(hash, model);
}
