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

/** Horizontal bar chart: one row per item, value printed at the bar's end. */
export function barChart(title: string, items: ChartItem[]): string {
  const rowH = 22;
  const labelW = 220;
  const barW = 360;
  const h = items.length * rowH + 10;
  const max = Math.max(1, ...items.map((i) => (typeof i.value === 'number' ? i.value : 0)));
  const rows = items.map((it, i) => {
    const y = i * rowH + 5;
    const w = typeof it.value === 'number' ? Math.round((it.value / max) * barW) : 0;
    const cls = typeof it.value === 'number' ? 'bar' : 'bar bar-hidden';
    return `<text class="lbl" x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(it.label)}</text>`
      + `<rect class="${cls}" x="${labelW}" y="${y + 3}" width="${Math.max(w, typeof it.value === 'number' ? 0 : 2)}" height="${rowH - 8}"/>`
      + `<text class="val" x="${labelW + w + 6}" y="${y + 15}">${esc(String(it.value))}</text>`;
  }).join('');
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelW + barW + 60} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${rows}</svg>`;
}

/** Line chart of a series (the 12-month trend); suppressed points break the line. */
export function lineChart(title: string, items: ChartItem[]): string {
  const w = 640;
  const h = 220;
  const pad = { l: 40, r: 10, t: 16, b: 40 };
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
    return `${dot}<text class="val" x="${x(i)}" y="${yy - 6}" text-anchor="middle">${esc(String(it.value))}</text>`
      + `<text class="lbl" x="${x(i)}" y="${h - pad.b + 16}" text-anchor="middle">${esc(it.label)}</text>`;
  }).join('');
  const axis = `<line class="axis" x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}"/>`
    + `<text class="lbl" x="${pad.l - 6}" y="${pad.t + 4}" text-anchor="end">${max}</text>`;
  return `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${axis}${lines}${marks}</svg>`;
}
