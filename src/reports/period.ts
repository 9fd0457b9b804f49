/** Report periods: "2026-10" (month), "2026-H1"/"2026-H2" (half year), "2026" (year). */
import { addMonths } from '../cases';

/** Kind of period. */
export type PeriodKind = 'month' | 'half' | 'year';

/** A parsed period and the months it covers. */
export interface Period {
  kind: PeriodKind;
  period: string;
  months: string[];
}

/** Parse a period string; null when it is not one of the three forms. */
export function parsePeriod(s: string): Period | null {
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  if (m) return { kind: 'month', period: s, months: [s] };
  m = /^(\d{4})-H([12])$/.exec(s);
  if (m) {
    const first = `${m[1]}-${m[2] === '1' ? '01' : '07'}`;
    return { kind: 'half', period: s, months: Array.from({ length: 6 }, (_, i) => addMonths(first, i)) };
  }
  m = /^(\d{4})$/.exec(s);
  if (m) return { kind: 'year', period: s, months: Array.from({ length: 12 }, (_, i) => addMonths(`${m![1]}-01`, i)) };
  return null;
}

/** The 12 months ending with `last`, oldest first (the trend line). */
export function trendMonths(last: string): string[] {
  return Array.from({ length: 12 }, (_, i) => addMonths(last, i - 11));
}
