/**
 * What the reports say (issue #15): the answered share published rounded instead of hidden,
 * outcome labels that say what happened, bot listings apart from counsellor referrals,
 * charts whose last trend label is inside the drawing.
 */
import { barChart, labelLines, lineChart, roundedShare, suppressReport, toCsv, toText } from '../../../src/reports';
import type { RawReport } from '../../../src/reports';
import { labelOf } from '../../../src/reports';

function raw(escalated: number, answered: number): RawReport {
  const none = { listing: [], counsellorReferral: [] };
  return {
    kind: 'month', period: '2026-10', months: ['2026-10'], filters: {}, generatedAt: '2026-11-01T06:45:00.000Z',
    totals: { cases: 400, newPersons: 300, returningPersons: 100, danger: 50, escalated, answeredByCounsellor: answered, abandoned: 10, freeText: 100, notUnderstood: 20 },
    wait: { samples: 0, median: null, p90: null, buckets: [] },
    dims: {
      channel: [], province: [], violenceType: [], contextFlag: [], role: [], ageGroup: [], gender: [], outcome: [{ code: 'abandoned', count: 10 }, { code: 'cancelled', count: 12 }],
      referral: [{ code: 'police', count: 30 }], feedback: [], ...none,
    },
    trend: [{ code: '2026-09', count: 10 }, { code: '2026-10', count: 400 }],
  };
}

describe('the answered share', () => {
  it('is published as a 5-point step when 1-4 requests went unanswered among 100 or more', () => {
    expect(roundedShare(197, 200, 5)).toEqual({ low: 95, high: 100, step: 5 });
    expect(roundedShare(96, 100, 5)).toEqual({ low: 95, high: 100, step: 5 });
    const s = suppressReport(raw(200, 197), 5);
    expect(s.answeredShare).toBeNull();
    expect(s.answeredShareRounded).toEqual({ low: 95, high: 100, step: 5 });
    expect(toText(s)).toContain('95–100 (làm tròn theo bước 5 điểm)');
    expect(toCsv(s)).toContain('answeredShareRounded');
  });
  it('widens the step so that it always spans at least K requests, and says nothing below 4K requests', () => {
    // 40 requests, 2 unanswered: one request is 2.5 points, so the step is 15 points (6 requests).
    expect(roundedShare(38, 40, 5)).toEqual({ low: 85, high: 100, step: 15 });
    expect(roundedShare(3, 40, 5)).toEqual({ low: 0, high: 15, step: 15 });
    expect(roundedShare(18, 19, 5)).toBeNull();
    for (const whole of [20, 33, 57, 100, 250]) {
      const r = roundedShare(whole - 1, whole, 5)!;
      expect(r.step * whole).toBeGreaterThanOrEqual(500);
    }
  });
  it('stays exact (and not rounded) when nothing is small', () => {
    const s = suppressReport(raw(200, 150), 5);
    expect(s.answeredShare).toBe(75);
    expect(s.answeredShareRounded).toBeNull();
  });
});

describe('labels of what happened', () => {
  it('does not call people who left during a chat "abandoned while waiting"', () => {
    expect(labelOf('outcome', 'abandoned')).not.toMatch(/khi chờ/);
    expect(labelOf('outcome', 'abandoned')).toMatch(/giữa cuộc trò chuyện/);
    expect(labelOf('outcome', 'cancelled')).toMatch(/còn chờ/);
    expect(labelOf('listing', 'police')).toBe('Công an');
    expect(labelOf('trend', '2026-03')).toBe('03/2026');
  });
  it('writes the time the report was made in Viet Nam time', () => {
    expect(toText(suppressReport(raw(200, 150), 5))).toContain('Lập lúc 01/11/2026 13:45');
  });
  it('shows bot listings and counsellor referrals apart, not the combined breakdown', () => {
    const t = toText(suppressReport(raw(200, 150), 5));
    expect(t).toContain('Danh sách dịch vụ bot đã hiển thị');
    expect(t).toContain('Dịch vụ tư vấn viên đã giới thiệu');
    expect(t).not.toContain('gộp');
  });
});

describe('charts', () => {
  it('keeps the first and last trend labels inside the drawing, and 12 labels apart', () => {
    const svg = lineChart('t', Array.from({ length: 12 }, (_, i) => ({ label: `${String(i + 1).padStart(2, '0')}/2026`, value: i })));
    const width = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);
    const xs = [...svg.matchAll(/<text class="lbl" x="(\d+)" y="\d+" text-anchor="middle">\d\d\/2026<\/text>/g)].map((m) => Number(m[1]));
    const half = (7 * 6.4) / 2;
    expect(xs).toHaveLength(12);
    expect(xs[0]! - half).toBeGreaterThanOrEqual(0);
    expect(xs[11]! + half).toBeLessThanOrEqual(width);
    for (let i = 1; i < 12; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThan(2 * half);
  });
  it('wraps long labels to two lines (a third is cut and kept whole as a tooltip), so the label column stays narrow', () => {
    const long = 'Rời đi hoặc ngừng trả lời giữa cuộc trò chuyện';
    const huge = 'một hai ba bốn năm sáu bảy tám chín mười mười một mười hai mười ba mười bốn mười lăm';
    const svg = barChart('b', [{ label: long, value: 3 }, { label: huge, value: '<5' }, { label: 'Công an', value: 0 }]);
    expect(labelLines(long)).toEqual(['Rời đi hoặc ngừng trả lời', 'giữa cuộc trò chuyện']);
    expect(svg).toContain('>Rời đi hoặc ngừng trả lời</tspan>');
    expect(svg).toContain('>giữa cuộc trò chuyện</tspan>');
    expect(svg).toContain(`<title>${huge}</title>`);
    expect(labelLines(huge)).toHaveLength(2);
    expect(labelLines(huge)[1]!.endsWith('…')).toBe(true);
    const labelX = Number(/<tspan x="(\d+)"/.exec(svg)![1]);
    expect(labelX).toBeLessThanOrEqual(Math.round(29 * 6.4) + 6);
  });
});
