/**
 * The intent model: multinomial logistic regression (softmax) over sparse binary features,
 * trained by stochastic gradient descent with L2 shrinkage. Written here rather than taken
 * from a library: NLP.js's neural classifier took 80 s to train on this corpus's ~70,000
 * distinct n-gram features (it loops over every intent unit per example and iteration, and
 * needed many iterations), natural's logistic regression is slower still, and wink's naive
 * Bayes brings an English language model we do not use; this one trains in about a second
 * and gives probabilities, which the danger threshold needs.
 *
 * No per-intent bias (prior): a message with little in it ("1", "ok con") would otherwise
 * inherit each intent's share of the corpus, and the four danger intents hold a fifth of the
 * examples; without it, the held-out false alarms fell from 5.0% to 4.0% at the same recall.
 *
 * Deterministic: features are numbered in the order first seen, examples are visited in a
 * fixed pseudo-random order (a seeded generator, not Math.random), weights start at zero,
 * and the schedule is fixed. Same corpus → same weights.
 */

import { seeded } from '../seeded';

/** One labelled example, already turned into features. */
export interface TrainingItem {
  intent: string;
  features: string[];
}

/** A trained model: the probability of each intent for a message's features. */
export interface IntentModel {
  readonly intents: readonly string[];
  /** Probabilities per intent (they sum to 1). */
  scores(features: readonly string[]): Record<string, number>;
  /** How many of these features the model has seen in training. */
  known(features: readonly string[]): number;
  /** Weights in a JSON-able form (for reuse by corpus hash). */
  toJSON(): SavedModel;
}

/** A model saved with toJSON(). */
export interface SavedModel {
  intents: string[];
  features: string[];
  weights: number[];
  bias: number[];
}

/**
 * Fixed schedule: passes over the corpus, learning rate and its decay, L2 shrinkage (chosen by
 * cross-validation accuracy; 14-30 passes and rates 0.6-10 were within a point of each other).
 */
const EPOCHS = 20;
const RATE = 5;
const DECAY = 0.2;
const L2 = 1e-4;

function softmaxInto(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) { z[c] = Math.exp((z[c] as number) - max); sum += z[c] as number; }
  for (let c = 0; c < z.length; c++) z[c] = (z[c] as number) / sum;
}

function makeModel(intents: string[], index: Map<string, number>, weights: Float64Array, bias: Float64Array): IntentModel {
  const C = intents.length;
  const z = new Float64Array(C);
  return {
    intents,
    scores(features) {
      const ids: number[] = [];
      for (const f of features) { const i = index.get(f); if (i !== undefined) ids.push(i); }
      const scale = 1 / Math.sqrt(Math.max(1, features.length));
      for (let c = 0; c < C; c++) z[c] = bias[c] as number;
      for (const i of ids) for (let c = 0; c < C; c++) z[c] = (z[c] as number) + (weights[i * C + c] as number) * scale;
      softmaxInto(z);
      const out: Record<string, number> = {};
      for (let c = 0; c < C; c++) out[intents[c] as string] = z[c] as number;
      return out;
    },
    known: (features) => features.reduce((n, f) => n + (index.has(f) ? 1 : 0), 0),
    toJSON: () => ({ intents, features: [...index.keys()], weights: Array.from(weights), bias: Array.from(bias) }),
  };
}

/** Train on the items (callers give them in a fixed order, so the result is reproducible). */
export function trainIntentModel(items: readonly TrainingItem[]): IntentModel {
  const intents = [...new Set(items.map((i) => i.intent))].sort();
  const C = intents.length;
  const classOf = new Map(intents.map((n, i) => [n, i]));
  const index = new Map<string, number>();
  const rows = items.map((it) => {
    const ids = it.features.map((f) => {
      let i = index.get(f);
      if (i === undefined) { i = index.size; index.set(f, i); }
      return i;
    });
    return { ids, y: classOf.get(it.intent) as number, scale: 1 / Math.sqrt(Math.max(1, ids.length)) };
  });
  const weights = new Float64Array(index.size * C);
  // Kept at zero (see above); stored so a saved model keeps its shape.
  const bias = new Float64Array(C);
  const z = new Float64Array(C);
  const order = rows.map((_r, i) => i);
  const rand = seeded(20261129);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const rate = RATE / (1 + DECAY * epoch);
    for (const k of order) {
      const r = rows[k] as (typeof rows)[number];
      for (let c = 0; c < C; c++) z[c] = bias[c] as number;
      for (const i of r.ids) for (let c = 0; c < C; c++) z[c] = (z[c] as number) + (weights[i * C + c] as number) * r.scale;
      softmaxInto(z);
      // The step per intent, then one pass over the message's features (row by row in memory).
      for (let c = 0; c < C; c++) z[c] = rate * ((z[c] as number) - (c === r.y ? 1 : 0)) * r.scale;
      const shrink = 1 - rate * L2;
      for (const i of r.ids) {
        const base = i * C;
        for (let c = 0; c < C; c++) weights[base + c] = (weights[base + c] as number) * shrink - (z[c] as number);
      }
    }
  }
  return makeModel(intents, index, weights, bias);
}

/** Rebuild a model saved with toJSON(). */
export function intentModelFromJSON(saved: SavedModel): IntentModel {
  const index = new Map(saved.features.map((f, i) => [f, i]));
  return makeModel(saved.intents, index, Float64Array.from(saved.weights), Float64Array.from(saved.bias));
}
