/**
 * Wall-clock parts of an instant in an IANA time zone (Intl, no library): the one home for
 * "what day and hour is it in Viet Nam" (report months, the monthly job's due time).
 * handoff/officeHours.ts (localParts) and labels/time.ts read their parts from here.
 */

/** Local calendar parts. `weekday`: 0 = Sunday … 6 = Saturday; `minutes`: minute of the day. */
export interface ZonedParts { y: number; m: number; d: number; hour: number; minute: number; weekday: number; minutes: number }

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local parts of `at` in `timeZone`, e.g. zonedParts(2026-01-31T18:00Z, 'Asia/Ho_Chi_Minh') → 2026-02-01 01:00. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  const hour = Number(p.hour);
  const minute = Number(p.minute);
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), hour, minute, weekday: WEEKDAYS.indexOf(p.weekday ?? ''), minutes: hour * 60 + minute };
}

/** "29/11/2026 13:45": day/month/year and the 24-hour clock in `timeZone`, as Vietnamese readers write times. */
export function localDateTime(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(p.d)}/${two(p.m)}/${p.y} ${two(p.hour)}:${two(p.minute)}`;
}
