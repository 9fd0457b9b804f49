/** Plain-text rendering of a suppressed report (the CLI's default output). */
import { DIMENSION_TITLES, labelOf, madeAt, periodTitle, roundedShareText, SHOWN_DIMENSIONS, TOTAL_TITLES } from './labels';
import type { SuppressedReport } from './suppress';

/** Aligned text: headline figures, each breakdown, the 12-month trend, the suppression note. */
export function toText(r: SuppressedReport, tz = 'Asia/Ho_Chi_Minh'): string {
  const out: string[] = [];
  const line = (label: string, v: number | string | null): void => { out.push(`  ${label.padEnd(48)} ${v === null ? '—' : v}`); };
  out.push(`Báo cáo ca — ${periodTitle(r.kind, r.period)}${r.filters.province ? ` · ${labelOf('province', r.filters.province)}` : ''}${r.filters.channel ? ` · ${labelOf('channel', r.filters.channel)}` : ''}`);
  out.push(`Lập lúc ${madeAt(r.generatedAt, tz)}`, '');
  for (const [k, v] of Object.entries(r.totals)) line(TOTAL_TITLES[k] ?? k, v);
  line(TOTAL_TITLES.answeredShare!, r.answeredShare);
  if (r.answeredShare === null && r.answeredShareRounded) line(TOTAL_TITLES.answeredShareRounded!, roundedShareText(r.answeredShareRounded));
  line(TOTAL_TITLES.notUnderstoodShare!, r.notUnderstoodShare);
  line(TOTAL_TITLES.waitSamples!, r.wait.samples);
  line(TOTAL_TITLES.waitMedian!, r.wait.median);
  line(TOTAL_TITLES.waitP90!, r.wait.p90);
  for (const d of SHOWN_DIMENSIONS) {
    const cells = r.dims[d] ?? [];
    out.push('', `${DIMENSION_TITLES[d]}:`);
    for (const c of cells) if (c.count !== 0) line(labelOf(d, c.code), c.count);
  }
  out.push('', 'Xu hướng 12 tháng:');
  for (const c of r.trend) line(labelOf('trend', c.code), c.count);
  out.push('', `Số từ 1 đến ${r.minCell - 1} hiển thị "<${r.minCell}"; "x" = ẩn để không suy ra ô nhỏ bằng phép trừ.`);
  return out.join('\n') + '\n';
}
