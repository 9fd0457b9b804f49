/**
 * Keeping the held-out files honest: a training example that is a held-out message, or
 * nearly one (most of its word pairs shared), would make the held-out figures a memory test.
 * nlu:eval lists such pairs and a test fails on any.
 */
import { fold, type NluCorpus } from '../engine';
import type { HeldoutFile } from './heldout';

function pairsOf(text: string): Set<string> {
  const w = fold(text).split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 1 < w.length; i++) out.add(`${w[i]} ${w[i + 1]}`);
  if (w.length === 1) out.add(w[0] as string);
  return out;
}

/** Similarity of two messages: shared word pairs over all word pairs (Jaccard). */
function similarity(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const all = a.size + b.size - shared;
  return all ? shared / all : 0;
}

/**
 * Similarity from which a training example counts as a copy of a held-out message. Lower
 * would flag ordinary short phrases two writers both use ("mệt muốn chết luôn" vs "mệt muốn chết").
 */
export const LEAK_LIMIT = 0.8;

/** Training examples at or above `limit` similarity to a held-out message. */
export function findLeaks(corpus: NluCorpus, heldout: HeldoutFile[], limit = LEAK_LIMIT): Array<{ example: string; intent: string; heldout: string; similarity: number }> {
  const held = heldout.flatMap((f) => f.items.map((i) => ({ text: i.text, pairs: pairsOf(i.text), folded: fold(i.text) })));
  const out: Array<{ example: string; intent: string; heldout: string; similarity: number }> = [];
  for (const files of Object.values(corpus)) {
    for (const f of files) {
      for (const ex of f.examples) {
        const p = pairsOf(ex);
        const fx = fold(ex);
        for (const h of held) {
          const s = fx === h.folded ? 1 : similarity(p, h.pairs);
          if (s >= limit) out.push({ example: ex, intent: f.intent, heldout: h.text, similarity: Math.round(s * 100) / 100 });
        }
      }
    }
  }
  return out;
}
