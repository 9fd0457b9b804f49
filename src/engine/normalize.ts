/**
 * Text normalisation shared by option matching, global commands and danger detection.
 * Vietnamese is often typed without diacritics ("chong toi danh toi") and with
 * stretched letters ("cuuuu"), so every comparison happens on this folded form.
 */

/** Lower-case, strip diacritics (đ → d), collapse punctuation and spaces. "Chồng  tôi!" → "chong toi" */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/]+/gu, ' ')
    .trim();
}

/** fold() and squeeze letters repeated three or more times: "cuuuuu" → "cuu", "helppp" → "help". */
export function foldLoose(text: string): string {
  return fold(text).replace(/(\p{L})\1{2,}/gu, '$1$1');
}
