/** Report use cases: build (exact, then suppressed) and the immutable monthly snapshots. */
import { log } from '../observability/log';
import { buildReport, RawReport, ReportFilters } from './monthly';
import { parsePeriod, Period } from './period';
import { findSnapshot, insertSnapshot, listSnapshots, SnapshotInfo } from './store';
import { SuppressedReport, suppressReport } from './suppress';
import { CHANNELS, PROVINCES } from '../cases';
import type { Result } from '../shared/result';

/** Result of asking for a report. */
export type ReportResult = Result<{ report: SuppressedReport }, 'bad_period' | 'bad_filter' | 'not_found'>;

/** Keep only valid filter codes; null when a given filter is not a known code. */
export function parseFilters(q: { province?: unknown; channel?: unknown }): ReportFilters | null {
  const f: ReportFilters = {};
  const province = typeof q.province === 'string' && q.province ? q.province : undefined;
  const channel = typeof q.channel === 'string' && q.channel ? q.channel : undefined;
  if (province) { if (!(PROVINCES as readonly string[]).includes(province)) return null; f.province = province; }
  if (channel) { if (!(CHANNELS as readonly string[]).includes(channel)) return null; f.channel = channel; }
  return f;
}

/** A live report of a period ("2026-03", "2026-H1", "2026"), suppressed with minCell. */
export async function liveReport(period: string, filters: ReportFilters, minCell: number, now = new Date()): Promise<ReportResult> {
  const p = parsePeriod(period);
  if (!p) return { ok: false, code: 'bad_period' };
  return { ok: true, report: suppressReport(await buildReport(p, filters, now), minCell) };
}

/** A stored snapshot, suppressed with the current minCell (never lower than the one it was made with). */
export async function snapshotReport(kind: Period['kind'], period: string, minCell: number): Promise<ReportResult> {
  const doc = await findSnapshot(kind, period);
  if (!doc) return { ok: false, code: 'not_found' };
  return { ok: true, report: suppressReport(doc.data as unknown as RawReport, Math.max(minCell, doc.minCell)) };
}

/**
 * Make the immutable snapshot of a month (all provinces and channels) if it does not exist.
 * Idempotent: the (kind, period) unique index keeps the first one. Returns true if made now.
 */
export async function snapshotMonth(month: string, minCell: number, now = new Date()): Promise<boolean> {
  const p = parsePeriod(month);
  if (!p || p.kind !== 'month') throw new Error(`not a month: ${month}`);
  if (await findSnapshot('month', month)) return false;
  const raw = await buildReport(p, {}, now);
  const created = await insertSnapshot({ kind: 'month', period: month, generatedAt: now, minCell, data: raw as unknown as Record<string, unknown> });
  log.info('monthly report snapshot', { period: month, created });
  return created;
}

/** True when a month's snapshot exists. */
export async function hasSnapshot(kind: Period['kind'], period: string): Promise<boolean> {
  return (await findSnapshot(kind, period)) !== null;
}

/** Snapshot list for the console. */
export async function snapshots(): Promise<SnapshotInfo[]> {
  return listSnapshots();
}
