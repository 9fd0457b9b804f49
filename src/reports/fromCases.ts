/**
 * The report counted straight from `cases` with aggregations (the way reports were built
 * before the rollup). Kept as the reference: tests check that the rollup gives exactly
 * these figures, and an operator can compare after a restore. It is slow on the embedded
 * database (each of the 9 queries decodes the whole collection), fine on MongoDB.
 *
 * The query subset both MongoDB and FerretDB v1 run: $match on precomputed fields,
 * $unwind, $group, $sum: 1. No $push, no $avg, no date operators, and never $sum of a
 * field (FerretDB v1 sums a group holding a null to 0). Each $group is on a few
 * low-cardinality fields, because FerretDB v1 finds a row's group by comparing it with
 * every group so far.
 */
import { aggregateCases } from '../cases';
import type { RawReport, ReportFilters } from './monthly';
import { Period, trendMonths } from './period';
import { Tally } from './tally';

/** The $match of a set of months with the filters. */
export function matchStage(months: string[], filters: ReportFilters, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const match: Record<string, unknown> = months.length === 1 ? { month: months[0] } : { month: { $in: months } };
  if (filters.province) match.province = filters.province;
  if (filters.channel) match.channel = filters.channel;
  return { $match: { ...match, ...extra } };
}

/** The aggregations of a period by name. */
export function reportPipelines(months: string[], filters: ReportFilters): Record<string, Record<string, unknown>[]> {
  const m = matchStage(months, filters);
  const group = (id: unknown) => ({ $group: { _id: id, n: { $sum: 1 } } });
  return {
    place: [m, group({ channel: '$channel', province: '$province' })],
    person: [m, group({ role: '$role', ageGroup: '$ageGroup', gender: '$gender' })],
    flags: [m, group({ returning: '$returning', danger: '$danger', escalated: '$escalated', answered: '$answeredByCounsellor', abandoned: '$abandoned', vr: '$violenceRecorded', ft: '$freeText', nu: '$notUnderstood' })],
    result: [m, group({ outcome: '$outcome', fb: '$feedback' })],
    wait: [matchStage(months, filters, { answeredByCounsellor: true, waitBucket: { $ne: null } }), group('$waitBucket')],
    vt: [m, { $unwind: '$violenceTypes' }, group('$violenceTypes')],
    cf: [m, { $unwind: '$contextFlags' }, group('$contextFlags')],
    ref: [m, { $unwind: '$referrals' }, group('$referrals')],
    lst: [m, { $unwind: '$listings' }, group('$listings')],
    cref: [m, { $unwind: '$counsellorReferrals' }, group('$counsellorReferrals')],
  };
}

type Row<K> = { _id: K; n: number };
type Any = Record<string, unknown>;

/** The exact report of a period from the `cases` collection itself (a few aggregations, in parallel). */
export async function buildReportFromCases(period: Period, filters: ReportFilters = {}, now = new Date()): Promise<RawReport> {
  const trendList = trendMonths(period.months[period.months.length - 1]!);
  const p = reportPipelines(period.months, filters);
  const [place, person, flags, result, wait, vt, cf, ref, lst, cref, trendRows] = await Promise.all([
    aggregateCases<Row<Any>>(p.place!), aggregateCases<Row<Any>>(p.person!), aggregateCases<Row<Any>>(p.flags!),
    aggregateCases<Row<Any>>(p.result!), aggregateCases<Row<unknown>>(p.wait!), aggregateCases<Row<unknown>>(p.vt!),
    aggregateCases<Row<unknown>>(p.cf!), aggregateCases<Row<unknown>>(p.ref!), aggregateCases<Row<unknown>>(p.lst!), aggregateCases<Row<unknown>>(p.cref!),
    aggregateCases<Row<unknown>>([matchStage(trendList, filters), { $group: { _id: '$month', n: { $sum: 1 } } }]),
  ]);
  const t = new Tally();
  // FerretDB leaves a null/missing field out of a compound _id; Tally's "none"/"unknown" covers both.
  for (const { _id: k, n } of flags) {
    t.totals.cases += n;
    if (k.returning === true) t.totals.returningPersons += n; else t.totals.newPersons += n;
    if (k.danger === true) t.totals.danger += n;
    if (k.escalated === true) t.totals.escalated += n;
    if (k.answered === true) t.totals.answeredByCounsellor += n;
    if (k.abandoned === true) t.totals.abandoned += n;
    if (k.ft === true) t.totals.freeText += n;
    if (k.nu === true) t.totals.notUnderstood += n;
    if (k.vr !== true) t.add('violenceType', null, n);
  }
  for (const { _id: k, n } of place) { t.add('channel', k.channel, n); t.add('province', k.province, n); }
  for (const { _id: k, n } of person) { t.add('role', k.role, n); t.add('ageGroup', k.ageGroup, n); t.add('gender', k.gender, n); }
  for (const { _id: k, n } of result) { t.add('outcome', k.outcome, n); t.add('feedback', k.fb, n); }
  for (const { _id, n } of vt) t.add('violenceType', _id, n);
  for (const { _id, n } of cf) t.add('contextFlag', _id, n);
  for (const { _id, n } of ref) t.add('referral', _id, n);
  for (const { _id, n } of lst) t.add('listing', _id, n);
  for (const { _id, n } of cref) t.add('counsellorReferral', _id, n);
  for (const { _id, n } of wait) if (typeof _id === 'number') t.wait(_id, n);
  for (const { _id, n } of trendRows) if (typeof _id === 'string') t.month(_id, n);
  return t.report(period, filters, now);
}
