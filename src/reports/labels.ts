/**
 * Labels of report figures and codes (the page, the CSV and the text output). Code labels
 * come from the one label catalogue (content/labels/, src/labels); the titles of figures and
 * breakdowns are the report's own Vietnamese headings.
 */
import { formatLocalTime, label } from '../labels';
import type { Dimension } from './monthly';

/** Titles of the breakdowns. */
export const DIMENSION_TITLES: Record<Dimension, string> = {
  channel: 'Theo kênh', province: 'Theo tỉnh/thành phố', violenceType: 'Theo loại hình bạo lực', contextFlag: 'Theo bối cảnh',
  role: 'Theo vai trò người liên hệ', ageGroup: 'Theo nhóm tuổi', gender: 'Theo giới tính', outcome: 'Theo kết quả',
  referral: 'Dịch vụ (gộp: bot hiển thị danh sách và tư vấn viên giới thiệu)', feedback: 'Phản hồi của người dùng',
  listing: 'Danh sách dịch vụ bot đã hiển thị (theo loại)', counsellorReferral: 'Dịch vụ tư vấn viên đã giới thiệu',
};

/** Breakdowns the page and the text show; `referral` (both kinds together) stays in the CSV and JSON only. */
export const SHOWN_DIMENSIONS: readonly Dimension[] = [
  'channel', 'province', 'violenceType', 'contextFlag', 'role', 'ageGroup', 'gender', 'outcome', 'counsellorReferral', 'listing', 'feedback',
];

/** Titles of the headline figures. */
export const TOTAL_TITLES: Record<string, string> = {
  cases: 'Tổng số ca', newPersons: 'Người liên hệ lần đầu', returningPersons: 'Người quay lại', danger: 'Ca có nguy hiểm',
  escalated: 'Ca chuyển tư vấn viên', answeredByCounsellor: 'Ca được tư vấn viên trả lời',
  abandoned: 'Cuộc trò chuyện với tư vấn viên dừng giữa chừng (người dùng rời đi hoặc không ai trả lời nữa)',
  answeredShare: 'Tỉ lệ được tư vấn viên trả lời (%)', answeredShareRounded: 'Tỉ lệ được tư vấn viên trả lời, làm tròn (%)',
  waitMedian: 'Thời gian chờ trung vị (giây)',
  waitP90: 'Thời gian chờ phân vị 90 (giây)', waitSamples: 'Số ca có thời gian chờ',
  // en: "Cases with free text", "Cases with a message not understood", "Not-understood share (%)".
  freeText: 'Ca có tin nhắn tự do', notUnderstood: 'Ca bot chưa hiểu tin nhắn', notUnderstoodShare: 'Tỉ lệ chưa hiểu (%)',
};

/** Catalogue kind of each breakdown's codes. */
const KIND: Record<string, string> = {
  channel: 'channel', province: 'province', violenceType: 'violence', contextFlag: 'context', role: 'role', ageGroup: 'ageGroup',
  gender: 'gender', outcome: 'outcome', referral: 'referral', listing: 'referral', counsellorReferral: 'referral', feedback: 'feedback',
};

/** Label of a code (a month "2026-03" reads "03/2026"); the code itself when unknown. */
export function labelOf(dim: string, code: string, lang = 'vi'): string {
  if (dim === 'trend' && /^\d{4}-\d{2}$/.test(code)) return `${code.slice(5)}/${code.slice(0, 4)}`;
  const kind = KIND[dim];
  return kind ? label(lang, kind, code) : code;
}

/** "90–95 (làm tròn theo bước 5 điểm)" for a rounded share, or "—". */
export function roundedShareText(r: { low: number; high: number; step: number } | null): string {
  return r ? `${r.low}–${r.high} (làm tròn theo bước ${r.step} điểm)` : '—';
}

/** When a report was made, as Vietnamese readers write it, in the reports' time zone. */
export function madeAt(at: string | Date, tz: string): string {
  return formatLocalTime(at, tz);
}

/** Vietnamese name of a period: "Tháng 03/2026", "6 tháng đầu năm 2026", "Năm 2026". */
export function periodTitle(kind: string, period: string): string {
  if (kind === 'month') return `Tháng ${period.slice(5)}/${period.slice(0, 4)}`;
  if (kind === 'half') return `${period.endsWith('H1') ? '6 tháng đầu năm' : '6 tháng cuối năm'} ${period.slice(0, 4)}`;
  return `Năm ${period}`;
}
