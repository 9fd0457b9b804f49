/** Times as Vietnamese readers write them: "29/11/2026 13:45" (day/month/year, 24-hour clock). */

/** A date in the given IANA time zone (TZ_REPORTS, default Asia/Ho_Chi_Minh) as "dd/mm/yyyy hh:mm". */
export function formatLocalTime(at: Date | string, timeZone = 'Asia/Ho_Chi_Minh'): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
