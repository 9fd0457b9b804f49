/**
 * The shapes of a report, in their own file so that the builders (monthly.ts, fromCases.ts),
 * the figures' definitions (tally.ts) and the rollup reader can all use them without
 * importing one another.
 */
import type { Period } from './period';

/**
 * Names of the breakdowns, in the order they are shown. `referral` counts every category however
 * it was given (kept for continuity); `listing` = the bot showed a directory list,
 * `counsellorReferral` = a counsellor referred in the close form: the page shows these two apart.
 */
export const DIMENSIONS = [
  'channel', 'province', 'violenceType', 'contextFlag', 'role', 'ageGroup', 'gender', 'outcome', 'referral', 'feedback',
  'listing', 'counsellorReferral',
] as const;
/** A breakdown name. */
export type Dimension = (typeof DIMENSIONS)[number];

/** Optional filters of a report. */
export interface ReportFilters {
  province?: string;
  channel?: string;
}

/** One cell of a breakdown. */
export interface RawCell {
  code: string;
  count: number;
}

/** A report before suppression: exact counts. Stored in snapshots; never sent out as is. */
export interface RawReport {
  kind: Period['kind'];
  period: string;
  months: string[];
  filters: ReportFilters;
  generatedAt: string;
  totals: {
    cases: number; newPersons: number; returningPersons: number; danger: number;
    escalated: number; answeredByCounsellor: number; abandoned: number;
    /** Cases where the person typed free text the bot tried to read (understood, clarified or not). */
    freeText: number;
    /** Cases with at least one free-text message the bot did not understand (a subset of freeText). */
    notUnderstood: number;
  };
  /** Waits (seconds) of answered handoffs as value → count, and nearest-rank percentiles. */
  wait: { samples: number; median: number | null; p90: number | null; buckets: WaitBucket[] };
  dims: Record<Dimension, RawCell[]>;
  trend: RawCell[];
}

/** How many answered handoffs waited exactly `value` seconds (objects, not pairs: FerretDB stores no nested arrays). */
export interface WaitBucket {
  value: number;
  count: number;
}
