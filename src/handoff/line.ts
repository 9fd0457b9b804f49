/**
 * The counsellor line as the bot tells it: open or not (from the office hours, computed at
 * the moment of asking), counsellors online and people waiting (from a snapshot refreshed
 * every few seconds and after every change this instance makes). The pipeline reads it
 * synchronously for every step, so asking costs no query; the request itself checks again.
 */
import type { LineStatus } from '../engine';
import { log } from '../observability/log';
import { isOpen, localParts, nextOpening, type OfficeHours } from './officeHours';

/** How often the snapshot of who is online is refreshed. */
export const LINE_REFRESH_MS = 5_000;

/** Counsellors online and people waiting, as last counted. */
export interface LineCounts { online: number; waiting: number }

/** When the line next opens, as the engine words it (local time, days from today). */
export function opensAfter(hours: OfficeHours, now: Date): LineStatus['opens'] {
  const next = nextOpening(hours, now);
  if (!next) return null;
  const a = localParts(now, hours.timeZone);
  const b = localParts(next, hours.timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    time: `${pad(Math.floor(b.minutes / 60))}:${pad(b.minutes % 60)}`,
    inDays: Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000),
    date: `${pad(b.d)}/${pad(b.m)}/${b.y}`,
  };
}

/** The line now: hours decide "open"; the counts come from the latest snapshot. */
export function lineStatus(hours: OfficeHours, counts: LineCounts, now: Date): LineStatus {
  const open = isOpen(hours, now);
  return open ? { open, online: counts.online, waiting: counts.waiting } : { open, online: 0, waiting: counts.waiting, opens: opensAfter(hours, now) };
}

/** Keeps the snapshot fresh in the background. */
export class LineWatch {
  private counts: LineCounts | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly hours: OfficeHours, private readonly count: () => Promise<LineCounts>) {}

  /** The line now; undefined while open but not yet counted (the request then decides). */
  current(now = new Date()): LineStatus | undefined {
    if (this.counts) return lineStatus(this.hours, this.counts, now);
    return isOpen(this.hours, now) ? undefined : lineStatus(this.hours, { online: 0, waiting: 0 }, now);
  }

  /** Count again now (after a presence change, a request, a claim); one count at a time. */
  refresh(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.count()
        .then((c) => { this.counts = c; }, (err: unknown) => { log.warn('could not count the counsellor line', { err }); })
        .finally(() => { this.inFlight = undefined; });
    }
    return this.inFlight;
  }

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => { void this.refresh(); }, LINE_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
