/**
 * The counsellor line as the bot tells it: the truth before any promise. Out of hours the
 * first words say when the next shift starts; in hours with nobody online they say exactly
 * that, with no time; with someone online the consent says how many wait, and what is kept.
 */
import { step, type EngineInput, type LineStatus } from '../../../src/engine';
import { at, cfg, flows, keys, T0 } from './helpers';

const ask = (line: LineStatus, lang = 'vi'): ReturnType<typeof step> => {
  const input: EngineInput = { kind: 'choice', payload: 'counsellor', channel: 'zalo', line };
  return step(flows(), at('main.menu', { lang }), input, T0, { ...cfg, caseNoteDays: 90 });
};

describe('asking for a counsellor says the truth first', () => {
  it('closed: the next shift (today, tomorrow, a date), the emergency numbers, then the alternatives; no request', () => {
    for (const [opens, words] of [
      [{ time: '07:00', inDays: 0, date: '30/11/2026' }, '07:00 hôm nay'],
      [{ time: '07:00', inDays: 1, date: '30/11/2026' }, '07:00 ngày mai'],
      [{ time: '08:00', inDays: 3, date: '02/12/2026' }, '08:00 ngày 02/12/2026'],
    ] as const) {
      const r = ask({ open: false, online: 0, waiting: 0, opens });
      expect(keys(r)).toEqual(['counsellor.closed', 'counsellor.unavailable']);
      expect(r.replies[0]!.text.split('\n')[0]).toContain(`Ca trực tiếp theo bắt đầu lúc ${words}`);
      expect(r.replies[0]!.text).toMatch(/113/);
      expect(r.events).toContainEqual({ type: 'line_unavailable', why: 'closed' });
      expect(r.events.some((e) => e.type === 'handoff_requested')).toBe(false);
      expect(r.replies[1]!.options!.map((o) => o.payload)).toEqual(['leave_time', 'find_help', 'main']);
    }
  });

  it('open with nobody online: says so, with no shift time (never "starts now")', () => {
    const r = ask({ open: true, online: 0, waiting: 2 });
    expect(keys(r)).toEqual(['counsellor.nobody', 'counsellor.unavailable']);
    expect(r.replies[0]!.text).toMatch(/^Đang trong giờ trực, nhưng lúc này chưa có tư vấn viên nào rảnh/);
    expect(r.replies[0]!.text).not.toMatch(/\d\d:\d\d/);
    expect(ask({ open: true, online: 0, waiting: 0 }, 'en').replies[0]!.text).toMatch(/^The line is open, but no counsellor is free/);
  });

  it('someone online: the consent says who they are, how many wait, and what is kept (no "deleted when it ends" promise alone)', () => {
    const r = ask({ open: true, online: 2, waiting: 3 });
    expect(keys(r)).toEqual(['counsellor.consent']);
    const text = r.replies[0]!.text;
    expect(text).toContain('Hiện có 3 người đang chờ trước bạn.');
    expect(text).toContain('tối đa 90 ngày');
    expect(text).toContain('trong ứng dụng của bạn');
    expect(ask({ open: true, online: 1, waiting: 0 }).replies[0]!.text).not.toContain('đang chờ trước bạn');
  });

  it('an unknown line (no snapshot yet) asks for consent; the request decides', () => {
    const r = step(flows(), at('main.menu'), { kind: 'choice', payload: 'counsellor', channel: 'zalo' }, T0, cfg);
    expect(keys(r)).toEqual(['counsellor.consent']);
  });
});
