/** Small-cell suppression (primary and secondary), percentiles from buckets, CSV encoding. */
import { percentileFromBuckets } from '../../../src/reports/monthly';
import type { RawReport, WaitBucket } from '../../../src/reports/monthly';
import { SECONDARY, suppressCells, suppressCount, suppressReport } from '../../../src/reports/suppress';
import { BOM, toCsv } from '../../../src/reports/csv';

const wb = (pairs: [number, number][]): WaitBucket[] => pairs.map(([value, count]) => ({ value, count }));
const cells = (pairs: [string, number][]) => pairs.map(([code, count]) => ({ code, count }));

describe('primary suppression', () => {
  it.each([[0, 0], [1, '<5'], [4, '<5'], [5, 5], [120, 120]])('%p → %p with K=5', (n, shown) => {
    expect(suppressCount(n as number, 5)).toBe(shown);
  });
  it('uses the configured K', () => {
    expect(suppressCount(9, 10)).toBe('<10');
    expect(suppressCount(10, 10)).toBe(10);
  });
});

describe('secondary suppression', () => {
  it('hides the next-smallest non-zero cell when exactly one cell is small', () => {
    const out = suppressCells(cells([['a', 40], ['b', 3], ['c', 0], ['d', 12], ['e', 25]]), 5);
    expect(out).toEqual(cells([['a', 40], ['b', '<5'], ['c', 0], ['d', SECONDARY], ['e', 25]] as unknown as [string, number][]));
  });
  it('leaves the row alone when two or more cells are already small', () => {
    const out = suppressCells(cells([['a', 40], ['b', 3], ['c', 2]]), 5);
    expect(out.map((c) => c.count)).toEqual([40, '<5', '<5']);
  });
  it('does nothing when no cell is small', () => {
    expect(suppressCells(cells([['a', 5], ['b', 0]]), 5).map((c) => c.count)).toEqual([5, 0]);
  });
  it('picks the first of equal smallest cells', () => {
    expect(suppressCells(cells([['a', 7], ['b', 7], ['c', 1]]), 5).map((c) => c.count)).toEqual([SECONDARY, 7, '<5']);
  });
  it('never lets a total reveal the small cell: the hidden cells are the only unknowns', () => {
    const raw = cells([['a', 40], ['b', 3], ['d', 12]]);
    const shown = suppressCells(raw, 5);
    const known = shown.filter((c) => typeof c.count === 'number');
    expect(shown.filter((c) => typeof c.count === 'string')).toHaveLength(2);
    expect(known.map((c) => c.code)).toEqual(['a']);
  });
});

describe('percentiles from bucket counts', () => {
  it('nearest rank over value → count buckets', () => {
    const b = wb([[30, 2], [10, 1], [60, 1], [600, 1]]); // 10, 30, 30, 60, 600
    expect(percentileFromBuckets(b, 0.5)).toBe(30);
    expect(percentileFromBuckets(b, 0.9)).toBe(600);
    expect(percentileFromBuckets(wb([[5, 10]]), 0.9)).toBe(5);
    expect(percentileFromBuckets([], 0.5)).toBeNull();
    expect(percentileFromBuckets(wb([[1, 0]]), 0.5)).toBeNull();
  });
  it('median of an even count is the lower middle (nearest rank)', () => {
    expect(percentileFromBuckets(wb([[10, 1], [20, 1], [30, 1], [40, 1]]), 0.5)).toBe(20);
    expect(percentileFromBuckets(wb([[10, 1], [20, 1], [30, 1], [40, 1]]), 0.9)).toBe(40);
  });
});

function raw(over: Partial<RawReport['totals']> = {}, pairs: [number, number][] = []): RawReport {
  const waits = wb(pairs);
  const samples = waits.reduce((s, b) => s + b.count, 0);
  return {
    kind: 'month', period: '2026-03', months: ['2026-03'], filters: {}, generatedAt: '2026-04-01T00:00:00.000Z',
    totals: {
      cases: 50, newPersons: 47, returningPersons: 3, danger: 48, escalated: 20, answeredByCounsellor: 18, abandoned: 2, freeText: 30, notUnderstood: 6, ...over,
    },
    wait: { samples, median: percentileFromBuckets(waits, 0.5), p90: percentileFromBuckets(waits, 0.9), buckets: waits },
    dims: {
      channel: cells([['telegram', 30], ['zalo', 18], ['webchat', 2]]), province: cells([['ha-noi', 50]]), violenceType: [], contextFlag: [],
      role: [], ageGroup: [], gender: [], outcome: [], referral: [], feedback: [], listing: [], counsellorReferral: [],
    },
    trend: cells([['2026-02', 3], ['2026-03', 50]]),
  };
}

describe('suppressReport', () => {
  it('suppresses headline flags against their complements', () => {
    const s = suppressReport(raw(), 5);
    expect(s.totals.cases).toBe(50);
    expect(s.totals.newPersons).toBe(SECONDARY); // 47 would reveal returning = 3
    expect(s.totals.returningPersons).toBe('<5');
    expect(s.totals.danger).toBe(SECONDARY); // 50 − 48 = 2 non-danger cases
    expect(s.totals.escalated).toBe(20);
    expect(s.totals.answeredByCounsellor).toBe(SECONDARY); // 20 − 18 = 2 unanswered
    expect(s.answeredShare).toBeNull();
    expect(s.totals.abandoned).toBe('<5');
    expect(s.dims.channel.map((c) => c.count)).toEqual([30, SECONDARY, '<5']);
    expect(s.trend.map((c) => c.count)).toEqual(['<5', 50]);
  });
  it('shows the answered share and wait percentiles only with enough cases', () => {
    const ok = suppressReport(raw({ escalated: 20, answeredByCounsellor: 10, danger: 10, returningPersons: 10, newPersons: 40 }, [[60, 5], [120, 5]]), 5);
    expect(ok.answeredShare).toBe(50);
    expect(ok.wait).toEqual({ samples: 10, median: 60, p90: 120 });
    const few = suppressReport(raw({}, [[60, 3]]), 5);
    expect(few.wait).toEqual({ samples: '<5', median: null, p90: null });
  });
  it('shows free-text cases against all cases, and not-understood against free-text cases, with their share', () => {
    const ok = suppressReport(raw(), 5);
    expect(ok.totals).toMatchObject({ freeText: 30, notUnderstood: 6 });
    expect(ok.notUnderstoodShare).toBe(20);
    // 3 not understood: hidden, and so is its complement (27 understood) and the share.
    const small = suppressReport(raw({ notUnderstood: 3 }), 5);
    expect(small.totals).toMatchObject({ freeText: 30, notUnderstood: '<5' });
    expect(small.notUnderstoodShare).toBeNull();
    // 47 of 50 cases with free text: the 3 without would follow by subtraction, so freeText is hidden,
    // and its part with it.
    const most = suppressReport(raw({ freeText: 47, notUnderstood: 10 }), 5);
    expect(most.totals).toMatchObject({ freeText: SECONDARY, notUnderstood: SECONDARY });
    expect(most.notUnderstoodShare).toBeNull();
    const all = suppressReport(raw({ freeText: 10, notUnderstood: 10 }), 5);
    expect(all.notUnderstoodShare).toBe(100);
    const none = suppressReport(raw({ freeText: 0, notUnderstood: 0 }), 5);
    expect(none.totals).toMatchObject({ freeText: 0, notUnderstood: 0 });
    expect(none.notUnderstoodShare).toBeNull();
  });
  it('reads a snapshot made before the free-text figures as none', () => {
    const old = raw();
    delete (old.totals as Partial<RawReport['totals']>).freeText;
    delete (old.totals as Partial<RawReport['totals']>).notUnderstood;
    const s = suppressReport(old, 5);
    expect(s.totals).toMatchObject({ freeText: 0, notUnderstood: 0 });
    expect(s.notUnderstoodShare).toBeNull();
  });
});

describe('CSV', () => {
  it('starts with a UTF-8 BOM and keeps Vietnamese text intact', () => {
    const csv = toCsv(suppressReport(raw(), 5));
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(bytes.toString('utf8')).toContain('Tổng số ca');
    expect(csv).toContain('Trò chuyện trên web');
    expect(csv).toContain('"<5"'.replace(/"/g, '') );
    expect(csv.split('\r\n')[0]).toBe(`${BOM}muc,ma,nhan,so_lieu`);
    expect(csv).toMatch(/^tong,cases,Tổng số ca,50$/m);
    expect(csv).toMatch(/^tong,freeText,Ca có tin nhắn tự do,30$/m);
    expect(csv).toMatch(/^tong,notUnderstood,Ca bot chưa hiểu tin nhắn,6$/m);
    expect(csv).toMatch(/^tong,notUnderstoodShare,Tỉ lệ chưa hiểu \(%\),20$/m);
  });
  it('quotes fields with commas', () => {
    const csv = toCsv(suppressReport(raw(), 5));
    expect(csv).toContain('"Số từ 1 đến 4 hiển thị ""<5""; ""x"" = ẩn để không suy ra ô nhỏ bằng phép trừ"');
  });
});
