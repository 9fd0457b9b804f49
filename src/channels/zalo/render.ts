/**
 * Outbound → Zalo consultation texts. Zalo has no callback buttons we can rely on
 * (reference 2.a.6: buttons in /v3.0/oa/message/cs are unverified), so options become
 * numbered lines ("1. …") that the engine already understands when typed back.
 * Texts over 2000 characters are split at paragraph boundaries.
 */
import type { Outbound } from '../types';

/** Zalo's consultation text limit (characters). */
export const ZALO_MAX_TEXT = 2000;

/**
 * Split text into parts of at most `max` characters: at the last paragraph break that
 * fits, else a line break, else a space, else hard (never inside a surrogate pair).
 */
export function splitZaloText(text: string, max: number = ZALO_MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep, max);
      if (at > max / 4) { cut = at; break; }
    }
    if (cut < 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const head = rest.slice(0, cut).trimEnd();
    if (head) parts.push(head);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

/** Render one Outbound to the texts to send, in order. NFC first: Zalo counts composed letters. */
export function renderZalo(out: Outbound): string[] {
  let text = out.text;
  if (out.options?.length) text += '\n\n' + out.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n');
  return splitZaloText(text.normalize('NFC'));
}
