/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same
 * sequence, so training, seeded test data and load runs can be replayed. Not for secrets.
 * The engine stays free of Math.random; callers pass the seed.
 * @example const r = seeded(42); r() // → 0.6011…, always
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
