/**
 * How guessable a secret or a password is, with zxcvbn (@zxcvbn-ts, common passwords,
 * keyboard patterns, repeats, sequences, dates) plus our own checks for keys written in an
 * encoding (hex, base64, base64url): a key is judged as typed AND as what it decodes to, so a
 * development value or a run of one letter cannot pass by being encoded.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/** zxcvbn's estimate: score 0..4 and the reason it found, if any (e.g. 'simpleRepeat', 'common'). */
export function estimate(text: string, userInputs: string[] = []): { score: number; guessesLog10: number; warning: string | null } {
  const r = zxcvbn.check(text, userInputs);
  return { score: r.score, guessesLog10: r.guessesLog10, warning: r.feedback.warning };
}

/**
 * What a secret must reach in zxcvbn's estimate (log10 of guesses): 0.75 per character, at
 * least 16 (~53 bits), and 24 (~80 bits) is enough for any length. Random text estimates about
 * 1 per character (the worst of 1,600 random keys in hex, base64 and base64url: 0.89), while
 * repeats, sequences, words and known values estimate far lower (one letter repeated: ~3 in all).
 */
export function secretGuessesNeeded(length: number): number {
  return Math.max(16, Math.min(24, 0.75 * length));
}

/** Why a secret is weak, or null. `known`: values that must never be used (development defaults). */
export type SecretWeakness = 'known_value' | 'low_entropy';

/** The decodings a string may stand for: hex, base64, base64url (only when the string is exactly that encoding). */
function decodings(s: string): Buffer[] {
  const out: Buffer[] = [];
  if (/^(?:[0-9a-fA-F]{2})+$/.test(s)) out.push(Buffer.from(s, 'hex'));
  const bare = s.replace(/=+$/, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s)) {
    const b = Buffer.from(s, 'base64');
    if (b.length > 0 && b.toString('base64').replace(/=+$/, '') === bare) out.push(b);
  }
  if (/^[A-Za-z0-9_-]+={0,2}$/.test(s)) {
    const b = Buffer.from(s, 'base64url');
    if (b.length > 0 && b.toString('base64url') === bare) out.push(b);
  }
  return out;
}

/** Printable text (valid UTF-8 without control characters), or null for binary bytes. */
function asText(b: Buffer): string | null {
  const t = b.toString('utf8');
  return Buffer.from(t, 'utf8').equals(b) && ![...t].some((c) => c < ' ' || c === '\u007f' || c === '\ufffd') ? t : null;
}

/** Raw key bytes too regular to be random: few distinct values, or a repeating pattern. */
function regularBytes(b: Buffer): boolean {
  if (new Set(b).size * 2 < Math.min(b.length, 256)) return true;
  for (let p = 1; p * 2 <= b.length; p++) {
    let periodic = true;
    for (let i = p; i < b.length && periodic; i++) periodic = b[i] === b[i - p];
    if (periodic) return true;
  }
  return false;
}

/**
 * Judge a secret (production start-up): a known value in any encoding, or too little
 * entropy as typed or as decoded. Never returns or logs the value itself.
 */
export function secretWeakness(secret: string, known: readonly string[]): SecretWeakness | null {
  const s = secret.trim();
  const knownBytes = known.flatMap((k) => [Buffer.from(k, 'utf8'), ...decodings(k)]);
  const forms = [Buffer.from(s, 'utf8'), ...decodings(s)];
  if (forms.some((f) => knownBytes.some((k) => k.equals(f)))) return 'known_value';
  const texts = new Set<string>([s]);
  for (const f of forms.slice(1)) {
    const t = asText(f);
    if (t !== null) texts.add(t);
    else if (regularBytes(f)) return 'low_entropy';
  }
  for (const t of texts) {
    if (estimate(t, [...known]).guessesLog10 < secretGuessesNeeded(t.length)) return 'low_entropy';
  }
  return null;
}
