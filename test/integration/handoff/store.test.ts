/**
 * The handoff store's functions whose answer carries a decision (a repeat after a crash, a
 * double click, an unknown case), on the real embedded database. The service-level tests
 * (console/handoff, supervision, erase) cover the rest through the HTTP routes.
 */
import { connectDatabase, ensureIndexes, type Database } from '../../../src/db/connect';
import {
  caseIdsToMarkBlocked, endWatch, eraseByPid, FollowUpDoc, HandoffCaseDoc, insertCaseOnce, insertFollowUpOnce, insertMessage, messagesAfter, nextMessageSeq,
  openFollowUp, renewWatch, saveCaseNote, saveFlag, setDeliveryByOutboxId, setMessageOutboxId, startOrRenewWatch, updateHandoffCase,
} from '../../../src/handoff/store';
import { tempDir } from '../../support/service';

let db: Database;
const tmp = tempDir();

// The unique keys (hid, fid, hid+supervisor) are what make "once" true: wait for them.
beforeAll(async () => { db = await connectDatabase({ dataDir: tmp.dir }); await ensureIndexes(); });
afterAll(async () => { await db.close(); tmp.cleanup(); });

const caseDoc = (hid: string, pid: string, status: HandoffCaseDoc['status'] = 'queued'): HandoffCaseDoc => {
  const now = new Date();
  return {
    hid, pid, channel: 'telegram', lang: 'vi', status, outcome: null, danger: false, waitingSince: now, claimedAt: null, endedAt: null, counsellorId: null,
    answers: { role: null, ageGroup: null, province: null, topics: [] }, lastPersonAt: now, lastCounsellorAt: null, waitNotifiedAt: null,
    personLeft: false, fromFollowUp: false, msgSeq: 0, gen: 0, xfers: 0, updatedAt: now,
  };
};

it('inserts a case once: the repeat of the same request after a crash is told, not thrown', async () => {
  expect(await insertCaseOnce(caseDoc('h-once', 'p-once'))).toBe(true);
  expect(await insertCaseOnce({ ...caseDoc('h-once', 'p-once'), danger: true })).toBe(false);
});

it('inserts a follow-up once and leaves the first one as it was', async () => {
  const f: FollowUpDoc = {
    fid: 'f-once', pid: 'p-f', channel: 'webchat', lang: 'vi', window: 'evening', status: 'open', createdAt: new Date(), claimedBy: null,
    danger: false, resumeUntil: null, returnedAt: null, updatedAt: new Date(),
  };
  expect(await insertFollowUpOnce(f)).toBe(true);
  expect(await insertFollowUpOnce({ ...f, window: 'morning' })).toBe(false);
  expect((await openFollowUp('f-once'))?.window).toBe('evening');
});

it('numbers the messages of a case one after another, and has no number for an unknown case', async () => {
  await insertCaseOnce(caseDoc('h-seq', 'p-seq'));
  const at = new Date();
  expect(await nextMessageSeq('h-seq', at)).toBe(1);
  expect(await nextMessageSeq('h-seq', at)).toBe(2);
  expect(await nextMessageSeq('h-missing', at)).toBeNull();
});

it('records the delivery outcome on the counsellor message with that outbox id only', async () => {
  const at = new Date();
  for (const seq of [1, 2]) {
    await insertMessage({ caseId: 'h-dlv', pid: 'p-dlv', seq, from: 'counsellor', counsellorId: 'c1', textSealed: 'sealed', at, delivery: 'queued', outboxId: null, updatedAt: at });
  }
  await setMessageOutboxId('h-dlv', 2, 'ob-2');
  expect(await setDeliveryByOutboxId('ob-unknown', 'sent')).toBeNull();
  expect((await setDeliveryByOutboxId('ob-2', 'window_expired'))?.seq).toBe(2);
  expect((await messagesAfter('h-dlv', 0)).map((m) => m.delivery)).toEqual(['queued', 'window_expired']);
});

it('starts a supervisor view once, even on a double click; renewing needs a started view', async () => {
  const now = new Date();
  expect(await renewWatch('h-w', 'sup')).toBe(false);
  const started = await Promise.all([1, 2, 3].map(() => startOrRenewWatch('h-w', 'p-w', 'sup', 'c1', now)));
  expect(started.filter(Boolean)).toHaveLength(1);
  expect(await startOrRenewWatch('h-w', 'p-w', 'sup', 'c1', new Date())).toBe(false);
  expect(await renewWatch('h-w', 'sup')).toBe(true);
  expect(await endWatch('h-w', 'sup')).toBe(true);
  expect(await endWatch('h-w', 'sup')).toBe(false);
});

it('marks a block on the open cases, this case and cases marked before, not on other ended cases', async () => {
  await insertCaseOnce(caseDoc('h-b-open', 'p-b'));
  await insertCaseOnce(caseDoc('h-b-this', 'p-b', 'ended'));
  await insertCaseOnce(caseDoc('h-b-marked', 'p-b', 'ended'));
  await insertCaseOnce(caseDoc('h-b-old', 'p-b', 'ended'));
  await insertCaseOnce(caseDoc('h-b-other', 'p-other'));
  await updateHandoffCase('p-b', { hid: 'h-b-marked' }, { $set: { blockedUntil: new Date(Date.now() + 3_600_000) } });
  expect((await caseIdsToMarkBlocked('p-b', 'h-b-this')).sort()).toEqual(['h-b-marked', 'h-b-open', 'h-b-this']);
});

it('erases everything kept under a pid and counts it, nothing of another pid', async () => {
  await insertCaseOnce(caseDoc('h-e', 'p-e'));
  await insertCaseOnce(caseDoc('h-e-keep', 'p-e-keep'));
  const at = new Date();
  await insertMessage({ caseId: 'h-e', pid: 'p-e', seq: 1, from: 'person', counsellorId: null, textSealed: 'sealed', at, delivery: null, outboxId: null, updatedAt: at });
  await saveCaseNote({ hid: 'h-e', pid: 'p-e', author: 'c1', noteSealed: 'sealed', createdAt: at, deleteAfter: new Date(at.getTime() + 86_400_000) });
  await saveFlag('p-e', at, ['t1']);
  await startOrRenewWatch('h-e', 'p-e', 'sup', 'c1', at);
  expect(await eraseByPid('p-e')).toBe(5);
  expect(await eraseByPid('p-e')).toBe(0);
  expect(await insertCaseOnce(caseDoc('h-e-keep', 'p-e-keep'))).toBe(false);
});
