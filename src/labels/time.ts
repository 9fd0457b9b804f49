/** Times as Vietnamese readers write them: "29/11/2026 13:45" (day/month/year, 24-hour clock). */
import { localDateTime } from '../shared/zonedTime';

/** A date in the given IANA time zone (TZ_REPORTS, default Asia/Ho_Chi_Minh) as "dd/mm/yyyy hh:mm". */
export function formatLocalTime(at: Date | string, timeZone = 'Asia/Ho_Chi_Minh'): string {
  return localDateTime(typeof at === 'string' ? new Date(at) : at, timeZone);
}
