/**
 * Building a report from the `cases` collection only, with the query subset both MongoDB
 * and FerretDB v1 run: $match on precomputed fields, $unwind, $group, $sum: 1. No $push,
 * no $avg, no date operators, and never $sum of a field (FerretDB v1 sums a group holding
 * a null to 0).
 *
 * Why several small $groups: each groups on a few low-cardinality fields (at most ~100
 * groups), because FerretDB v1 finds a row's group by comparing it with every group so
 * far (cost rows × groups), so one wide $group over every field is quadratic there. The
 * queries run in parallel. On MongoDB each $match uses the { month, province } /
 * { month, channel } indexes; FerretDB v1 over SQLite pushes down only _id equality, so
 * on the embedded database each query is a full scan (see docs/reports.md for figures).
 */
import {
  aggregateCases, AGE_GROUPS, CHANNELS, CONTEXT_FLAGS, FEEDBACK, GENDERS, OUTCOMES, PROVINCES, REFERRAL_CATEGORIES, ROLES, VIOLENCE_TYPES,
} from '../cases';
import { Period, trendMonths } from './period';

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

/** Names of the breakdowns, in the order they are shown. */
export const DIMENSIONS = ['channel', 'province', 'violenceType', 'contextFlag', 'role', 'ageGroup', 'gender', 'outcome', 'referral', 'feedback'] as const;
/** A breakdown name. */
export type Dimension = (typeof DIMENSIONS)[number];

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
  };
  /** Waits (seconds) of answered handoffs as value → count, and nearest-rank percentiles. */
  wait: { samples: number; median: number | null; p90: number | null; buckets: WaitBucket[] };
  dims: Record<Dimension, RawCell[]>;
  trend: RawCell[];
}

/** Every code of each breakdown (shown even at zero), plus the "no value" cell. */
const CODES: Record<Dimension, readonly string[]> = {
  channel: CHANNELS, province: [...PROVINCES, 'unknown'], violenceType: [...VIOLENCE_TYPES, 'none'], contextFlag: CONTEXT_FLAGS,
  role: ROLES, ageGroup: [...AGE_GROUPS, 'unknown'], gender: [...GENDERS, 'unknown'], outcome: [...OUTCOMES, 'none'],
  referral: REFERRAL_CATEGORIES, feedback: [...FEEDBACK, 'none'],
};

/** The $match of a set of months with the filters. */
export function matchStage(months: string[], filters: ReportFilters, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const match: Record<string, unknown> = months.length === 1 ? { month: months[0] } : { month: { $in: months } };
  if (filters.province) match.province = filters.province;
  if (filters.channel) match.channel = filters.channel;
  return { $match: { ...match, ...extra } };
}

/** The aggregations of a period by name (exported for the benchmark's explain). */
export function reportPipelines(months: string[], filters: ReportFilters): Record<string, Record<string, unknown>[]> {
  const m = matchStage(months, filters);
  const group = (id: unknown) => ({ $group: { _id: id, n: { $sum: 1 } } });
  return {
    place: [m, group({ channel: '$channel', province: '$province' })],
    person: [m, group({ role: '$role', ageGroup: '$ageGroup', gender: '$gender' })],
    flags: [m, group({ returning: '$returning', danger: '$danger', escalated: '$escalated', answered: '$answeredByCounsellor', abandoned: '$abandoned', vr: '$violenceRecorded' })],
    result: [m, group({ outcome: '$outcome', fb: '$feedback' })],
    wait: [matchStage(months, filters, { answeredByCounsellor: true, waitBucket: { $ne: null } }), group('$waitBucket')],
    vt: [m, { $unwind: '$violenceTypes' }, group('$violenceTypes')],
    cf: [m, { $unwind: '$contextFlags' }, group('$contextFlags')],
    ref: [m, { $unwind: '$referrals' }, group('$referrals')],
  };
}

/** How many answered handoffs waited exactly `value` seconds (objects, not pairs: FerretDB stores no nested arrays). */
export interface WaitBucket {
  value: number;
  count: number;
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

type Row<K> = { _id: K; n: number };

/** Build the exact report of a period: a few small aggregations on `cases`, nothing else. */
export async function buildReport(period: Period, filters: ReportFilters = {}, now = new Date()): Promise<RawReport> {
  const last = period.months[period.months.length - 1]!;
  const trendList = trendMonths(last);
  const p = reportPipelines(period.months, filters);
  type Any = Record<string, unknown>;
  const [place, person, flags, result, wait, vt, cf, ref, trendRows] = await Promise.all([
    aggregateCases<Row<Any>>(p.place!), aggregateCases<Row<Any>>(p.person!), aggregateCases<Row<Any>>(p.flags!),
    aggregateCases<Row<Any>>(p.result!), aggregateCases<Row<number>>(p.wait!), aggregateCases<Row<string>>(p.vt!),
    aggregateCases<Row<string>>(p.cf!), aggregateCases<Row<string>>(p.ref!),
    aggregateCases<Row<string>>([matchStage(trendList, filters), { $group: { _id: '$month', n: { $sum: 1 } } }]),
  ]);

  const counts = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string, number>(CODES[d].map((c) => [c, 0]))])) as Record<Dimension, Map<string, number>>;
  const add = (d: Dimension, code: unknown, n: number): void => {
    const k = typeof code === 'string' ? code : (d === 'violenceType' || d === 'outcome' || d === 'feedback' ? 'none' : 'unknown');
    counts[d].set(k, (counts[d].get(k) ?? 0) + n);
  };
  const totals = { cases: 0, newPersons: 0, returningPersons: 0, danger: 0, escalated: 0, answeredByCounsellor: 0, abandoned: 0 };
  // FerretDB leaves a null/missing field out of a compound _id; `?? null` / typeof checks cover both.
  for (const { _id: k, n } of flags) {
    totals.cases += n;
    if (k.returning === true) totals.returningPersons += n; else totals.newPersons += n;
    if (k.danger === true) totals.danger += n;
    if (k.escalated === true) totals.escalated += n;
    if (k.answered === true) totals.answeredByCounsellor += n;
    if (k.abandoned === true) totals.abandoned += n;
    if (k.vr !== true) add('violenceType', null, n);
  }
  for (const { _id: k, n } of place) { add('channel', k.channel, n); add('province', k.province, n); }
  for (const { _id: k, n } of person) { add('role', k.role ?? 'unknown', n); add('ageGroup', k.ageGroup, n); add('gender', k.gender, n); }
  for (const { _id: k, n } of result) { add('outcome', k.outcome, n); add('feedback', k.fb, n); }
  for (const { _id, n } of vt) add('violenceType', _id, n);
  for (const { _id, n } of cf) add('contextFlag', _id, n);
  for (const { _id, n } of ref) add('referral', _id, n);

  const buckets = wait.filter((w) => typeof w._id === 'number').map((w) => ({ value: w._id, count: w.n })).sort((a, b) => a.value - b.value);
  const trendMap = new Map(trendRows.map((r) => [r._id, r.n]));
  return {
    kind: period.kind, period: period.period, months: period.months, filters: { ...filters }, generatedAt: now.toISOString(),
    totals,
    wait: { samples: buckets.reduce((s, b) => s + b.count, 0), median: percentileFromBuckets(buckets, 0.5), p90: percentileFromBuckets(buckets, 0.9), buckets },
    dims: Object.fromEntries(DIMENSIONS.map((d) => [d, [...counts[d].entries()].map(([code, count]) => ({ code, count }))])) as Record<Dimension, RawCell[]>,
    trend: trendList.map((m) => ({ code: m, count: trendMap.get(m) ?? 0 })),
  };
}
