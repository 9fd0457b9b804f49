/**
 * understand(): what a message means, from the model built at start-up (build.ts) and the
 * danger lexicon it carries. Pure and cheap (well under 2 ms): features, one pass of the linear units,
 * a few lookups.
 *
 * - danger: the model's danger score at/above `danger`, or a lexicon rule with a score at/above
 *   the lower bar of its kind (`strong`, near zero, or `contextual`); the
 *   kind (self, child, other, selfharm) comes from the model's strongest danger intent,
 *   a suicide rule, or a stated age under 18;
 * - topic: the likeliest non-danger intent, with its confidence (its probability among the
 *   non-danger intents, so two close intents both get a lower one), and the band that says what the bot
 *   does: go straight there, ask a clarifying question, or acknowledge and show the menu;
 * - slots: age, child involved, the relation to the other person.
 */
import { detectDanger } from '../danger';
import type { DangerKind } from './corpus';
import { featuresOfWords, wordsOf } from './features';
import type { Nlu } from './build';
import { ageOf, mentionsChild, relationOf, type Relation } from './slots';

/** What a message means. Carries no text. */
export interface Understanding {
  danger: boolean;
  dangerKind: DangerKind | null;
  /** The lexicon rule that fired, or "model" when only the model raised danger. */
  dangerRule: string | null;
  /** The danger score of the model, 0..1. */
  dangerScore: number;
  /** The strongest non-danger intent (a topic id, or a no-topic intent such as greeting), or null. */
  intent: string | null;
  /** Its confidence, 0..1. */
  confidence: number;
  /** direct: go to the intent; clarify: ask with `candidates`; unknown: acknowledge + menu. */
  band: 'direct' | 'clarify' | 'unknown';
  /** The likeliest topic intents, best first (at most 3), for a clarifying question. */
  candidates: string[];
  age: number | null;
  child: boolean;
  relation: Relation | null;
}

const MIN_WORDS_FOR_MODEL_DANGER = 2;
const RULE_KIND: Array<[RegExp, DangerKind]> = [[/suicide|self_?harm/, 'selfharm'], [/child/, 'child']];

/**
 * Understand one message. `isChoice`: the text is an option's label or a command typed out
 * ("18-29 tuổi", "English"): only the lexicon can call it danger then, not the model.
 * @example understand(nlu, 'nó đang cầm dao, em sợ lắm') → { danger: true, dangerKind: 'self', … }
 */
export function understand(nlu: Nlu, text: string, opts: { isChoice?: boolean } = {}): Understanding {
  const { slots: slotWords, model: words } = wordsOf(text, nlu.abbreviations, nlu.lexicon);
  const age = ageOf(slotWords);
  const child = mentionsChild(slotWords, age);
  const relation = relationOf(slotWords);
  const features = words.length > 0 ? featuresOfWords(words) : [];
  const raw = features.length > 0 ? nlu.model.scores(features) : {};
  // Words the examples never had ("qwerty zzz", another language) leave the model guessing.
  const knownWords = words.filter((w) => nlu.model.known([`w:${w}`]) > 0).length;
  const { thresholds, dangerIntents, noTopic } = nlu.config;

  // Danger score: the probability of all danger intents together; the kind is the likeliest.
  let dangerScore = 0;
  let dangerIntent: string | null = null;
  let best = 0;
  const topics: Array<[string, number]> = [];
  let rest = 0;
  for (const [intent, p] of Object.entries(raw)) {
    if (dangerIntents[intent] !== undefined) {
      dangerScore += p;
      if (p > best) { best = p; dangerIntent = intent; }
    } else { topics.push([intent, p]); rest += p; }
  }
  topics.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

  // The lexicon lowers the bar: a strong rule (weapons, threats, cries for help, suicide…)
  // raises danger unless the model is all but sure it is not (an idiom); a contextual rule
  // ("bị đánh" with no time cue), or a strong one inside a question about the law or a
  // hypothetical ("cầm dao dọa giết người bị tù mấy năm"), needs some agreement from the
  // model, so that past events, legal questions and a witness asking how to help are not alarms.
  const found = detectDanger(nlu.lexicon, text);
  const bar = found.danger ? (found.contextual || found.framed ? thresholds.contextual : thresholds.strong) : 1;
  const rule = found.danger && dangerScore >= bar ? found : { danger: false as const };
  // One word ("1", "english", "/help") is too little for the model to raise danger alone:
  // its score is mostly the prior. Cries like "cứu" or "help" are the lexicon's.
  const modelDanger = !opts.isChoice && words.length >= MIN_WORDS_FOR_MODEL_DANGER && dangerScore >= thresholds.danger;
  const danger = rule.danger || modelDanger;
  let dangerKind: DangerKind | null = null;
  if (danger) {
    dangerKind = RULE_KIND.find(([re]) => rule.rule && re.test(rule.rule))?.[1]
      ?? (dangerIntent ? dangerIntents[dangerIntent] ?? 'self' : 'self');
    if (dangerKind === 'self' && age !== null && age < 18) dangerKind = 'child';
  }

  const [top] = topics;
  const intent = top && top[1] > 0 ? top[0] : null;
  // Confidence: the topic's probability among the non-danger intents.
  const confidence = top && rest > 0 ? top[1] / rest : 0;
  let band: Understanding['band'] = confidence >= thresholds.direct ? 'direct' : confidence >= thresholds.clarify ? 'clarify' : 'unknown';
  // A clarifying question needs something to go on: one word with no clear meaning, or mostly
  // unknown words, get the menu.
  if (intent === null || (band === 'clarify' && (words.length < 2 || knownWords * 2 < words.length))) band = 'unknown';
  const candidates = topics.filter(([i, s]) => !noTopic.includes(i) && s > 0).slice(0, 3).map(([i]) => i);

  return {
    danger, dangerKind, dangerRule: rule.danger ? rule.rule ?? 'unknown' : modelDanger ? 'model' : null, dangerScore,
    intent, confidence, band, candidates, age, child, relation,
  };
}

/**
 * Danger and its kind for the paths that must not fail (the database is down, the engine
 * threw): understanding if it works, else the lexicon alone.
 */
export function dangerOf(nlu: Nlu, text: string): { danger: boolean; kind: DangerKind } {
  try {
    const u = understand(nlu, text);
    return { danger: u.danger, kind: u.dangerKind ?? 'self' };
  } catch {
    return { danger: detectDanger(nlu.lexicon, text).danger, kind: 'self' };
  }
}
