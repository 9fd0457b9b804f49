/**
 * k-fold cross-validation on the training corpus: each fold's examples are understood by a
 * model trained on the other folds (examples are dealt to folds by their place in their
 * file, so every intent is in every fold and the split is the same on every run).
 */
import {
  buildNlu, detectDanger, understand, type DangerLexicon, type NluConfig, type NluCorpus, type Understanding,
} from '../engine';

/** One example scored by a model that did not see it. */
export interface Scored {
  lang: string;
  intent: string;
  u: Understanding;
  /** The lexicon alone (before the model's veto), so thresholds can be tried again. */
  rule: { danger: boolean; contextual?: boolean; framed?: boolean };
}

/** Corpus without fold `k` (train) and fold `k` alone (test). */
function split(corpus: NluCorpus, k: number, folds: number): { train: NluCorpus; test: NluCorpus } {
  const train: NluCorpus = {};
  const test: NluCorpus = {};
  for (const [lang, files] of Object.entries(corpus)) {
    train[lang] = files.map((f) => ({ intent: f.intent, examples: f.examples.filter((_e, i) => i % folds !== k) }));
    test[lang] = files.map((f) => ({ intent: f.intent, examples: f.examples.filter((_e, i) => i % folds === k) }));
  }
  return { train, test };
}

/** Score every corpus example with a model trained without its fold. */
export function crossValidate(corpus: NluCorpus, config: NluConfig, abbreviations: Record<string, string>, lexicon: DangerLexicon, folds = 5): Scored[] {
  const out: Scored[] = [];
  for (let k = 0; k < folds; k++) {
    const { train, test } = split(corpus, k, folds);
    const nlu = buildNlu(train, config, abbreviations, lexicon);
    for (const [lang, files] of Object.entries(test)) {
      for (const f of files) for (const text of f.examples) out.push({ lang, intent: f.intent, u: understand(nlu, text), rule: detectDanger(lexicon, text) });
    }
  }
  return out;
}
