/**
 * Office hours of the counsellor line: `OFFICE_HOURS` such as "Mon-Sun 07:00-22:00" or
 * "Mon-Fri 07:00-22:00; Sat-Sun 08:00-20:00", in a time zone (Asia/Ho_Chi_Minh), closed on
 * the public holidays of content/holidays.yaml. Pure functions except loadHolidays().
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { zonedParts } from '../shared/zonedTime';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** One opening segment: weekdays (0 = Sunday) and minutes after local midnight. */
export interface OpeningSegment { days: number[]; openMin: number; closeMin: number }

/** Parsed office hours. */
export interface OfficeHours { segments: OpeningSegment[]; timeZone: string; holidays: Set<string> }

/** Parse "Mon-Sun 07:00-22:00[; Sat 08:00-12:00]". Throws with a readable message when malformed. */
export function parseOfficeHours(spec: string, timeZone = 'Asia/Ho_Chi_Minh', holidays: string[] = []): OfficeHours {
  const segments = spec.split(/[;,]/).map((s) => s.trim()).filter(Boolean).map((part) => {
    const m = /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(part);
    if (!m) throw new Error(`OFFICE_HOURS: cannot read '${part}' (expected e.g. "Mon-Sun 07:00-22:00")`);
    const day = (d: string) => {
      const i = DAYS.findIndex((x) => x.toLowerCase() === d.toLowerCase());
      if (i < 0) throw new Error(`OFFICE_HOURS: unknown day '${d}'`);
      return i;
    };
    const a = day(m[1]!);
    const b = m[2] ? day(m[2]) : a;
    const days: number[] = [];
    for (let d = a; ; d = (d + 1) % 7) { days.push(d); if (d === b) break; }
    const openMin = Number(m[3]) * 60 + Number(m[4]);
    const closeMin = Number(m[5]) * 60 + Number(m[6]);
    if (openMin >= closeMin || closeMin > 24 * 60) throw new Error(`OFFICE_HOURS: '${part}' must open before it closes, within one day`);
    return { days, openMin, closeMin };
  });
  if (segments.length === 0) throw new Error('OFFICE_HOURS is empty');
  return { segments, timeZone, holidays: new Set(holidays) };
}

/** Expand the holidays file into local dates (YYYY-MM-DD). Missing file → no holidays. */
export function loadHolidays(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { holidays?: { date?: string; from?: string; to?: string }[] } | null;
  const out: string[] = [];
  for (const h of doc?.holidays ?? []) {
    const from = String(h.date ?? h.from ?? '');
    const to = String(h.date ?? h.to ?? from);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) continue;
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Local calendar parts of an instant in a time zone. */
export interface LocalParts { date: string; weekday: number; minutes: number; y: number; m: number; d: number }

/**
 * The local date, weekday and minute of the day of `at` in `timeZone` (from shared/zonedTime,
 * whose formatter is made once per zone: this runs for every message, and making an
 * Intl.DateTimeFormat each time was 5% of the message path's CPU in the bench profile).
 */
export function localParts(at: Date, timeZone: string): LocalParts {
  const p = zonedParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return { date: `${p.y}-${two(p.m)}-${two(p.d)}`, weekday: p.weekday, minutes: p.minutes, y: p.y, m: p.m, d: p.d };
}

/** The instant of a local wall-clock time (works for zones with or without DST). */
function zonedTime(y: number, m: number, d: number, minutes: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const lp = localParts(new Date(guess), timeZone);
  const asUtc = Date.UTC(lp.y, lp.m - 1, lp.d, 0, lp.minutes);
  return new Date(guess - (asUtc - guess));
}

/** True when the line is open at `at`. */
export function isOpen(h: OfficeHours, at: Date): boolean {
  const lp = localParts(at, h.timeZone);
  if (h.holidays.has(lp.date)) return false;
  return h.segments.some((s) => s.days.includes(lp.weekday) && lp.minutes >= s.openMin && lp.minutes < s.closeMin);
}

/** When the line next opens at or after `at` (at itself when open); null if never within 60 days. */
export function nextOpening(h: OfficeHours, at: Date): Date | null {
  if (isOpen(h, at)) return at;
  const today = localParts(at, h.timeZone);
  for (let i = 0; i <= 60; i++) {
    const dayStart = zonedTime(today.y, today.m, today.d + i, 0, h.timeZone);
    const lp = localParts(new Date(dayStart.getTime() + 12 * 3_600_000), h.timeZone);
    if (h.holidays.has(lp.date)) continue;
    const opens = h.segments.filter((s) => s.days.includes(lp.weekday)).map((s) => s.openMin).sort((a, b) => a - b);
    for (const min of opens) {
      const t = zonedTime(lp.y, lp.m, lp.d, min, h.timeZone);
      if (t.getTime() > at.getTime()) return t;
    }
  }
  return null;
}

/** When the current opening segment closes (null when closed now). */
export function closesAt(h: OfficeHours, at: Date): Date | null {
  if (!isOpen(h, at)) return null;
  const lp = localParts(at, h.timeZone);
  const seg = h.segments.filter((s) => s.days.includes(lp.weekday) && lp.minutes >= s.openMin && lp.minutes < s.closeMin).sort((a, b) => b.closeMin - a.closeMin)[0]!;
  return zonedTime(lp.y, lp.m, lp.d, seg.closeMin, h.timeZone);
}

/** Safe-time windows a person may pick (flows/counsellor.yaml values), in local minutes. */
export const SAFE_WINDOWS: Record<string, [number, number]> = {
  morning: [7 * 60, 12 * 60], afternoon: [12 * 60, 17 * 60], evening: [17 * 60, 22 * 60], any: [0, 24 * 60],
};

/** True when `at` is inside the person's safe window AND the line is open: only then may we contact them. */
export function inSafeWindow(h: OfficeHours, window: string, at: Date): boolean {
  const w = SAFE_WINDOWS[window] ?? SAFE_WINDOWS.any!;
  const lp = localParts(at, h.timeZone);
  return isOpen(h, at) && lp.minutes >= w[0] && lp.minutes < w[1];
}
