/** Local calendar days of the audit filter: "2026-11-29" in a time zone → the instant it starts. */

/** The instant the local day `ymd` (plus `addDays`) starts in `timeZone`. */
export function startOfLocalDay(ymd: string, timeZone: string, addDays = 0): Date {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d + addDays);
  // The zone's offset at that moment: its wall clock read as if it were UTC, minus the moment.
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(guess)).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return new Date(guess - (wall - guess));
}
