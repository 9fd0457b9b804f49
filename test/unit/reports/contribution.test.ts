/** What one case adds to the report rollup: its cell and counter keys, as the raw aggregation would count it. */
import { cellIdOf, cellOf, contributionOf, counterKey, sameContribution, splitKey } from '../../../src/reports/rollup/contribution';

describe('case contribution to the rollup', () => {
  it('lists every figure a closed, answered case counts in', () => {
    const c = contributionOf({
      month: '2026-03', channel: 'telegram', province: 'ha-noi', returning: false, danger: true, escalated: true, answeredByCounsellor: true,
      abandoned: false, violenceRecorded: true, role: 'affected', ageGroup: '18_29', gender: 'female', outcome: 'referred', feedback: null,
      violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], referrals: ['police', 'shelter'], waitBucket: 60, topics: ['main'],
      freeText: true, notUnderstood: true,
    });
    expect(c.cell).toBe('["2026-03","telegram","ha-noi"]');
    expect(c.keys).toEqual([
      'ageGroup:18_29', 'answered', 'cases', 'contextFlag:intimate_partner_family', 'danger', 'escalated', 'feedback:none', 'freeText', 'gender:female', 'new',
      'notUnderstood', 'outcome:referred', 'referral:police', 'referral:shelter', 'role:affected', 'violenceType:physical_assault', 'wait:60',
    ]);
  });

  it('counts fields an upsert left out as none/unknown, and a row without a province under a null cell', () => {
    const c = contributionOf({ month: '2026-03', channel: 'unknown', returning: true, escalated: true });
    expect(cellOf(c.cell)).toEqual({ month: '2026-03', channel: 'unknown', province: null });
    expect(c.keys).toEqual(['ageGroup:unknown', 'cases', 'escalated', 'feedback:none', 'gender:unknown', 'outcome:none', 'returning', 'role:unknown', 'violenceType:none']);
  });

  it('counts the free-text flags only when set (rows written before them lack both)', () => {
    const flags = (doc: object) => contributionOf(doc).keys.filter((k) => k === 'freeText' || k === 'notUnderstood');
    expect(flags({ freeText: true, notUnderstood: false })).toEqual(['freeText']);
    expect(flags({ freeText: false, notUnderstood: false })).toEqual([]);
    expect(flags({})).toEqual([]);
  });

  it('counts a wait only for answered handoffs, and a repeated list value twice (as $unwind does)', () => {
    expect(contributionOf({ answeredByCounsellor: false, waitBucket: 60 }).keys.filter((k) => k.startsWith('wait:'))).toEqual([]);
    expect(contributionOf({ answeredByCounsellor: true, waitBucket: null }).keys.filter((k) => k.startsWith('wait:'))).toEqual([]);
    expect(contributionOf({ referrals: ['police', 'police'] }).keys.filter((k) => k.startsWith('referral:'))).toEqual(['referral:police', 'referral:police']);
  });

  it('escapes codes so a stored field name never splits, and tells missing from a code', () => {
    const k = counterKey('referral', 'a.b%2E$c');
    expect(k).not.toContain('.');
    expect(splitKey(k)).toEqual({ dim: 'referral', code: 'a.b%2E$c' });
    expect(splitKey('cases')).toBeNull();
    expect(cellIdOf('2026-03', 'zalo', null)).not.toBe(cellIdOf('2026-03', 'zalo', 'null'));
  });

  it('compares contributions', () => {
    const a = contributionOf({ month: '2026-03', channel: 'zalo', role: 'helping' });
    expect(sameContribution(a, contributionOf({ month: '2026-03', channel: 'zalo', role: 'helping', topics: ['x'] }))).toBe(true);
    expect(sameContribution(a, contributionOf({ month: '2026-03', channel: 'zalo', role: 'affected' }))).toBe(false);
    expect(sameContribution(a, { ...a, cell: cellIdOf('2026-03', 'zalo', 'hue') })).toBe(false);
    expect(sameContribution(null, null)).toBe(true);
    expect(sameContribution(a, null)).toBe(false);
  });
});
