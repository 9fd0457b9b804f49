/**
 * The one text splitter of every channel with a message length limit (Telegram 4096,
 * Zalo and Messenger 2000 characters).
 */

/**
 * Split text into parts of at most `max` UTF-16 units (JS length): at the last paragraph
 * break that fits, else a line break, else a space, else hard (never inside a surrogate pair).
 * @example splitText('a\n\nb', 2) → ['a', 'b']
 */
export function splitText(text: string, max: number): string[] {
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
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair whole
    }
    const head = rest.slice(0, cut).trimEnd();
    if (head) parts.push(head);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}
