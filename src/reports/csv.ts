/**
 * CSV export of a suppressed report: UTF-8 with a byte-order mark, because Excel opens a
 * BOM-less CSV in the machine's legacy code page and Vietnamese diacritics turn to garbage.
 */
import { stringify } from 'csv-stringify/sync';
import { DIMENSION_TITLES, labelOf, periodTitle, TOTAL_TITLES } from './labels';
import type { SuppressedReport } from './suppress';

/** The UTF-8 byte-order mark. */
export const BOM = '\uFEFF';

/** Rows (section, code, label, value) of a suppressed report, headline figures first. */
export function reportRows(r: SuppressedReport): string[][] {
  const rows: string[][] = [['muc', 'ma', 'nhan', 'so_lieu']];
  const v = (x: number | string | null): string => (x === null ? '' : String(x));
  rows.push(['ky_bao_cao', r.period, periodTitle(r.kind, r.period), '']);
  if (r.filters.province) rows.push(['loc_tinh', r.filters.province, labelOf('province', r.filters.province), '']);
  if (r.filters.channel) rows.push(['loc_kenh', r.filters.channel, labelOf('channel', r.filters.channel), '']);
  for (const [k, val] of Object.entries(r.totals)) rows.push(['tong', k, TOTAL_TITLES[k] ?? k, v(val)]);
  rows.push(['tong', 'answeredShare', TOTAL_TITLES.answeredShare!, v(r.answeredShare)]);
  rows.push(['tong', 'answeredShareRounded', TOTAL_TITLES.answeredShareRounded!, r.answeredShareRounded ? `${r.answeredShareRounded.low}-${r.answeredShareRounded.high}` : '']);
  rows.push(['tong', 'notUnderstoodShare', TOTAL_TITLES.notUnderstoodShare!, v(r.notUnderstoodShare)]);
  rows.push(['cho', 'samples', TOTAL_TITLES.waitSamples!, v(r.wait.samples)]);
  rows.push(['cho', 'median', TOTAL_TITLES.waitMedian!, v(r.wait.median)]);
  rows.push(['cho', 'p90', TOTAL_TITLES.waitP90!, v(r.wait.p90)]);
  for (const [d, cells] of Object.entries(r.dims)) {
    for (const c of cells) rows.push([d, c.code, `${DIMENSION_TITLES[d as keyof typeof DIMENSION_TITLES]}: ${labelOf(d, c.code)}`, v(c.count)]);
  }
  for (const c of r.trend) rows.push(['xu_huong_12_thang', c.code, labelOf('trend', c.code), v(c.count)]);
  rows.push(['ghi_chu', 'suppression', `Số từ 1 đến ${r.minCell - 1} hiển thị "<${r.minCell}"; "x" = ẩn để không suy ra ô nhỏ bằng phép trừ`, '']);
  return rows;
}

/** The CSV text (with BOM) of a suppressed report. */
export function toCsv(r: SuppressedReport): string {
  return BOM + stringify(reportRows(r), { record_delimiter: '\r\n' });
}
