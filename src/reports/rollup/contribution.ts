/**
 * What one case adds to the rollup (pure). A case counts in one **cell** (its month, channel
 * and province: the report's period and filters select whole cells) and adds 1 to a list of
 * **counter keys** there, exactly the figures buildReportFromCases would count it in:
 *
 *   { cell: '["2026-03","telegram","ha-noi"]',
 *     keys: ['answered', 'cases', 'danger', 'escalated', 'freeText', 'new', 'ageGroup:18_29', 'contextFlag:intimate_partner_family',
 *            'feedback:none', 'gender:female', 'outcome:referred', 'referral:police', 'role:affected',
 *            'violenceType:physical_assault', 'wait:60'] }
 *
 * Headline keys have no colon; breakdown keys are `<dimension>:<code>`; `wait:<bucket>` is
 * the wait histogram (answered handoffs with a wait only). A key may repeat when a stored
 * list holds a value twice, as $unwind would count it twice.
 */
import { codeOf } from '../tally';

/** A case's cell and the counter keys it adds 1 to (sorted). */
export interface Contribution {
  cell: string;
  keys: string[];
}

/** The cell id of (month, channel, province): JSON, so a missing value (null) is never confused with a code. */
export function cellIdOf(month: unknown, channel: unknown, province: unknown): string {
  return JSON.stringify([month ?? null, channel ?? null, province ?? null]);
}

/** The (month, channel, province) of a cell id. */
export function cellOf(id: string): { month: unknown; channel: unknown; province: unknown } {
  const [month, channel, province] = JSON.parse(id) as unknown[];
  return { month, channel, province };
}

/** A counter key: `<dimension>:<code>`, with "." and "%" escaped (a "." would split the stored field name). */
export function counterKey(dim: string, code: string): string {
  return `${dim}:${code.replace(/[%.]/g, (c) => (c === '%' ? '%25' : '%2E'))}`;
}

/** The dimension and code of a breakdown key, or null for a headline key ("cases", "danger" …). */
export function splitKey(key: string): { dim: string; code: string } | null {
  const i = key.indexOf(':');
  if (i < 0) return null;
  return { dim: key.slice(0, i), code: key.slice(i + 1).replace(/%(25|2E)/g, (m) => (m === '%25' ? '%' : '.')) };
}

/** The values $unwind would produce from a stored field: each element of a list, a lone value, or none. */
function unwound(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === null || v === undefined ? [] : [v];
}

const SINGLE: readonly (readonly [string, string])[] = [['role', 'role'], ['ageGroup', 'ageGroup'], ['gender', 'gender'], ['outcome', 'outcome'], ['feedback', 'feedback']];
const LISTS: readonly (readonly [string, string])[] = [
  ['violenceType', 'violenceTypes'], ['contextFlag', 'contextFlags'], ['referral', 'referrals'],
  ['listing', 'listings'], ['counsellorReferral', 'counsellorReferrals'],
];

/** The contribution of a case as stored (fields an upsert left out count as missing). */
export function contributionOf(doc: object): Contribution {
  const c = doc as Record<string, unknown>;
  const keys = ['cases', c.returning === true ? 'returning' : 'new'];
  if (c.danger === true) keys.push('danger');
  if (c.escalated === true) keys.push('escalated');
  if (c.answeredByCounsellor === true) keys.push('answered');
  if (c.abandoned === true) keys.push('abandoned');
  if (c.freeText === true) keys.push('freeText');
  if (c.notUnderstood === true) keys.push('notUnderstood');
  if (c.violenceRecorded !== true) keys.push(counterKey('violenceType', 'none'));
  for (const [dim, field] of SINGLE) keys.push(counterKey(dim, codeOf(dim, c[field])));
  for (const [dim, field] of LISTS) for (const v of unwound(c[field])) keys.push(counterKey(dim, codeOf(dim, v)));
  if (c.answeredByCounsellor === true && typeof c.waitBucket === 'number') keys.push(counterKey('wait', String(c.waitBucket)));
  return { cell: cellIdOf(c.month, c.channel, c.province), keys: keys.sort() };
}

/** True when two contributions count the same (null: not counted at all). */
export function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (!a || !b) return a === b;
  return a.cell === b.cell && a.keys.length === b.keys.length && a.keys.every((k, i) => k === b.keys[i]);
}

/** Counter changes per cell: cell id → key → change. */
export type CellDeltas = Map<string, Map<string, number>>;

/** Add (sign 1) or take away (sign -1) a contribution. */
export function addContribution(deltas: CellDeltas, c: Contribution, sign: 1 | -1): void {
  let cell = deltas.get(c.cell);
  if (!cell) deltas.set(c.cell, (cell = new Map()));
  for (const k of c.keys) cell.set(k, (cell.get(k) ?? 0) + sign);
}
