/** The line snapshot the bot reads: open from the office hours, the next opening only when closed. */
import { parseOfficeHours } from '../../../src/handoff';
import { lineStatus, opensAfter } from '../../../src/handoff/line';

describe('the line snapshot', () => {
  const hours = parseOfficeHours('Mon-Fri 07:00-22:00', 'Asia/Ho_Chi_Minh', ['2026-12-01']);
  it('open: no opening time at all (the old bug printed the current minute)', () => {
    const monday10 = new Date('2026-11-30T03:00:00Z'); // Mon 10:00 in Viet Nam
    expect(lineStatus(hours, { online: 0, waiting: 1 }, monday10)).toEqual({ open: true, online: 0, waiting: 1 });
  });
  it('closed: the next opening, skipping holidays and weekends', () => {
    const monday23 = new Date('2026-11-30T16:00:00Z'); // Mon 23:00; Tue 1/12 is a holiday here
    expect(opensAfter(hours, monday23)).toEqual({ time: '07:00', inDays: 2, date: '02/12/2026' });
    const saturday = new Date('2026-11-28T03:00:00Z');
    expect(lineStatus(hours, { online: 3, waiting: 0 }, saturday)).toMatchObject({ open: false, online: 0, opens: { time: '07:00', inDays: 2, date: '30/11/2026' } });
  });
});
