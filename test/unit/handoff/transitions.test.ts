/** The transitions table: allowed and refused moves; a lost race is reported, not hidden. */
import type { ConversationStatus } from '../../../src/conversations';
import { isAllowed, move, MoveReason, StatusChange } from '../../../src/handoff';

const ALLOWED: [ConversationStatus, ConversationStatus, MoveReason][] = [
  ['bot', 'queued', 'request'], ['bot', 'queued', 'followup'], ['queued', 'with_counsellor', 'claim'],
  ['queued', 'bot', 'cancel'], ['queued', 'bot', 'out_of_hours'], ['queued', 'bot', 'exit'],
  ['with_counsellor', 'queued', 'release'], ['with_counsellor', 'with_counsellor', 'transfer'],
  ['with_counsellor', 'bot', 'close'], ['with_counsellor', 'bot', 'exit'], ['with_counsellor', 'bot', 'abandon'],
];
const REFUSED: [ConversationStatus, ConversationStatus, MoveReason][] = [
  ['bot', 'with_counsellor', 'claim'], ['bot', 'queued', 'claim'], ['queued', 'queued', 'release'],
  ['queued', 'with_counsellor', 'transfer'], ['with_counsellor', 'bot', 'cancel'], ['with_counsellor', 'bot', 'out_of_hours'],
  ['bot', 'bot', 'close'], ['queued', 'closed', 'exit'], ['with_counsellor', 'closed', 'close'],
];

describe('transitions table', () => {
  it.each(ALLOWED)('allows %s → %s (%s)', (from, to, why) => { expect(isAllowed(from, to, why)).toBe(true); });
  it.each(REFUSED)('refuses %s → %s (%s)', (from, to, why) => { expect(isAllowed(from, to, why)).toBe(false); });

  it('moves through the control and emits waitingSince; refuses without touching the store', async () => {
    const calls: unknown[][] = [];
    const control = { transition: async (...a: unknown[]) => { calls.push(a); return true; } };
    const events: StatusChange[] = [];
    const waitingSince = new Date('2026-03-01T01:00:00Z');
    const ok = await move(control, { pid: 'p', hid: 'h', from: 'queued', to: 'with_counsellor', reason: 'claim', waitingSince }, { handoff: {} }, (e) => events.push(e));
    expect(ok).toEqual({ ok: true });
    expect(calls[0]).toEqual(['p', ['queued'], 'with_counsellor', { handoff: {} }]);
    expect(events[0]).toMatchObject({ pid: 'p', from: 'queued', to: 'with_counsellor', waitingSince });
    const refused = await move(control, { pid: 'p', hid: 'h', from: 'bot', to: 'with_counsellor', reason: 'claim', waitingSince }, {}, (e) => events.push(e));
    expect(refused).toEqual({ ok: false, code: 'not_allowed' });
    expect(calls).toHaveLength(1);
  });

  it('reports a lost race as conflict and emits nothing', async () => {
    const events: StatusChange[] = [];
    const r = await move({ transition: async () => false }, { pid: 'p', hid: 'h', from: 'queued', to: 'bot', reason: 'cancel', waitingSince: new Date() }, {}, (e) => events.push(e));
    expect(r).toEqual({ ok: false, code: 'conflict' });
    expect(events).toHaveLength(0);
  });

  it('treats an expired (closed) conversation like the bot owning it', async () => {
    const seen: unknown[] = [];
    await move({ transition: async (_p, from) => { seen.push(from); return true; } }, { pid: 'p', hid: 'h', from: 'bot', to: 'queued', reason: 'request', waitingSince: new Date() }, {}, () => undefined);
    expect(seen[0]).toEqual(['bot', 'closed']);
  });
});
