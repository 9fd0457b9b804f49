/** The printable HTML report page (Vietnamese): filters, headline table, SVG charts, CSV link, snapshots. */
import { CHANNELS, PROVINCES } from '../cases';
import { barChart, esc, lineChart } from './charts';
import { DIMENSION_TITLES, labelOf, madeAt, periodTitle, roundedShareText, SHOWN_DIMENSIONS, TOTAL_TITLES } from './labels';
import type { SnapshotInfo } from './store';
import type { SuppressedReport } from './suppress';

/** What the page shows. */
export interface PageInput {
  base: string;
  report: SuppressedReport | null;
  error?: string;
  query: { period: string; province?: string; channel?: string; snapshot?: string };
  snapshots: SnapshotInfo[];
  /** Time zone of the times shown (TZ_REPORTS). */
  tz: string;
  /** Where the console is (the link back). */
  consoleHref: string;
}

function qs(params: Record<string, string | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  return u.toString();
}

function options(codes: readonly string[], dim: string, selected: string | undefined, all: string): string {
  return [`<option value="">${esc(all)}</option>`, ...codes.map((c) => `<option value="${esc(c)}"${c === selected ? ' selected' : ''}>${esc(labelOf(dim, c))}</option>`)].join('');
}

const fmt = (v: number | string | null): string => (v === null ? '—' : String(v));

/** Render the page. */
export function renderPage(p: PageInput): string {
  const r = p.report;
  const title = r ? `Báo cáo ca — ${periodTitle(r.kind, r.period)}` : 'Báo cáo ca';
  const csvQuery = p.query.snapshot ? qs({ snapshot: p.query.snapshot }) : qs({ period: p.query.period, province: p.query.province, channel: p.query.channel });
  const body: string[] = [];
  body.push(`<p class="back"><a href="${esc(p.consoleHref)}">← Về bảng điều khiển tư vấn</a></p>`);
  body.push(`<h1>${esc(title)}</h1>`);
  if (r) {
    const filt = [r.filters.province ? labelOf('province', r.filters.province) : 'Tất cả tỉnh/thành', r.filters.channel ? labelOf('channel', r.filters.channel) : 'Tất cả kênh'];
    body.push(`<p class="meta">${esc(filt.join(' · '))} · ${p.query.snapshot ? 'Bản chốt lưu' : 'Số liệu trực tiếp'} lập lúc ${esc(madeAt(r.generatedAt, p.tz))}</p>`);
  }
  body.push(`<form class="filters" method="get" action="${esc(p.base)}/">`
    + `<label>Kỳ báo cáo (YYYY-MM, YYYY-H1, YYYY-H2, YYYY)<input name="period" value="${esc(p.query.period)}" pattern="\\d{4}(-(0[1-9]|1[0-2]|H[12]))?" required></label>`
    + `<label>Tỉnh/thành phố<select name="province">${options(PROVINCES, 'province', p.query.province, 'Tất cả')}</select></label>`
    + `<label>Kênh<select name="channel">${options(CHANNELS, 'channel', p.query.channel, 'Tất cả')}</select></label>`
    + `<button type="submit">Xem</button></form>`);
  body.push(`<p class="actions"><a href="${esc(p.base)}/export.csv?${esc(csvQuery)}">Tải CSV (Excel)</a>`
    + `<a href="${esc(p.base)}/api/report?${esc(qs({ period: p.query.period, province: p.query.province, channel: p.query.channel }))}">JSON</a></p>`);
  if (p.error) body.push(`<p class="error">${esc(p.error)}</p>`);
  if (r) {
    const t = r.totals;
    const rows: [string, number | string | null][] = [
      [TOTAL_TITLES.cases!, t.cases], [TOTAL_TITLES.newPersons!, t.newPersons], [TOTAL_TITLES.returningPersons!, t.returningPersons],
      [TOTAL_TITLES.danger!, t.danger], [TOTAL_TITLES.escalated!, t.escalated], [TOTAL_TITLES.answeredByCounsellor!, t.answeredByCounsellor],
      r.answeredShare === null && r.answeredShareRounded
        ? [TOTAL_TITLES.answeredShareRounded!, roundedShareText(r.answeredShareRounded)] : [TOTAL_TITLES.answeredShare!, r.answeredShare],
      [TOTAL_TITLES.abandoned!, t.abandoned], [TOTAL_TITLES.waitSamples!, r.wait.samples],
      [TOTAL_TITLES.waitMedian!, r.wait.median], [TOTAL_TITLES.waitP90!, r.wait.p90],
      [TOTAL_TITLES.freeText!, t.freeText], [TOTAL_TITLES.notUnderstood!, t.notUnderstood], [TOTAL_TITLES.notUnderstoodShare!, r.notUnderstoodShare],
    ];
    body.push('<section><h2>Số liệu chính</h2><table>'
      + rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${esc(fmt(v))}</td></tr>`).join('') + '</table></section>');
    body.push(`<section><h2>Xu hướng 12 tháng</h2>${lineChart('Số ca theo tháng', r.trend.map((c) => ({ label: labelOf('trend', c.code), value: c.count })))}</section>`);
    body.push('<div class="grid">');
    for (const d of SHOWN_DIMENSIONS) {
      const cells: { code: string; count: number | string }[] | undefined = r.dims[d];
      if (!cells) continue; // a snapshot made before this breakdown existed
      // Long lists (provinces) show only cells with cases, so the printed page stays short.
      const shown = d === 'province' ? cells.filter((c) => c.count !== 0) : cells;
      body.push(`<section><h2>${esc(DIMENSION_TITLES[d])}</h2>${shown.length ? barChart(DIMENSION_TITLES[d], shown.map((c) => ({ label: labelOf(d, c.code), value: c.count }))) : '<p class="note">Không có ca.</p>'}</section>`);
    }
    body.push('</div>');
    body.push(`<p class="note">Bảo vệ danh tính: số từ 1 đến ${r.minCell - 1} hiển thị "&lt;${r.minCell}"; ô "x" được ẩn thêm để không thể suy ra ô nhỏ bằng phép trừ từ tổng. Thời gian chờ chỉ hiển thị khi có ít nhất ${r.minCell} ca. `
      + `Khi có từ 1 đến ${r.minCell - 1} yêu cầu chưa được trả lời, tỉ lệ được trả lời được công bố làm tròn theo khoảng (bước là bội số của 5 điểm, đủ rộng để không suy ra được số nhỏ) thay vì để trống. `
      + `"Danh sách dịch vụ bot đã hiển thị" đếm các lần trợ lý tự động đưa danh sách địa chỉ; "Dịch vụ tư vấn viên đã giới thiệu" chỉ đếm giới thiệu do tư vấn viên ghi khi kết thúc ca.</p>`);
  }
  body.push('<nav><h2>Bản chốt hằng tháng</h2>');
  body.push(p.snapshots.length
    ? `<ul>${p.snapshots.map((s) => `<li><a href="${esc(p.base)}/?${esc(qs({ period: s.period, snapshot: `${s.kind}:${s.period}` }))}">${esc(periodTitle(s.kind, s.period))}</a> — lập lúc ${esc(madeAt(s.generatedAt, p.tz))}</li>`).join('')}</ul>`
    : '<p class="note">Chưa có bản chốt.</p>');
  body.push('</nav>');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${esc(title)}</title><link rel="stylesheet" href="${esc(p.base)}/static/reports.css"></head><body>${body.join('\n')}</body></html>`;
}
