/** Read side of the rollup: sum the cells of a period (and the trend months) into a Tally. */
import type { ReportFilters } from '../types';
import { isDimension, Tally } from '../tally';
import { splitKey } from './contribution';
import { readCells } from './store';

/**
 * Add the cells of `months` (all figures) and of `trend` (case counts per month) that match
 * the filters. One read of the small `rollup` collection; a filter selects whole cells, as
 * province and channel are part of a cell's identity.
 */
export async function tallyRollup(t: Tally, months: readonly string[], trend: readonly string[], filters: ReportFilters): Promise<void> {
  const inPeriod = new Set(months);
  const inTrend = new Set(trend);
  for (const cell of await readCells([...new Set([...months, ...trend])])) {
    if (filters.province && cell.province !== filters.province) continue;
    if (filters.channel && cell.channel !== filters.channel) continue;
    const n = cell.n ?? {};
    const month = String(cell.month);
    if (inTrend.has(month)) t.month(month, n.cases ?? 0);
    if (!inPeriod.has(month)) continue;
    const totals = t.totals;
    totals.cases += n.cases ?? 0;
    totals.newPersons += n.new ?? 0;
    totals.returningPersons += n.returning ?? 0;
    totals.danger += n.danger ?? 0;
    totals.escalated += n.escalated ?? 0;
    totals.answeredByCounsellor += n.answered ?? 0;
    totals.abandoned += n.abandoned ?? 0;
    totals.freeText += n.freeText ?? 0;
    totals.notUnderstood += n.notUnderstood ?? 0;
    t.add('channel', cell.channel, n.cases ?? 0);
    t.add('province', cell.province, n.cases ?? 0);
    for (const [key, count] of Object.entries(n)) {
      const k = splitKey(key);
      if (!k || count === 0) continue;
      if (k.dim === 'wait') t.wait(Number(k.code), count);
      else if (isDimension(k.dim)) t.add(k.dim, k.code, count);
    }
  }
}
