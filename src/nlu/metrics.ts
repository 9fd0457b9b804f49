/**
 * Figures of the understanding evaluation: per-intent precision/recall/F1, a confusion
 * matrix, danger recall and false alarms, topic accuracy, and the thresholds that
 * cross-validation suggests. Pure functions over scored examples.
 */
import type { NluConfig } from '../engine';
import type { Scored } from './crossValidate';

/** Precision, recall, F1 and support of one intent. */
export interface IntentFigures { intent: string; precision: number; recall: number; f1: number; support: number }

/** What the bot would pick for a scored example: its danger intent when danger, else its intent. */
export function predicted(s: Scored, config: NluConfig): string {
  if (s.u.danger) {
    const kinds = Object.entries(config.dangerIntents);
    return kinds.find(([, k]) => k === s.u.dangerKind)?.[0] ?? kinds[0]?.[0] ?? 'danger';
  }
  return s.u.intent ?? 'none';
}

export function perIntent(pairs: Array<[string, string]>): IntentFigures[] {
  const intents = [...new Set(pairs.map(([t]) => t))].sort();
  return intents.map((intent) => {
    const tp = pairs.filter(([t, p]) => t === intent && p === intent).length;
    const fp = pairs.filter(([t, p]) => t !== intent && p === intent).length;
    const fn = pairs.filter(([t, p]) => t === intent && p !== intent).length;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return { intent, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support: tp + fn };
  });
}

/** Confusion matrix as text: rows = true intent, columns = predicted (numbered). */
export function confusionText(pairs: Array<[string, string]>): string {
  const labels = [...new Set(pairs.flatMap(([t, p]) => [t, p]))].sort();
  const idx = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => labels.map(() => 0));
  for (const [t, p] of pairs) (m[idx.get(t) as number] as number[])[idx.get(p) as number]! += 1;
  const w = 4;
  const head = ' '.repeat(26) + labels.map((_l, i) => String(i + 1).padStart(w)).join('');
  const rows = labels.map((l, i) => `${String(i + 1).padStart(2)} ${l.slice(0, 22).padEnd(23)}` + (m[i] as number[]).map((v) => (v ? String(v) : '.').padStart(w)).join(''));
  return [head, ...rows].join('\n');
}

/** The danger thresholds (model alone, after a strong rule, after a contextual rule). */
export type DangerBars = Pick<NluConfig['thresholds'], 'danger' | 'strong' | 'contextual'>;

/** Danger recall and false-alarm rate with the given bars. */
export function dangerAt(scored: Scored[], config: NluConfig, bars: DangerBars): { recall: number; falseAlarms: number } {
  let tp = 0, p = 0, fa = 0, n = 0;
  for (const s of scored) {
    const bar = s.rule.danger ? (s.rule.contextual || s.rule.framed ? bars.contextual : bars.strong) : 1;
    const said = (s.rule.danger && s.u.dangerScore >= bar) || s.u.dangerScore >= bars.danger;
    if (config.dangerIntents[s.intent] !== undefined) { p++; if (said) tp++; } else { n++; if (said) fa++; }
  }
  return { recall: p ? tp / p : 0, falseAlarms: n ? fa / n : 0 };
}

/**
 * Danger recall the thresholds must reach in cross-validation. Lower than the held-out
 * target on purpose: the training corpus is full of hard cases on both sides (violence told
 * in the past vs. happening now), which real first messages mostly are not.
 */
export const CV_TARGET_RECALL = 0.92;

/**
 * Thresholds from cross-validation:
 * - danger bars: of those whose recall (with the lexicon) reaches `targetRecall`, the one
 *   with the fewest false alarms (ties: the higher bars);
 * - direct/clarify: the pair with the most value per message, where a right page is worth 1,
 *   a wrong page −1 (its menu still leads on, but someone in a hard moment read text that is not about them), a
 *   clarifying question that offers the right topic 0.5 (one tap more), one that does not
 *   −0.5, and the menu 0.
 */
export function chooseThresholds(scored: Scored[], config: NluConfig, targetRecall = CV_TARGET_RECALL): NluConfig['thresholds'] {
  const grid = Array.from({ length: 19 }, (_v, i) => Math.round((0.05 + i * 0.05) * 100) / 100);
  let bars: DangerBars = { danger: 0.05, strong: 0, contextual: 0 };
  let fewest = Infinity;
  for (const danger of grid) {
    for (const strong of [0, 0.01, 0.02, 0.03, 0.05, 0.08]) {
      for (const contextual of [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4].filter((c) => c <= danger)) {
        const r = dangerAt(scored, config, { danger, strong, contextual });
        if (r.recall >= targetRecall && r.falseAlarms <= fewest) { fewest = r.falseAlarms; bars = { danger, strong, contextual }; }
      }
    }
  }
  const topical = scored.filter((s) => config.dangerIntents[s.intent] === undefined && !config.noTopic.includes(s.intent));
  let best = { direct: 0.5, clarify: 0.2, value: -Infinity };
  for (const direct of grid) {
    for (const clarify of grid.filter((c) => c < direct)) {
      let value = 0;
      for (const s of topical) {
        if (s.u.confidence >= direct) value += s.u.intent === s.intent ? 1 : -1;
        else if (s.u.confidence >= clarify) value += s.u.candidates.includes(s.intent) ? 0.5 : -0.5;
      }
      if (value > best.value) best = { direct, clarify, value };
    }
  }
  return { ...bars, direct: best.direct, clarify: best.clarify };
}
