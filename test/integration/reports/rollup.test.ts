/**
 * The report rollup on the real embedded database gives exactly the figures of the raw
 * aggregation over `cases`: after a mix of events and dispositions, after counted cases
 * change cell (province, channel) or outcome, after a new episode, after a crash at every
 * step of a fold, with two folders at once, and after a rebuild.
 */
import mongoose from 'mongoose';
import { CaseService, createCases } from '../../../src/cases';
import { CaseChangeModel, CaseModel } from '../../../src/cases/store';
import { withPidLock } from '../../../src/conversations/pidLock';
import type { EventContext } from '../../../src/conversations/types';
import {
  buildReport, buildReportFromCases, foldRollup, FoldStep, parsePeriod, rebuildRollup, ReportFilters,
} from '../../../src/reports';
import { readJournal } from '../../../src/reports/rollup/store';
import type { RunningService } from '../../../src/server';
import { startTestService } from '../../support/service';
import { seedCases } from './seed';

const TZ = 'Asia/Ho_Chi_Minh';
const PERIODS = ['2026-03', '2026-04', '2026-H1', '2025'];
const FILTERS: ReportFilters[] = [{}, { province: 'ha-noi' }, { province: 'da-nang' }, { channel: 'zalo' }, { channel: 'webchat', province: 'da-nang' }];
const DISPOSITION = { violenceTypes: ['psychological_abuse', 'online_not_a_code'], contextFlags: ['online'], perpetratorRelation: 'stranger', referrals: ['legal_aid'], outcome: 'safety_plan' };

let updates = 0;
const ctx = (pid: string, channel: EventContext['channel'], at: string): EventContext => ({
  pid, channel, lang: 'vi', at: new Date(at), vars: {}, status: 'bot', updateId: `r${++updates}`,
});

/** Every period × filter: the rollup report (which folds first) equals the raw aggregation. */
async function expectExact(): Promise<void> {
  const now = new Date();
  for (const p of PERIODS) {
    for (const f of FILTERS) {
      const period = parsePeriod(p)!;
      expect({ p, f, r: await buildReport(period, f, now) }).toEqual({ p, f, r: await buildReportFromCases(period, f, now) });
    }
  }
}

/** Nothing left over: no journal, no marker. */
async function expectSettled(): Promise<void> {
  expect(await readJournal()).toBeNull();
  expect(await CaseChangeModel.countDocuments({})).toBe(0);
}

describe('report rollup', () => {
  let svc: RunningService & { cleanup(): void };
  let cases: CaseService;
  beforeAll(async () => {
    svc = await startTestService();
    cases = createCases({ episodeQuietDays: 7, tzReports: TZ });
    await seedCases(cases);
  });
  afterAll(async () => {
    await svc.close();
    svc.cleanup();
  });

  it('counts the seeded episodes exactly as the raw aggregation does', async () => {
    expect(await CaseChangeModel.countDocuments({})).toBeGreaterThan(0);
    const r = await foldRollup();
    expect(r).toMatchObject({ ran: true, drained: true, cases: 18, busy: 0 });
    await expectSettled();
    await expectExact();
    expect((await buildReport(parsePeriod('2026-03')!)).totals.cases).toBe(15);
  });

  it('follows counted cases that change province, channel, outcome and feedback, and new episodes', async () => {
    // A web chat case without a province (counted under "unknown") gives one: it moves cell, and
    // now has a message the bot did not understand.
    await cases.onEvents(ctx('pidC0', 'webchat', '2026-03-09T04:00:00Z'), [{ type: 'not_understood' }, { type: 'province', province: 'da-nang' }]);
    // Counted cases get free text: a first one (understood), and one not understood after one understood.
    await cases.onEvents(ctx('pidB4', 'zalo', '2026-03-07T03:05:00Z'), [{ type: 'understood', intent: 'rights_law' }]);
    await cases.onEvents(ctx('pidB2', 'zalo', '2026-03-07T03:06:00Z'), [{ type: 'not_understood' }]);
    // A case the handoff creates before any event is counted on channel "unknown" first …
    await cases.recordHandoff('pidQ', { type: 'queued', at: new Date('2026-03-12T03:00:00Z'), danger: true });
    await expectExact();
    expect((await buildReport(parsePeriod('2026-03')!)).dims.channel.find((c) => c.code === 'unknown')?.count).toBe(1);
    // … then its events name the channel, a counsellor answers and closes it.
    await cases.onEvents(ctx('pidQ', 'zalo', '2026-03-12T03:00:30Z'), [{ type: 'answer', name: 'role', value: 'self' }, { type: 'answer', name: 'province', value: 'da-nang' }]);
    await cases.recordHandoff('pidQ', { type: 'claimed', at: new Date('2026-03-12T03:04:10Z') });
    await cases.recordHandoff('pidQ', { type: 'closed', at: new Date('2026-03-12T03:30:00Z'), disposition: DISPOSITION });
    // A counted, closed case gets a second disposition: outcome and violence types change.
    await cases.recordHandoff('pidA1', { type: 'closed', at: new Date('2026-03-02T05:00:00Z'), disposition: DISPOSITION });
    // Feedback, and an abandoned handoff of a counted case.
    await cases.onEvents(ctx('pidC1', 'webchat', '2026-03-09T05:00:00Z'), [{ type: 'feedback', value: 'not_helped' }]);
    await cases.recordHandoff('pidB2', { type: 'queued', at: new Date('2026-03-07T04:00:00Z') });
    await cases.recordHandoff('pidB2', { type: 'abandoned', at: new Date('2026-03-07T04:20:00Z') });
    // A new episode of a returning person, in April.
    await cases.onEvents(ctx('pidB1', 'zalo', '2026-04-20T03:00:00Z'), [{ type: 'topic', topic: 'rights_law' }, { type: 'answer', name: 'ageGroup', value: '30_49' }]);
    await expectExact();
    await expectSettled();
    const march = await buildReport(parsePeriod('2026-03')!);
    expect(march.dims.channel.find((c) => c.code === 'unknown')).toBeUndefined();
    expect(march.dims.province.find((c) => c.code === 'da-nang')?.count).toBe(2);
    expect(march.totals).toMatchObject({ freeText: 12, notUnderstood: 5 });
    expect((await buildReport(parsePeriod('2026-04')!)).totals).toMatchObject({ cases: 2, returningPersons: 1 });
  });

  const STEPS: FoldStep[] = ['prepared', 'journal', 'cell', 'cells', 'counted', 'markers'];
  const MOVES = ['can-tho', 'hue', 'an-giang', 'ca-mau', 'lao-cai', 'son-la'];
  it.each(STEPS)('loses and double-counts nothing when a fold crashes after "%s"', async (at) => {
    const pid = `crash-${at}`;
    await cases.onEvents(ctx(pid, 'telegram', '2026-03-15T03:00:00Z'), [{ type: 'danger', rule: 'vi.weapon', kind: 'self' }, { type: 'handoff_requested', answers: { province: 'ha-noi' } }]);
    await cases.recordHandoff(pid, { type: 'queued', at: new Date('2026-03-15T03:00:10Z') });
    await cases.recordHandoff(pid, { type: 'claimed', at: new Date('2026-03-15T03:02:00Z') });
    await cases.recordHandoff(pid, { type: 'closed', at: new Date('2026-03-15T03:20:00Z'), disposition: DISPOSITION });
    // and a counted case moves to another cell in the same batch (three cells change)
    await cases.onEvents(ctx('pidB3', 'zalo', '2026-03-07T03:10:00Z'), [{ type: 'referral', province: MOVES[STEPS.indexOf(at)]!, categories: ['police'] }]);

    const crash = new Error(`crash after ${at}`);
    await expect(foldRollup({ onStep: (s) => { if (s === at) throw crash; } })).rejects.toBe(crash);
    expect(await readJournal()).toEqual(at === 'prepared' ? null : expect.objectContaining({ _id: 'current' }));
    // Another write lands while the batch is half applied.
    await cases.onEvents(ctx(pid, 'telegram', '2026-03-15T04:00:00Z'), [{ type: 'feedback', value: 'helped' }]);

    const resumed = await foldRollup();
    expect(resumed).toMatchObject({ ran: true, drained: true });
    await expectSettled();
    await expectExact();
  });

  it('lets one folder run at a time; the other, and a report, wait for it', async () => {
    await cases.onEvents(ctx('race-1', 'webchat', '2026-03-20T03:00:00Z'), [{ type: 'answer', name: 'province', value: 'hue' }]);
    await cases.onEvents(ctx('race-2', 'zalo', '2026-03-20T03:00:00Z'), [{ type: 'danger', rule: 'vi.weapon', kind: 'self' }]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const hold = async (s: FoldStep): Promise<void> => { if (s === 'journal') await gate; };
    const a = foldRollup({ holder: 'instance-a', onStep: hold });
    const b = foldRollup({ holder: 'instance-b', onStep: hold });
    const loser = await Promise.race([a, b]);
    expect(loser.ran).toBe(false);
    // A report now waits for the folder holding the lock, then counts its batch.
    const report = buildReport(parsePeriod('2026-03')!);
    await new Promise((r) => setTimeout(r, 300));
    release();
    const results = await Promise.all([a, b]);
    expect(results.map((r) => r.ran).sort()).toEqual([false, true]);
    expect(results.find((r) => r.ran)).toMatchObject({ cases: 2, drained: true });
    const fromCases = await buildReportFromCases(parsePeriod('2026-03')!);
    expect((await report).totals).toEqual(fromCases.totals);
    await expectSettled();
    await expectExact();
  });

  it('leaves the marker of a write still in progress (its pid locked) for a later pass', async () => {
    let markerIn!: () => void;
    const markerWritten = new Promise<void>((resolve) => { markerIn = resolve; });
    let goOn!: () => void;
    const proceed = new Promise<void>((resolve) => { goOn = resolve; });
    // A writer as upsertCase does it: marker first, then the case, under the pid's lock.
    const writer = withPidLock('pidE', async () => {
      await CaseChangeModel.create({ _id: 'slow-1', c: 'pidE:0', p: 'pidE', at: new Date() });
      markerIn();
      await proceed;
      await CaseModel.updateOne({ _id: 'pidE:0' }, { $set: { feedback: 'not_helped', role: 'helping' } });
    });
    await markerWritten;
    const r = await foldRollup();
    expect(r).toMatchObject({ ran: true, busy: 1, drained: false });
    expect(await CaseChangeModel.countDocuments({ _id: 'slow-1' })).toBe(1);
    goOn();
    await writer;
    await expectExact();
    await expectSettled();
  });

  it('uncounts a case that disappears', async () => {
    const gone = await CaseModel.findOne({ pid: 'race-2' }).lean();
    await CaseModel.deleteOne({ _id: gone!._id });
    await CaseChangeModel.create({ _id: 'manual-1', c: gone!._id, p: 'race-2', at: new Date() });
    await expectExact();
    await expectSettled();
  });

  it('rebuilds every cell from the cases, leaving pending changes to the folder', async () => {
    await mongoose.connection.collection('rollup').updateMany({}, { $inc: { 'n.cases': 3, 'n.danger': 1 } });
    expect((await buildReport(parsePeriod('2026-03')!)).totals.cases).not.toBe((await buildReportFromCases(parsePeriod('2026-03')!)).totals.cases);
    await cases.onEvents(ctx('after-rebuild', 'zalo', '2026-03-25T03:00:00Z'), [{ type: 'feedback', value: 'skipped' }]);
    const r = await rebuildRollup();
    expect(r.cases).toBe(await CaseModel.countDocuments({}));
    expect(await CaseChangeModel.countDocuments({})).toBe(1);
    await expectExact();
    await expectSettled();
  });
});
