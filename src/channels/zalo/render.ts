/**
 * Outbound → Zalo consultation texts. Zalo has no callback buttons we can rely on
 * (reference 2.a.6: buttons in /v3.0/oa/message/cs are unverified), so options become
 * numbered lines ("1. …") that the engine already understands when typed back.
 * Texts over 2000 characters are split at paragraph boundaries.
 */
import { splitText } from '../../shared/splitText';
import type { Outbound } from '../types';

/** Zalo's consultation text limit (characters). */
export const ZALO_MAX_TEXT = 2000;

/** Split text into parts of at most `max` characters (the shared splitter). */
export function splitZaloText(text: string, max: number = ZALO_MAX_TEXT): string[] {
  return splitText(text, max);
}

/** Render one Outbound to the texts to send, in order. NFC first: Zalo counts composed letters. */
export function renderZalo(out: Outbound): string[] {
  let text = out.text;
  if (out.options?.length) text += '\n\n' + out.options.map((o, i) => `${i + 1}. ${o.label}`).join('\n');
  return splitZaloText(text.normalize('NFC'));
}
