/** Office hours in Asia/Ho_Chi_Minh (UTC+7), public holidays from content/holidays.yaml, next opening. */
import path from 'node:path';
import { closesAt, inSafeWindow, isOpen, loadHolidays, nextOpening, parseOfficeHours } from '../../../src/handoff';

const HOLIDAYS = loadHolidays(path.resolve(__dirname, '../../../content/holidays.yaml'));
const h = parseOfficeHours('Mon-Sun 07:00-22:00', 'Asia/Ho_Chi_Minh', HOLIDAYS);
const vn = (local: string) => new Date(`${local}+07:00`);

describe('office hours', () => {
  it('parses single days, ranges, several segments and rejects nonsense', () => {
    const p = parseOfficeHours('Mon-Fri 08:00-17:30; Sat 09:00-12:00');
    expect(p.segments).toEqual([{ days: [1, 2, 3, 4, 5], openMin: 480, closeMin: 1050 }, { days: [6], openMin: 540, closeMin: 720 }]);
    expect(parseOfficeHours('Sat-Mon 00:00-24:00').segments[0]!.days).toEqual([6, 0, 1]);
    expect(() => parseOfficeHours('every day')).toThrow(/OFFICE_HOURS/);
    expect(() => parseOfficeHours('Mon-Sun 22:00-07:00')).toThrow(/open before/);
    expect(() => parseOfficeHours('Xyz 07:00-22:00')).toThrow(/unknown day/);
  });

  it('is open inside the hours, local time, and closed outside', () => {
    expect(isOpen(h, vn('2026-03-03T07:00:00'))).toBe(true);
    expect(isOpen(h, vn('2026-03-03T21:59:00'))).toBe(true);
    expect(isOpen(h, vn('2026-03-03T22:00:00'))).toBe(false);
    expect(isOpen(h, vn('2026-03-03T06:59:00'))).toBe(false);
    expect(isOpen(h, new Date('2026-03-03T00:30:00Z'))).toBe(true); // 07:30 in Ha Noi
  });

  it('is closed on public holidays (Tết 2026 and 2027, 30/4, 2/9) from the data file', () => {
    expect(HOLIDAYS).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-04-30', '2026-05-01', '2026-09-02', '2027-02-06']));
    expect(isOpen(h, vn('2026-02-17T10:00:00'))).toBe(false);
    expect(isOpen(h, vn('2026-02-23T10:00:00'))).toBe(true);
  });

  it('finds the next opening: later today, tomorrow morning, and after Tết', () => {
    expect(nextOpening(h, vn('2026-03-03T05:00:00'))).toEqual(vn('2026-03-03T07:00:00'));
    expect(nextOpening(h, vn('2026-03-03T23:10:00'))).toEqual(vn('2026-03-04T07:00:00'));
    expect(nextOpening(h, vn('2026-02-16T12:00:00'))).toEqual(vn('2026-02-23T07:00:00'));
    const now = vn('2026-03-03T10:00:00');
    expect(nextOpening(h, now)).toEqual(now);
    expect(closesAt(h, now)).toEqual(vn('2026-03-03T22:00:00'));
  });

  it('allows contacting a follow-up only inside the chosen window while the line is open', () => {
    expect(inSafeWindow(h, 'evening', vn('2026-03-03T20:00:00'))).toBe(true);
    expect(inSafeWindow(h, 'evening', vn('2026-03-03T09:00:00'))).toBe(false);
    expect(inSafeWindow(h, 'morning', vn('2026-03-03T06:30:00'))).toBe(false); // line closed
    expect(inSafeWindow(h, 'any', vn('2026-02-17T10:00:00'))).toBe(false); // holiday
  });
});
