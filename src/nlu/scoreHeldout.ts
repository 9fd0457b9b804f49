/**
 * Scoring the held-out files as people meet the bot: each message typed as the first free
 * text at the main menu (firstMessage.ts), compared with its label.
 */
import type { FlowSet } from '../engine';
import { firstMessage, type FirstMessage } from './firstMessage';
import type { HeldoutFile, HeldoutItem } from './heldout';

/** One held-out message and what the bot did. */
export interface HeldoutResult { set: string; lang: string; item: HeldoutItem; got: FirstMessage; ok: boolean; why: string }

/** The held-out figures (0..1) with the counts behind them. */
export interface HeldoutFigures {
  dangerRecall: number; dangerCount: number;
  kindAccuracy: number;
  falseAlarms: number; safeCount: number;
  topicAccuracy: number; topicCount: number;
  /** Right page, or the clarifying question offers it (one tap away): the help was reached. */
  reachedWithinOneQuestion: number;
}

function judge(item: HeldoutItem, got: FirstMessage): { ok: boolean; why: string } {
  if (item.danger) {
    if (!got.danger) return { ok: false, why: 'danger missed' };
    return got.dangerKind === item.danger ? { ok: true, why: '' } : { ok: true, why: `kind ${got.dangerKind} (labelled ${item.danger})` };
  }
  if (got.danger) return { ok: false, why: 'false alarm' };
  if (item.topic === undefined) return { ok: true, why: '' };
  const right = [item.topic, ...item.accept];
  if (item.topic === null) return got.topic === null ? { ok: true, why: '' } : { ok: false, why: `sent to ${got.topic} (no topic)` };
  if (got.topic && right.includes(got.topic)) return { ok: true, why: '' };
  if (got.clarify?.some((t) => right.includes(t))) return { ok: false, why: `clarify offered it (${got.clarify.join(', ')})` };
  return { ok: false, why: got.topic ? `sent to ${got.topic}` : got.clarify ? `clarify without it (${got.clarify.join(', ')})` : 'menu (not understood)' };
}

/** Run every held-out message through the bot. */
export function runHeldout(flows: FlowSet, files: Array<HeldoutFile & { name: string }>): HeldoutResult[] {
  return files.flatMap((f) => f.items.map((item) => {
    const got = firstMessage(flows, item.text);
    return { set: f.name, lang: f.lang, item, got, ...judge(item, got) };
  }));
}

/** The figures over a set of results. */
export function heldoutFigures(results: HeldoutResult[]): HeldoutFigures {
  const danger = results.filter((r) => r.item.danger);
  const safe = results.filter((r) => !r.item.danger);
  const topical = safe.filter((r) => r.item.topic !== undefined);
  const ratio = (a: number, b: number) => (b ? a / b : 1);
  return {
    dangerRecall: ratio(danger.filter((r) => r.got.danger).length, danger.length), dangerCount: danger.length,
    kindAccuracy: ratio(danger.filter((r) => r.got.dangerKind === r.item.danger).length, danger.length),
    falseAlarms: ratio(safe.filter((r) => r.got.danger).length, safe.length), safeCount: safe.length,
    topicAccuracy: ratio(topical.filter((r) => r.ok).length, topical.length), topicCount: topical.length,
    reachedWithinOneQuestion: ratio(topical.filter((r) => r.ok || r.why.startsWith('clarify offered')).length, topical.length),
  };
}
