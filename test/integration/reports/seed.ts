/**
 * Known episodes for the report tests, written through the real cases service
 * (onEvents with engine events as the pipeline hands them over, recordHandoff as the
 * handoff area calls it). Expected figures are listed in monthly.test.ts.
 */
import type { CaseService } from '../../../src/cases';
import type { EventContext } from '../../../src/conversations/types';
import type { EngineEvent } from '../../../src/engine';

const MIN = 60_000;
const DAY = 86_400_000;
/** A private text that must never reach the cases collection or any report. */
export const SECRET_TEXT = 'Nguyễn Thị Hoa 0912345678 ở 12 Lý Thường Kiệt';

let n = 0;
function ctx(pid: string, channel: EventContext['channel'], at: Date, status: EventContext['status'] = 'bot'): EventContext {
  n += 1;
  return { pid, channel, lang: 'vi', at, vars: {}, status, updateId: `u${n}` };
}

/** Feed events twice: the pipeline may hand an update over again after a crash. */
async function send(cases: CaseService, c: EventContext, events: EngineEvent[], twice = false): Promise<void> {
  await cases.onEvents(c, events);
  if (twice) await cases.onEvents(c, events);
}

/** Seed the dataset. */
export async function seedCases(cases: CaseService): Promise<void> {
  const base = Date.parse('2026-03-02T03:00:00Z');
  // A: 6 Telegram cases, Hà Nội, in danger (typed, and understood), answered by a counsellor after 60..360 s, closed with a disposition.
  for (let i = 0; i < 6; i++) {
    const pid = `pidA${i}`;
    const t0 = new Date(base + i * 10 * MIN);
    const twice = i === 0;
    await send(cases, ctx(pid, 'telegram', t0), [{ type: 'danger', rule: 'vi.weapon', kind: 'self' }, { type: 'understood', intent: 'danger' }], twice);
    await send(cases, ctx(pid, 'telegram', new Date(t0.getTime() + MIN)), [
      { type: 'topic', topic: 'counsellor' },
      { type: 'answer', name: 'role', value: 'self' },
      { type: 'answer', name: 'ageGroup', value: '18_29' },
      { type: 'answer', name: 'gender', value: 'female' },
      { type: 'province', province: 'ha-noi' },
      { type: 'answer', name: 'province', value: 'ha-noi' },
      { type: 'handoff_requested', answers: { role: 'self', ageGroup: '18_29', province: 'ha-noi' } },
    ], twice);
    const q = new Date(t0.getTime() + 2 * MIN);
    await cases.recordHandoff(pid, { type: 'queued', at: q, danger: true });
    await send(cases, ctx(pid, 'telegram', new Date(q.getTime() + 10_000), 'queued'), [{ type: 'relay', text: SECRET_TEXT }], twice);
    const claimed = new Date(q.getTime() + (i + 1) * 60_000);
    await cases.recordHandoff(pid, { type: 'claimed', at: claimed });
    if (twice) await cases.recordHandoff(pid, { type: 'claimed', at: new Date(claimed.getTime() + 5000) });
    await send(cases, ctx(pid, 'telegram', new Date(claimed.getTime() + 30_000), 'with_counsellor'), [{ type: 'relay', text: SECRET_TEXT }]);
    const closed = { type: 'closed' as const, at: new Date(claimed.getTime() + 600_000), disposition: {
      violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'], perpetratorRelation: 'intimate_partner',
      referrals: ['police'], outcome: 'referred',
    } };
    await cases.recordHandoff(pid, closed);
    if (twice) await cases.recordHandoff(pid, closed);
  }
  // A0 writes again 3 days later: same episode (no new case).
  await send(cases, ctx('pidA0', 'telegram', new Date(base + 3 * DAY)), [{ type: 'topic', topic: 'rights_law' }]);
  // A0 comes back 18 days later: a new episode of a returning person, with a referral list in Hà Nội,
  // and first a message the bot could not place.
  await send(cases, ctx('pidA0', 'telegram', new Date(base + 18 * DAY)), [
    { type: 'not_understood' }, { type: 'topic', topic: 'find_help' }, { type: 'referral', province: 'ha-noi', categories: ['police', 'shelter'] },
  ]);
  // B: 5 Zalo cases helping someone in TP Hồ Chí Minh; legal information, a referral, feedback.
  // B0 and B1 first typed something not understood, B2 something that needed a clarifying question.
  const typed: EngineEvent[][] = [[{ type: 'not_understood' }], [{ type: 'not_understood' }], [{ type: 'clarify', topics: ['rights_law', 'find_help'] }], [], []];
  for (let i = 0; i < 5; i++) {
    const pid = `pidB${i}`;
    const t0 = new Date(base + 5 * DAY + i * MIN);
    await send(cases, ctx(pid, 'zalo', t0), [...typed[i]!, { type: 'topic', topic: 'helping_others' }, { type: 'answer', name: 'role', value: 'helping_other' }]);
    await send(cases, ctx(pid, 'zalo', new Date(t0.getTime() + MIN)), [
      { type: 'answer', name: 'ageGroup', value: '30_49' }, { type: 'topic', topic: 'rights_law' },
      { type: 'referral', province: 'ho-chi-minh', categories: ['legal_aid', 'not_a_category'] },
      { type: 'feedback', value: 'helped' },
    ], i === 0);
  }
  // C: 2 web chat cases queued, then abandoned (nobody answered in time).
  for (let i = 0; i < 2; i++) {
    const pid = `pidC${i}`;
    const t0 = new Date(base + 7 * DAY + i * MIN);
    await send(cases, ctx(pid, 'webchat', t0), [{ type: 'handoff_requested', answers: {} }, { type: 'answer', name: 'province', value: 'Hanoi city' }]);
    await cases.recordHandoff(pid, { type: 'queued', at: t0 });
    await cases.recordHandoff(pid, { type: 'abandoned', at: new Date(t0.getTime() + 11 * MIN) });
  }
  // E: 00:30 on 1 March in Viet Nam (still February in UTC): counted in March.
  await send(cases, ctx('pidE', 'webchat', new Date('2026-02-28T17:30:00Z')), [{ type: 'topic', topic: 'is_violence' }, { type: 'exit' }]);
  // Outside March: 01:00 on 1 April in Viet Nam; December 2025 (in the trend); March 2025 (outside the trend).
  await send(cases, ctx('pidF', 'telegram', new Date('2026-03-31T18:00:00Z')), [{ type: 'not_understood' }, { type: 'topic', topic: 'main' }]);
  await send(cases, ctx('pidG', 'zalo', new Date('2025-12-15T03:00:00Z')), [{ type: 'understood', intent: 'greeting' }]);
  await send(cases, ctx('pidH', 'zalo', new Date('2025-03-15T03:00:00Z')), []);
}
