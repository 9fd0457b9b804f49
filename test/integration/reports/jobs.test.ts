/**
 * Jobs on the real embedded database: the monthly snapshot is idempotent (two runs → one
 * unchanged snapshot), two runners on one DB run a job once (the lease), start-up catches
 * up a missed snapshot, and the retention purge deletes only what has expired.
 */
import { createCases } from '../../../src/cases';
import { ChatMessageModel, ConversationModel, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import { HandoffCaseModel, HandoffMessageModel } from '../../../src/handoff/store';
import { DeliveredModel, OutboxModel } from '../../../src/outbox/store';
import { createJobs, lastDueMonth } from '../../../src/jobs';
import { ReportModel } from '../../../src/reports/store';
import { snapshotReport } from '../../../src/reports';
import type { RunningService } from '../../../src/server';
import { startTestService } from '../../support/service';
import { seedCases } from './seed';

const TZ = 'Asia/Ho_Chi_Minh';
const cfg = { tzReports: TZ, reportMinCell: 5, retentionDays: 30, caseNoteRetentionDays: 90 };

describe('jobs', () => {
  let svc: RunningService & { cleanup(): void };
  beforeAll(async () => {
    svc = await startTestService();
    await seedCases(createCases({ episodeQuietDays: 7, tzReports: TZ }));
  });
  afterAll(async () => {
    await svc.close();
    svc.cleanup();
  });

  it('knows which month is due', () => {
    expect(lastDueMonth(new Date('2026-04-01T00:00:00Z'), TZ)).toBe('2026-03'); // 07:00 on 1 April in Viet Nam
    expect(lastDueMonth(new Date('2026-03-31T23:59:00Z'), TZ)).toBe('2026-02'); // 06:59 on 1 April
    expect(lastDueMonth(new Date('2026-04-15T10:00:00Z'), TZ)).toBe('2026-03');
  });

  it('makes one immutable snapshot however often the monthly job runs', async () => {
    const jobs = createJobs(cfg, { sweeps: [], holder: 'a', now: () => new Date('2026-04-01T00:00:00Z') });
    expect(await jobs.runNow('monthly-report')).toBe(true);
    const first = await ReportModel.findOne({ kind: 'month', period: '2026-03' }).lean();
    expect(first).not.toBeNull();
    expect((first!.data as { totals: { cases: number } }).totals.cases).toBe(15);
    // A case arriving late, then the job again (another day, another instance): the snapshot does not change.
    await createCases({ episodeQuietDays: 7, tzReports: TZ }).onEvents(
      { pid: 'late', channel: 'zalo', lang: 'vi', at: new Date('2026-03-20T03:00:00Z'), vars: {}, status: 'bot', updateId: 'late1' }, [],
    );
    const again = createJobs(cfg, { sweeps: [], holder: 'b', now: () => new Date('2026-04-02T00:00:00Z') });
    await again.runNow('monthly-report');
    const all = await ReportModel.find({ kind: 'month', period: '2026-03' }).lean();
    expect(all).toHaveLength(1);
    expect(all[0]!.generatedAt).toEqual(first!.generatedAt);
    expect(all[0]!.data).toEqual(first!.data);
    const shown = await snapshotReport('month', '2026-03', 5);
    expect(shown.ok && shown.report.totals.cases).toBe(15);
    expect(shown.ok && shown.report.totals.returningPersons).toBe('<5');
  });

  it('runs a job on one of two runners sharing the database (lease)', async () => {
    let runs = 0;
    const slow = { name: 'stale-sweep', cron: '* * * * *', run: async () => { runs += 1; await new Promise((r) => setTimeout(r, 400)); } };
    const one = createJobs(cfg, { sweeps: [slow], holder: 'instance-1' });
    const two = createJobs(cfg, { sweeps: [slow], holder: 'instance-2' });
    const results = await Promise.all([one.runNow('stale-sweep'), two.runNow('stale-sweep')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    // Released after the run: the next run (either instance) goes ahead.
    expect(await two.runNow('stale-sweep')).toBe(true);
    expect(runs).toBe(2);
  });

  it('catches up a missed monthly snapshot at start-up, once', async () => {
    const now = () => new Date('2026-05-10T05:00:00Z');
    const jobs = createJobs(cfg, { sweeps: [], holder: 'c', now });
    expect(await ReportModel.countDocuments({ period: '2026-04' })).toBe(0);
    jobs.start();
    try {
      for (let i = 0; i < 50 && (await ReportModel.countDocuments({ period: '2026-04' })) === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const snap = await ReportModel.findOne({ kind: 'month', period: '2026-04' }).lean();
      expect((snap!.data as { totals: { cases: number } }).totals.cases).toBe(1);
      expect(await jobs.catchUp()).toBe(false);
    } finally {
      await jobs.stop();
    }
    expect(await ReportModel.countDocuments({ kind: 'month' })).toBe(2);
  });

  it('purges expired conversations, closed handoff messages and old inbox rows only', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const old = new Date('2026-04-01T00:00:00Z');
    const conv = (pid: string, status: string, lastActivityAt: Date) => ({
      pid, channel: 'telegram', addressSealed: 'sealed', lang: 'vi', state: {}, status, version: 0, messageIds: [], caseId: null,
      episodeStartedAt: null, lastActivityAt, createdAt: lastActivityAt, blockedUntil: null, handoff: null, outSeq: 0, recentUpdates: [], pendingSealed: null,
    });
    await ConversationModel.collection.insertMany([conv('old', 'bot', old), conv('oldQueued', 'queued', old), conv('recent', 'bot', new Date('2026-05-30T00:00:00Z'))]);
    await HandoffMessageModel.collection.insertMany([
      { caseId: 'c1', pid: 'old', seq: 1, from: 'person', textSealed: 's', at: old },
      { caseId: 'c2', pid: 'oldQueued', seq: 1, from: 'person', textSealed: 's', at: old },
    ]);
    await InboxModel.collection.insertMany([
      { channel: 'telegram', updateId: '1', pid: 'old', status: 'done', receivedAt: old },
      { channel: 'telegram', updateId: '2', pid: 'old', status: 'pending', receivedAt: old },
      { channel: 'telegram', updateId: '3', pid: 'recent', status: 'done', receivedAt: new Date('2026-05-31T00:00:00Z') },
    ]);
    await InboxSeenModel.collection.insertMany([{ _id: 'telegram:1' as never, at: old }, { _id: 'telegram:3' as never, at: new Date('2026-05-31T00:00:00Z') }]);
    let notesBefore: Date | null = null;
    const jobs = createJobs(cfg, { sweeps: [], holder: 'r', now: () => now, purges: [{ name: 'caseNotes', run: async (before) => { notesBefore = before; return 0; } }] });
    expect(await jobs.runNow('retention')).toBe(true);
    expect((await ConversationModel.find({}).lean()).map((c) => c.pid).sort()).toEqual(['oldQueued', 'recent']);
    expect((await HandoffMessageModel.find({}).lean()).map((m) => m.caseId)).toEqual(['c2']);
    expect((await InboxModel.find({}).lean()).map((m) => m.updateId).sort()).toEqual(['2', '3']);
    expect((await InboxSeenModel.find({}).lean()).map((m) => m._id)).toEqual(['telegram:3']);
    expect(notesBefore).toEqual(new Date('2026-03-03T00:00:00Z'));
  });

  it('purges finished outbox rows, old delivery marks and message ids, and keeps the messages of a held case', async () => {
    const now = new Date('2026-07-01T00:00:00Z');
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    // On a channel no sending loop serves, so only the purge touches them.
    const row = (id: string, status: string, createdAt: Date) => ({
      _id: id, dedupeKey: id, pid: 'p', channel: 'nowhere', addressSealed: 'sealed', seq: 1, priority: 1, outboundSealed: null,
      status, attempts: 1, nextAttemptAt: createdAt, lockedUntil: null, lastError: null, createdAt, sentAt: null, origin: 'bot', receivedAt: null,
    });
    await OutboxModel.collection.insertMany([
      row('sentOld', 'sent', days(4)), row('deadOld', 'dead', days(4)), row('pendingOld', 'pending', days(4)), row('deadRecent', 'dead', days(1)),
    ] as never[]);
    await DeliveredModel.collection.insertMany([{ _id: 'markOld' as never, at: days(4) }, { _id: 'markRecent' as never, at: days(1) }]);
    await ChatMessageModel.collection.insertMany([{ pid: 'p', id: 'idOld', at: days(3) }, { pid: 'p', id: 'idRecent', at: days(1) }]);
    // A person who left while a counsellor still holds the case: no conversation, the case is active.
    await HandoffCaseModel.collection.insertOne({ pid: 'held', status: 'active' });
    await HandoffMessageModel.collection.insertMany([
      { caseId: 'h1', pid: 'held', seq: 1, from: 'person', textSealed: 's', at: days(10) },
      { caseId: 'h2', pid: 'gone', seq: 1, from: 'person', textSealed: 's', at: days(10) },
    ]);
    const jobs = createJobs(cfg, { sweeps: [], holder: 'r2', now: () => now });
    expect(await jobs.runNow('retention')).toBe(true);
    expect((await OutboxModel.find({}).lean()).map((r) => r._id).sort()).toEqual(['deadRecent', 'pendingOld']);
    expect((await DeliveredModel.find({}).lean()).map((r) => r._id)).toEqual(['markRecent']);
    expect((await ChatMessageModel.find({}).lean()).map((r) => r.id)).toEqual(['idRecent']);
    expect((await HandoffMessageModel.find({ caseId: { $in: ['h1', 'h2'] } }).lean()).map((m) => m.caseId)).toEqual(['h1']);
  });
});
