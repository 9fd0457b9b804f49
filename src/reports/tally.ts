/**
 * The figures' definitions in one place: a Tally takes counts (from the rollup, or from the
 * raw aggregation over `cases`) and assembles the exact RawReport. Both builders share it,
 * so the rollup and the raw aggregation can only differ in the counts they feed in.
 */
import {
  AGE_GROUPS, CHANNELS, CONTEXT_FLAGS, FEEDBACK, GENDERS, OUTCOMES, PROVINCES, REFERRAL_CATEGORIES, ROLES, VIOLENCE_TYPES,
} from '../cases';
import { Period, trendMonths } from './period';
import { DIMENSIONS, type Dimension, type RawCell, type RawReport, type ReportFilters, type WaitBucket } from './types';

export { DIMENSIONS };
export type { Dimension };

/** Every code of each breakdown (shown even at zero), plus the "no value" cell. */
const CODES: Record<Dimension, readonly string[]> = {
  channel: CHANNELS, province: [...PROVINCES, 'unknown'], violenceType: [...VIOLENCE_TYPES, 'none'], contextFlag: CONTEXT_FLAGS,
  role: ROLES, ageGroup: [...AGE_GROUPS, 'unknown'], gender: [...GENDERS, 'unknown'], outcome: [...OUTCOMES, 'none'],
  referral: REFERRAL_CATEGORIES, feedback: [...FEEDBACK, 'none'], listing: REFERRAL_CATEGORIES, counsellorReferral: REFERRAL_CATEGORIES,
};
/** Breakdowns whose "no value" cell is "none" (the others say "unknown"). */
const NONE_DIMS: ReadonlySet<string> = new Set(['violenceType', 'outcome', 'feedback']);

/** True for a breakdown name. */
export function isDimension(d: string): d is Dimension {
  return (DIMENSIONS as readonly string[]).includes(d);
}

/** The cell a stored value counts in: the value when it is a string, else "none"/"unknown". */
export function codeOf(d: string, v: unknown): string {
  return typeof v === 'string' ? v : NONE_DIMS.has(d) ? 'none' : 'unknown';
}

/** Nearest-rank percentile (0 < p ≤ 1) of a histogram of bucket counts; null when empty. */
export function percentileFromBuckets(buckets: WaitBucket[], p: number): number | null {
  const sorted = buckets.filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, b) => s + b.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const b of sorted) {
    seen += b.count;
    if (seen >= rank) return b.value;
  }
  return sorted[sorted.length - 1]!.value;
}

/** Exact counts of one report, filled in by a builder. */
export class Tally {
  readonly totals: RawReport['totals'] = {
    cases: 0, newPersons: 0, returningPersons: 0, danger: 0, escalated: 0, answeredByCounsellor: 0, abandoned: 0, freeText: 0, notUnderstood: 0,
  };
  private readonly dims = new Map<Dimension, Map<string, number>>(DIMENSIONS.map((d) => [d, new Map(CODES[d].map((c) => [c, 0]))]));
  private readonly waits = new Map<number, number>();
  private readonly months = new Map<string, number>();

  /** Add n to the cell of `code` in breakdown d (a non-string code counts as "none"/"unknown"). */
  add(d: Dimension, code: unknown, n: number): void {
    if (n === 0) return; // a rollup counter back at zero must not invent a cell for an unlisted code
    const m = this.dims.get(d)!;
    const k = codeOf(d, code);
    m.set(k, (m.get(k) ?? 0) + n);
  }

  /** Add n answered handoffs whose wait fell in the bucket starting at `value` seconds. */
  wait(value: number, n: number): void {
    this.waits.set(value, (this.waits.get(value) ?? 0) + n);
  }

  /** Add n cases to a month of the 12-month trend. */
  month(month: string, n: number): void {
    this.months.set(month, (this.months.get(month) ?? 0) + n);
  }

  /** The report. Codes outside the lists (e.g. channel "unknown") follow the listed ones, sorted. */
  report(period: Period, filters: ReportFilters, now: Date): RawReport {
    const buckets = [...this.waits].filter(([, count]) => count > 0).map(([value, count]) => ({ value, count })).sort((a, b) => a.value - b.value);
    const dims = Object.fromEntries(DIMENSIONS.map((d) => {
      const m = this.dims.get(d)!;
      const listed = new Set(CODES[d]);
      const extra = [...m.keys()].filter((c) => !listed.has(c)).sort();
      return [d, [...CODES[d], ...extra].map((code): RawCell => ({ code, count: m.get(code) ?? 0 }))];
    })) as Record<Dimension, RawCell[]>;
    return {
      kind: period.kind, period: period.period, months: period.months, filters: { ...filters }, generatedAt: now.toISOString(),
      totals: { ...this.totals },
      wait: { samples: buckets.reduce((s, b) => s + b.count, 0), median: percentileFromBuckets(buckets, 0.5), p90: percentileFromBuckets(buckets, 0.9), buckets },
      dims,
      trend: trendMonths(period.months[period.months.length - 1]!).map((m) => ({ code: m, count: this.months.get(m) ?? 0 })),
    };
  }
}
