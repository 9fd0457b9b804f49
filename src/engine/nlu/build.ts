/**
 * Build the understanding model from the corpus, once at start-up. Deterministic: files are
 * taken in a sorted order, examples in file order, and the model starts from zero weights.
 */
import type { NluConfig, NluCorpus } from './corpus';
import { featuresOfWords, wordsOf } from './features';
import type { DangerLexicon } from '../danger';
import { intentModelFromJSON, trainIntentModel, type IntentModel, type SavedModel, type TrainingItem } from './model';

/** Everything understand() needs. */
export interface Nlu {
  model: IntentModel;
  config: NluConfig;
  /** Chat abbreviations of every language, merged ("ck" → "chong", "u" → "you"). */
  abbreviations: Record<string, string>;
  /** The danger lexicon: its everyday expressions are blanked out before the model reads a message. */
  lexicon: DangerLexicon;
}

/** The training items of a corpus, in a reproducible order (language, intent, file order). */
export function trainingItems(corpus: NluCorpus, abbreviations: Record<string, string>, lexicon: DangerLexicon): TrainingItem[] {
  const items: TrainingItem[] = [];
  for (const lang of Object.keys(corpus).sort()) {
    const files = [...(corpus[lang] ?? [])].sort((a, b) => (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
    for (const f of files) {
      for (const ex of f.examples) {
        const words = wordsOf(ex, abbreviations, lexicon).model;
        if (words.length > 0) items.push({ intent: f.intent, features: featuresOfWords(words) });
      }
    }
  }
  return items;
}

/**
 * Train the model (or restore one trained earlier from the same corpus: `saved`).
 * @example buildNlu(corpus, config, { ck: 'chong' }, lexicon)
 */
export function buildNlu(corpus: NluCorpus, config: NluConfig, abbreviations: Record<string, string>, lexicon: DangerLexicon, saved?: SavedModel): Nlu {
  const model = saved !== undefined ? intentModelFromJSON(saved) : trainIntentModel(trainingItems(corpus, abbreviations, lexicon));
  return { model, config, abbreviations, lexicon };
}
