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

/** Longest label drawn in full; a longer one is cut with "…" (the full text is its tooltip). */
const MAX_LABEL_CHARS = 44;
/** Rough width of a character of the 12px label font (Vietnamese diacritics take no extra width). */
const CHAR_W = 6.4;

function clip(label: string): string {
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
}

/**
 * Horizontal bar chart: one row per item, value printed at the bar's end. The label column is
 * as wide as the longest label and the drawing is narrow, so when the page scales the SVG to
 * its column the 12px labels stay near their size instead of shrinking out of reach.
 */
export function barChart(title: string, items: ChartItem[]): string {
  const rowH = 24;
  const labelW = Math.round(Math.max(60, ...items.map((i) => clip(i.label).length * CHAR_W)) + 12);
  const barW = 200;
  const h = items.length * rowH + 10;
  const max = Math.max(1, ...items.map((i) => (typeof i.value === 'number' ? i.value : 0)));
  const rows = items.map((it, i) => {
    const y = i * rowH + 5;
    const w = typeof it.value === 'number' ? Math.round((it.value / max) * barW) : 0;
    const cls = typeof it.value === 'number' ? 'bar' : 'bar bar-hidden';
    const tip = clip(it.label) === it.label ? '' : `<title>${esc(it.label)}</title>`;
    return `<text class="lbl" x="${labelW - 6}" y="${y + 16}" text-anchor="end">${tip}${esc(clip(it.label))}</text>`
      + `<rect class="${cls}" x="${labelW}" y="${y + 4}" width="${Math.max(w, typeof it.value === 'number' ? 0 : 2)}" height="${rowH - 8}"/>`
      + `<text class="val" x="${labelW + w + 6}" y="${y + 16}">${esc(String(it.value))}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + barW + 50} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows}</svg>`;
}

/**
 * Line chart of a series (the 12-month trend); suppressed points break the line. The right
 * margin leaves room for the last label, which is anchored at its end so it is never cut.
 */
export function lineChart(title: string, items: ChartItem[]): string {
  const w = 720;
  const h = 230;
  const pad = { l: 44, r: 24, t: 20, b: 44 };
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
  const anchor = (i: number): string => (items.length > 1 && i === items.length - 1 ? 'end' : i === 0 && items.length > 1 ? 'start' : 'middle');
  const lx = (i: number): number => x(i) + (anchor(i) === 'end' ? 6 : anchor(i) === 'start' ? -6 : 0);
  const marks = items.map((it, i) => {
    const yy = typeof it.value === 'number' ? y(it.value) : h - pad.b;
    const dot = typeof it.value === 'number' ? `<circle class="dot" cx="${x(i)}" cy="${yy}" r="3"/>` : '';
    return `${dot}<text class="val" x="${x(i)}" y="${yy - 7}" text-anchor="middle">${esc(String(it.value))}</text>`
      + `<text class="lbl" x="${lx(i)}" y="${h - pad.b + 18}" text-anchor="${anchor(i)}">${esc(it.label)}</text>`;
  }).join('');
  const axis = `<line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/>`
    + `<text class="lbl" x="${pad.l - 8}" y="${pad.t + 4}" text-anchor="end">${max}</text>`;
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${axis}${lines}${marks}</svg>`;
}
