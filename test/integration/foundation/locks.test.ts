/**
 * Locks never have two holders, on the real embedded database: many callers race for one
 * expired lock (the takeover path), while its old holder, who overran, releases it late;
 * the same from two "instances" (two separate connections). Exactly one caller may hold
 * the lock afterwards, and the stored holder is that caller's own acquisition. A one-time key
 * is taken by exactly one of many racing callers.
 */
import mongoose from 'mongoose';
import { connectDatabase, type Database } from '../../../src/db/connect';
import { forgetOnce, lockRowsOn, locksOn, purgeOnceKeys, takeOnce, tryLock, unlock } from '../../../src/locks';
import { HandoffLockModel, LockModel } from '../../../src/locks/store';
import { tempDir } from '../../support/service';

const ROUNDS = 60;
const CALLERS = 6;
let db: Database;
const tmp = tempDir();

beforeAll(async () => { db = await connectDatabase({ dataDir: tmp.dir }); });
afterAll(async () => { await db.close(); tmp.cleanup(); });

/** Plant an expired lock held by `old`, as an overrunning holder leaves it; returns its token. */
async function plantExpired(name: string, old: string): Promise<string> {
  const until = new Date(Date.now() - 1000);
  const token = `${old}:planted:${until.getTime()}`;
  await LockModel.deleteMany({ _id: name });
  await LockModel.create({ _id: name, name, holder: token, until });
  return token;
}

it(`takes over an expired lock for exactly one caller (${ROUNDS} rounds × ${CALLERS} callers, the old holder releasing at the same time)`, async () => {
  let doubled = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const name = `race:${round % 5}`;
    const old = await plantExpired(name, 'old-holder');
    const results = await Promise.all([
      ...Array.from({ length: CALLERS }, (_, i) => tryLock(name, `caller-${i}`, 60_000)),
      unlock(name, old).then(() => null),
    ]);
    const winners = results.filter((r) => !!r);
    const stored = await LockModel.findOne({ _id: name }).lean();
    if (winners.length > 1) doubled++;
    // Whoever won is the one the database names; nobody else believes they hold it.
    if (winners.length === 1) expect(stored?.holder).toBe(winners[0]);
  }
  expect(doubled).toBe(0);
});

it('two instances (separate connections) never both hold the lock', async () => {
  const other = await mongoose.createConnection(db.uri).asPromise();
  // Instance B: the same lock code over its own connection pool.
  const b = locksOn(lockRowsOn(other));
  try {
    let doubled = 0;
    for (let round = 0; round < 30; round++) {
      const name = `two:${round}`;
      const old = await plantExpired(name, 'old');
      const results = await Promise.all([tryLock(name, 'a1', 60_000), tryLock(name, 'a2', 60_000), b.tryLock(name, 'b1', 60_000), b.tryLock(name, 'b2', 60_000), b.unlock(name, old)]);
      if (results.filter(Boolean).length > 1) doubled++;
    }
    expect(doubled).toBe(0);
  } finally {
    await other.close();
  }
});

it('a holder that overran cannot release its successor', async () => {
  const slow = await plantExpired('succ', 'slow');
  const token = await tryLock('succ', 'fast', 60_000);
  expect(token).toBeTruthy();
  await unlock('succ', slow); // the slow one finally finishes and releases "its" lock
  expect((await LockModel.findOne({ _id: 'succ' }).lean())?.holder).toBe(token);
  await unlock('succ', token!);
  expect(await LockModel.findOne({ _id: 'succ' }).lean()).toBeNull();
});

it('a one-time key is taken by exactly one of many racing callers, until it is given back', async () => {
  let wrong = 0;
  for (let round = 0; round < 30; round++) {
    const key = `claim:h${round}:0`;
    const results = await Promise.all(Array.from({ length: 8 }, () => takeOnce(key)));
    if (results.filter(Boolean).length !== 1) wrong++;
  }
  expect(wrong).toBe(0);
  expect(await takeOnce('claim:h0:0')).toBe(false);
  await forgetOnce('claim:h0:0'); // the claim it gated was undone
  expect(await takeOnce('claim:h0:0')).toBe(true);
  // Kept a while, then purged: only keys taken before the cut go.
  await HandoffLockModel.create({ key: 'end:old', at: new Date(Date.now() - 8 * 86_400_000) });
  await purgeOnceKeys(new Date(Date.now() - 7 * 86_400_000));
  expect(await HandoffLockModel.exists({ key: 'end:old' })).toBeNull();
  expect(await HandoffLockModel.exists({ key: 'claim:h1:0' })).not.toBeNull();
});
