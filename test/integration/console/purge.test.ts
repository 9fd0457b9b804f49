/**
 * Each kind of console data purges its own rows for the retention job, on the real embedded
 * database: what is older than the cut-off goes, what is at or after it stays, and the count
 * returned is what went. Failed log-ins count for an hour (FAILURE_WINDOW_MS), so
 * purgeLoginFailures(now) forgets only what is older than that.
 */
import { connectDatabase, type Database } from '../../../src/db/connect';
import { purgeExpiredAudit, purgeExpiredHandoverNotes, purgeExpiredLoginFailures, purgeExpiredSessions, purgeLoginFailures } from '../../../src/console';
import { AuditModel, findNote, findSession, insertAuditEntry, insertLoginFailure, insertNote, placeFailuresSince, saveSession } from '../../../src/console/store';
import { FAILURE_WINDOW_MS } from '../../../src/console/loginThrottle';
import { tempDir } from '../../support/service';

let db: Database;
const tmp = tempDir();
const NOW = new Date('2026-11-29T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const EPOCH = new Date(0);

beforeAll(async () => { db = await connectDatabase({ dataDir: tmp.dir }); });
afterAll(async () => { await db.close(); tmp.cleanup(); });

it('deletes sessions past their expiry, keeps those still valid', async () => {
  await saveSession('s-old', '{}', ago(1));
  await saveSession('s-now', '{}', NOW);
  await saveSession('s-live', '{}', new Date(NOW.getTime() + 60_000));
  expect(await purgeExpiredSessions(NOW)).toBe(1);
  expect(await findSession('s-old')).toBeNull();
  expect(await findSession('s-now')).not.toBeNull();
  expect(await findSession('s-live')).not.toBeNull();
});

it('deletes audit entries written before the cut-off, keeps the rest', async () => {
  const before = ago(30 * 86_400_000);
  await insertAuditEntry({ at: new Date(before.getTime() - 1), actor: 'lan', action: 'user_add', target: 'old', detail: {} });
  await insertAuditEntry({ at: before, actor: 'lan', action: 'user_add', target: 'edge', detail: {} });
  await insertAuditEntry({ at: NOW, actor: 'lan', action: 'user_add', target: 'new', detail: {} });
  expect(await purgeExpiredAudit(before)).toBe(1);
  expect((await AuditModel.find({}, { target: 1 }).lean()).map((r) => r.target).sort()).toEqual(['edge', 'new']);
});

it('deletes handover notes written before the cut-off, keeps the rest', async () => {
  const before = ago(48 * 3_600_000);
  await insertNote({ nid: 'n-old', author: 'lan', text: 'printer broken', createdAt: new Date(before.getTime() - 1) });
  await insertNote({ nid: 'n-new', author: 'lan', text: 'printer fixed', createdAt: NOW });
  expect(await purgeExpiredHandoverNotes(before)).toBe(1);
  expect(await findNote('n-old')).toBeNull();
  expect(await findNote('n-new')).not.toBeNull();
});

it('deletes failed log-ins before the cut-off; purgeLoginFailures(now) keeps the last hour', async () => {
  const keys = { key: 'place-1', userKey: 'user-1' };
  await insertLoginFailure(keys, ago(3 * FAILURE_WINDOW_MS));
  await insertLoginFailure(keys, ago(FAILURE_WINDOW_MS + 1));
  await insertLoginFailure(keys, ago(FAILURE_WINDOW_MS - 60_000));
  await insertLoginFailure(keys, NOW);
  expect(await purgeExpiredLoginFailures(ago(2 * FAILURE_WINDOW_MS))).toBe(1);
  expect(await placeFailuresSince(keys.key, EPOCH)).toHaveLength(3);
  expect(await purgeLoginFailures(NOW)).toBe(1);
  const left = await placeFailuresSince(keys.key, EPOCH);
  expect(left.map((r) => r.at.getTime())).toEqual([NOW.getTime(), ago(FAILURE_WINDOW_MS - 60_000).getTime()]);
});
