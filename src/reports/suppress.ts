/**
 * Small-cell suppression for everything that leaves the system (API, page, CSV, CLI).
 *
 * Rule (also in docs/reports.md):
 * 1. Primary: a count from 1 to K-1 is shown as "<K" (K = REPORT_MIN_CELL, default 5).
 *    0 is shown as 0.
 * 2. Secondary: within one breakdown (channel, province, … and the yes/no split of each
 *    flag, whose total is shown), if exactly one cell is suppressed, the smallest other
 *    non-zero cell is hidden too and shown as "x", so the suppressed cell cannot be
 *    recovered as total minus the others.
 * 3. Wait percentiles need at least K answered handoffs; the answered share needs neither
 *    answered nor unanswered to be suppressed, the not-understood share neither
 *    not-understood nor the rest of the free-text cases.
 * 4. When the answered share is hidden by rule 3 (which happens exactly when the line does
 *    well: 1 to K-1 requests unanswered), it is published rounded instead: as the step of
 *    `step` points it falls in (e.g. 90–95), where `step` is the smallest multiple of 5 for
 *    which one step spans at least K requests (step × escalated ≥ 100 × K), so the small count
 *    cannot be read back from it. With a step above 25 points (fewer than 4K requests)
 *    nothing is published.
 */
import type { Dimension, RawCell, RawReport } from './monthly';

/** A shown count: a number, "<K" (small) or "x" (hidden to protect a small cell). */
export type Cell = number | string;
/** Marker of a cell hidden by secondary suppression. */
export const SECONDARY = 'x';

/** A report as it may leave the system. */
export interface SuppressedReport {
  kind: RawReport['kind'];
  period: string;
  months: string[];
  filters: RawReport['filters'];
  generatedAt: string;
  minCell: number;
  totals: {
    cases: Cell; newPersons: Cell; returningPersons: Cell; danger: Cell;
    escalated: Cell; answeredByCounsellor: Cell; abandoned: Cell; freeText: Cell; notUnderstood: Cell;
  };
  /** Percent of escalations answered by a counsellor (integer), or null when hidden/undefined. */
  answeredShare: number | null;
  /**
   * When the exact share is hidden (1 to K-1 requests unanswered, or answered): the step of
   * `step` points it falls in, from `low` to `high` (a multiple of 5 wide enough to span at
   * least K possible counts), else null.
   */
  answeredShareRounded: RoundedShare | null;
  /** Percent of free-text cases with a message not understood (integer), or null when hidden or no free text. */
  notUnderstoodShare: number | null;
  wait: { samples: Cell; median: number | null; p90: number | null };
  dims: Record<Dimension, { code: string; count: Cell }[]>;
  trend: { code: string; count: Cell }[];
}

/** Primary suppression of one count. */
export function suppressCount(n: number, k: number): Cell {
  return n >= 1 && n < k ? `<${k}` : n;
}

/** Primary + secondary suppression of one breakdown, keeping cell order. */
export function suppressCells(cells: RawCell[], k: number): { code: string; count: Cell }[] {
  const out: { code: string; count: Cell }[] = cells.map((c) => ({ code: c.code, count: suppressCount(c.count, k) }));
  const primary = out.filter((c) => typeof c.count === 'string').length;
  if (primary === 1) {
    let pick = -1;
    cells.forEach((c, i) => {
      if (typeof out[i]!.count === 'number' && c.count > 0 && (pick < 0 || c.count < cells[pick]!.count)) pick = i;
    });
    if (pick >= 0) out[pick]!.count = SECONDARY;
  }
  return out;
}

/** A flag and its complement (total − flag) as a two-cell breakdown; returns the flag's shown cell. */
function flagCell(yes: number, total: number, k: number): Cell {
  return suppressCells([{ code: 'yes', count: yes }, { code: 'no', count: total - yes }], k)[0]!.count;
}

/** A share published rounded: it lies from `low` to `high` percent (high − low = step). */
export interface RoundedShare { low: number; high: number; step: number }

/** Rule 4: the step of the answered share wide enough to hide a small count, or null. */
export function roundedShare(part: number, whole: number, k: number): RoundedShare | null {
  if (whole <= 0) return null;
  const step = 5 * Math.ceil((100 * k) / (5 * whole));
  if (step > 25) return null;
  const exact = (100 * part) / whole;
  // The top step ends at 100, and a share of exactly 100 is never hidden (nothing unanswered).
  const low = Math.min(100 - step, Math.floor(exact / step) * step);
  return { low, high: low + step, step };
}

/** Apply the rules to a whole report. */
export function suppressReport(r: RawReport, k: number): SuppressedReport {
  const t = r.totals;
  const persons = suppressCells([{ code: 'new', count: t.newPersons }, { code: 'returning', count: t.returningPersons }], k);
  const handled = suppressCells([
    { code: 'answered', count: t.answeredByCounsellor }, { code: 'unanswered', count: t.escalated - t.answeredByCounsellor },
  ], k);
  const escalated = flagCell(t.escalated, t.cases, k);
  const answered = typeof escalated === 'number' ? handled[0]!.count : (t.answeredByCounsellor === 0 ? 0 : SECONDARY);
  const shareShown = t.escalated > 0 && typeof escalated === 'number' && handled.every((c) => typeof c.count === 'number');
  // Snapshots made before the free-text figures existed have none: counted as 0.
  const ft = t.freeText ?? 0;
  const nu = t.notUnderstood ?? 0;
  const read = suppressCells([{ code: 'not_understood', count: nu }, { code: 'understood', count: ft - nu }], k);
  const freeText = flagCell(ft, t.cases, k);
  // As answered within escalated: when the free-text total is hidden, so is its part.
  const notUnderstood = typeof freeText === 'number' ? read[0]!.count : (nu === 0 ? 0 : SECONDARY);
  const nuShareShown = ft > 0 && typeof freeText === 'number' && read.every((c) => typeof c.count === 'number');
  const enough = r.wait.samples >= k;
  return {
    kind: r.kind, period: r.period, months: r.months, filters: r.filters, generatedAt: r.generatedAt, minCell: k,
    totals: {
      cases: suppressCount(t.cases, k),
      newPersons: persons[0]!.count,
      returningPersons: persons[1]!.count,
      danger: flagCell(t.danger, t.cases, k),
      escalated,
      answeredByCounsellor: answered,
      abandoned: flagCell(t.abandoned, t.escalated, k),
      freeText,
      notUnderstood,
    },
    answeredShare: shareShown ? Math.round((100 * t.answeredByCounsellor) / t.escalated) : null,
    answeredShareRounded: !shareShown && typeof escalated === 'number' ? roundedShare(t.answeredByCounsellor, t.escalated, k) : null,
    notUnderstoodShare: nuShareShown ? Math.round((100 * nu) / ft) : null,
    wait: { samples: suppressCount(r.wait.samples, k), median: enough ? r.wait.median : null, p90: enough ? r.wait.p90 : null },
    dims: Object.fromEntries(Object.entries(r.dims).map(([d, cells]) => [d, suppressCells(cells, k)])) as SuppressedReport['dims'],
    trend: r.trend.map((c) => ({ code: c.code, count: suppressCount(c.count, k) })),
  };
}
