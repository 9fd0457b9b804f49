/**
 * Bar and line charts as SVG drawn on the server: no chart library, no CDN, no script and
 * no inline style, so the page works under the app's strict CSP and prints as vectors.
 * Colours come from classes in static/reports.css. Suppressed cells ("<5", "x") are drawn
 * as an empty bar with their marker, never as a guessed height.
 */
import type { Cell } from './suppress';

/** Escape text for HTML/SVG. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One bar or point. */
export interface ChartItem {
  label: string;
  value: Cell;
}

/** Characters per line of a bar label; a longer label takes two lines, a third is cut with "…" (full text as tooltip). */
const LINE_CHARS = 28;
/** Rough width of a character of the 12px label font (Vietnamese diacritics take no extra width). */
const CHAR_W = 6.4;

/** A label in at most two lines of about LINE_CHARS, broken at spaces. */
export function labelLines(label: string): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of label.split(' ')) {
    if (cur && (cur + ' ' + word).length > LINE_CHARS) { lines.push(cur); cur = word; } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  if (lines.length <= 2) return lines;
  const second = lines.slice(1).join(' ');
  return [lines[0]!, second.length > LINE_CHARS ? `${second.slice(0, LINE_CHARS - 1)}…` : second];
}

/**
 * Horizontal bar chart: one row per item, value printed at the bar's end. Long labels wrap
 * to two lines, so the label column stays narrow and, when the page scales the SVG to its
 * column, the 12px labels stay near their size instead of shrinking out of reach.
 */
export function barChart(title: string, items: ChartItem[]): string {
  const lineH = 14;
  const barW = 200;
  const wrapped = items.map((i) => labelLines(i.label));
  const labelW = Math.round(Math.max(60, ...wrapped.flat().map((l) => l.length * CHAR_W)) + 12);
  const rowH = (n: number): number => Math.max(24, n * lineH + 10);
  const h = wrapped.reduce((s, l) => s + rowH(l.length), 0) + 10;
  const max = Math.max(1, ...items.map((i) => (typeof i.value === 'number' ? i.value : 0)));
  let y = 5;
  const rows = items.map((it, i) => {
    const lines = wrapped[i]!;
    const rh = rowH(lines.length);
    const mid = y + rh / 2;
    const w = typeof it.value === 'number' ? Math.round((it.value / max) * barW) : 0;
    const cls = typeof it.value === 'number' ? 'bar' : 'bar bar-hidden';
    const tip = lines.join(' ') === it.label ? '' : `<title>${esc(it.label)}</title>`;
    const first = Math.round(mid + 4 - ((lines.length - 1) * lineH) / 2);
    const text = lines.map((l, k) => `<tspan x="${labelW - 6}" y="${first + k * lineH}">${esc(l)}</tspan>`).join('');
    const row = `<text class="lbl" text-anchor="end">${tip}${text}</text>`
      + `<rect class="${cls}" x="${labelW}" y="${Math.round(mid - 8)}" width="${Math.max(w, typeof it.value === 'number' ? 0 : 2)}" height="16"/>`
      + `<text class="val" x="${labelW + w + 6}" y="${Math.round(mid + 4)}">${esc(String(it.value))}</text>`;
    y += rh;
    return row;
  }).join('');
  // Drawn at its own size (never scaled up: a short chart would grow huge letters), scaled down by CSS to fit.
  const vw = labelW + barW + 50;
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${vw} ${h}" width="${vw}" height="${h}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows}</svg>`;
}

/**
 * Line chart of a series (the 12-month trend); suppressed points break the line. The right
 * margin leaves room for half of the last label, so it is never cut; 12 labels 58 px apart
 * do not overlap.
 */
export function lineChart(title: string, items: ChartItem[]): string {
  const w = 720;
  const h = 230;
  // Side margins wider than half a "12/2026" label (about 45 px at 12px): the first and last labels stay whole.
  const pad = { l: 44, r: 32, t: 20, b: 44 };
  const max = Math.max(1, ...items.map((i) => (typeof i.value === 'number' ? i.value : 0)));
  const step = items.length > 1 ? (w - pad.l - pad.r) / (items.length - 1) : 0;
  const x = (i: number): number => Math.round(pad.l + i * step);
  const y = (v: number): number => Math.round(h - pad.b - (v / max) * (h - pad.t - pad.b));
  const segments: string[] = [];
  let cur: string[] = [];
  items.forEach((it, i) => {
    if (typeof it.value === 'number') cur.push(`${x(i)},${y(it.value)}`);
    else { if (cur.length) segments.push(cur.join(' ')); cur = []; }
  });
  if (cur.length) segments.push(cur.join(' '));
  const lines = segments.map((pts) => `<polyline class="line" points="${pts}"/>`).join('');
  const marks = items.map((it, i) => {
    const yy = typeof it.value === 'number' ? y(it.value) : h - pad.b;
    const dot = typeof it.value === 'number' ? `<circle class="dot" cx="${x(i)}" cy="${yy}" r="3"/>` : '';
    return `${dot}<text class="val" x="${x(i)}" y="${yy - 7}" text-anchor="middle">${esc(String(it.value))}</text>`
      + `<text class="lbl" x="${x(i)}" y="${h - pad.b + 18}" text-anchor="middle">${esc(it.label)}</text>`;
  }).join('');
  const axis = `<line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/>`
    + `<text class="lbl" x="${pad.l - 8}" y="${pad.t + 4}" text-anchor="end">${max}</text>`;
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${axis}${lines}${marks}</svg>`;
}
