/**
 * Building a report. The counts come from the rollup (src/reports/rollup): one small
 * document per (month, channel, province) holding exact counters, kept up to date from
 * case changes by the rollup folder. A report first lets the folder catch up (so a case
 * written a moment ago is counted), then reads the cells of the period and sums them.
 *
 * Why not aggregate `cases` directly any more: on the embedded FerretDB every such query
 * decodes the whole collection (about 2 s per 1,000 cases for the 9 queries a report
 * needs, so half an hour at a million cases). The rollup holds a few hundred cells per
 * month whatever the number of cases. The old aggregation stays as buildReportFromCases
 * (fromCases.ts): the reference the tests compare the rollup with, and what a rebuild of
 * the rollup counts from.
 */
import { log } from '../observability/log';
import { Period, trendMonths } from './period';
import { catchUpRollup } from './rollup/fold';
import { tallyRollup } from './rollup/read';
import { Tally } from './tally';
import type { RawReport, ReportFilters } from './types';

export { DIMENSIONS, percentileFromBuckets } from './tally';
export type { Dimension, RawCell, RawReport, ReportFilters, WaitBucket } from './types';

/** How long a report waits for the rollup folder to count recent case changes. */
const CATCH_UP_MS = 15_000;

/** Build the exact report of a period from the rollup, after letting the folder catch up. */
export async function buildReport(period: Period, filters: ReportFilters = {}, now = new Date()): Promise<RawReport> {
  if (!(await catchUpRollup(CATCH_UP_MS))) {
    // Only under a backlog the folder could not clear in time: the figures lag by the changes still pending.
    log.warn('report built before the rollup caught up with recent case changes', { period: period.period });
  }
  const tally = new Tally();
  await tallyRollup(tally, period.months, trendMonths(period.months[period.months.length - 1]!), filters);
  return tally.report(period, filters, now);
}
