/**
 * The conversation pipeline on the real embedded database and the real engine and
 * content: record → step → optimistic save → outbox, dedupe, and concurrent updates.
 */
import type { Inbound } from '../../../src/channels/types';
import { ConversationModel, inboxKey, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import { OutboxModel } from '../../../src/outbox/store';
import { CaseModel } from '../../../src/cases/store';
import { startTestService } from '../../support/service';
import { captureLogs } from '../../support/logs';

type Svc = Awaited<ReturnType<typeof startTestService>>;
let svc: Svc;
const logs = captureLogs();

// No web chat adapter: the replies stay in the outbox for the test to read.
beforeAll(async () => { svc = await startTestService({ WEBCHAT_ENABLED: 'false' }); });
afterAll(async () => { await svc.close(); svc.cleanup(); logs.stop(); });

let n = 0;
const msg = (user: string, text: string, extra: Partial<Inbound> = {}): Inbound => ({
  channel: 'webchat', channelUserId: user, updateId: `u${++n}`, kind: 'text', text, at: new Date(), ...extra,
});

async function settle(pid: string): Promise<void> {
  await svc.wired.pipeline.kick(pid);
}

async function repliesOf(pid: string): Promise<string[]> {
  const rows = await OutboxModel.find({ pid }).sort({ seq: 1 }).lean();
  return rows.map((r) => JSON.parse(svc.wired.cipher.open(r.outboundSealed!)).text as string);
}

describe('conversation pipeline', () => {
  it('records, steps, saves the state and queues replies; the address is sealed', async () => {
    const first = msg('person-secret-1', 'xin chào');
    const r = await svc.wired.pipeline.receive(first);
    expect(r.status).toBe('accepted');
    await settle(r.pid);
    const conv = await ConversationModel.findOne({ pid: r.pid }).lean();
    expect(conv!.version).toBe(1);
    expect(conv!.addressSealed).not.toContain('person-secret-1');
    expect(svc.wired.cipher.open(conv!.addressSealed!)).toBe('person-secret-1');
    // The step's replies stay sealed on the conversation until the next step; the seen row
    // (checked below) is what marks them moved.
    expect(conv!.pendingSealed ?? '').not.toContain('xin chào');
    const replies = await repliesOf(r.pid);
    expect(replies.length).toBeGreaterThan(0);
    // Processed: the row (and the sealed text) left the inbox; only its key is in the seen log.
    expect(await InboxModel.findOne({ updateId: first.updateId }).lean()).toBeNull();
    const seen = await InboxSeenModel.findOne({ _id: inboxKey('webchat', first.updateId) }).lean();
    expect(Object.keys(seen!).sort()).toEqual(['_id', 'at']);
    logs.assertAbsent('person-secret-1', 'xin chào');
  });

  it('answers a redelivered update once', async () => {
    const m = msg('person-2', 'menu');
    const a = await svc.wired.pipeline.receive(m);
    const b = await svc.wired.pipeline.receive({ ...m });
    expect(a.status).toBe('accepted');
    expect(b.status).toBe('duplicate');
    await settle(a.pid);
    const conv = await ConversationModel.findOne({ pid: a.pid }).lean();
    expect(conv!.version).toBe(1);
  });

  it('puts the emergency reply first and flags danger', async () => {
    const m = msg('person-3', 'cứu tôi với chồng tôi đang đánh tôi');
    const r = await svc.wired.pipeline.receive(m);
    await settle(r.pid);
    const rows = await OutboxModel.find({ pid: r.pid }).sort({ seq: 1 }).lean();
    expect(rows[0]!.priority).toBe(0);
    const first = JSON.parse(svc.wired.cipher.open(rows[0]!.outboundSealed!)).text as string;
    expect(first).toContain('113');
    logs.assertAbsent('chồng tôi đang đánh');
  });

  it('never loses a step when many updates of one person arrive at once', async () => {
    const user = 'person-4';
    const updates = Array.from({ length: 8 }, (_, i) => msg(user, i % 2 ? 'menu' : '0'));
    const results = await Promise.all(updates.map((u) => svc.wired.pipeline.receive(u)));
    await settle(results[0]!.pid);
    const conv = await ConversationModel.findOne({ pid: results[0]!.pid }).lean();
    expect(conv!.version).toBe(8);
    // All eight applied exactly once (their relative order is whatever order they were recorded in).
    expect([...conv!.recentUpdates].sort()).toEqual(updates.map((u) => u.updateId).sort());
    const rows = await OutboxModel.find({ pid: results[0]!.pid }).sort({ seq: 1 }).lean();
    const seqs = rows.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('applies one person\'s updates in the order they arrived', async () => {
    const user = 'person-5';
    const texts = ['xin chào', '0', 'menu', '0'];
    let pid = '';
    for (const t of texts) pid = (await svc.wired.pipeline.receive(msg(user, t))).pid;
    await settle(pid);
    const conv = await ConversationModel.findOne({ pid }).lean();
    expect(conv!.version).toBe(texts.length);
    const ids = conv!.recentUpdates;
    expect(ids).toEqual([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
  });

  it('still answers when the case record cannot be written (a case never holds a reply back)', async () => {
    // A row that takes the (pid, episode 0) unique key under another _id: the cases sink's
    // upsert then fails with a duplicate key, as a corrupted or hand-edited record would.
    const m = msg('person-case-broken', 'xin chào');
    const pid = svc.wired.pipeline.pidOf(m);
    await CaseModel.collection.insertOne({ _id: 'squatter' as never, pid, seq: 0, caseId: 'x', month: '2026-01', channel: 'webchat' });
    const r = await svc.wired.pipeline.receive(m);
    await settle(r.pid);
    expect((await repliesOf(r.pid)).length).toBeGreaterThan(0);
    expect(logs.text()).toContain('event sink failed');
    // The update is done (seen), not left pending for endless retries.
    expect(await InboxModel.countDocuments({ pid, status: 'pending' })).toBe(0);
    // And the next message is answered too.
    const before = (await repliesOf(pid)).length;
    const r2 = await svc.wired.pipeline.receive(msg('person-case-broken', 'menu'));
    await settle(r2.pid);
    expect((await repliesOf(pid)).length).toBeGreaterThan(before);
  });
});
