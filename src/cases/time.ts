/** Month buckets in the reporting time zone (cases store a month string, never a timestamp to group on). */
import { zonedParts } from '../shared/zonedTime';

/** "YYYY-MM" of an instant in the given IANA time zone, e.g. monthOf(2026-01-31T18:00Z, 'Asia/Ho_Chi_Minh') = "2026-02". */
export function monthOf(at: Date, timeZone: string): string {
  const { y, m } = zonedParts(at, timeZone);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** The month n months after "YYYY-MM" (n may be negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
}
