/**
 * Locks never have two holders, on the real embedded database: many callers race for one
 * expired lock (the takeover path), while its old holder, who overran, releases it late;
 * the same from two "instances" (two separate connections). Exactly one caller may hold
 * the lock afterwards, and the stored holder is that caller's own acquisition.
 */
import mongoose from 'mongoose';
import { connectDatabase, type Database } from '../../../src/db/connect';
import { LockModel, locksOn, tryLock, unlock } from '../../../src/db/locks';
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
  const b = locksOn(other.model('Lock', LockModel.schema, 'locks') as unknown as typeof LockModel);
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
