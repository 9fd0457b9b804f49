/**
 * Leases never have two holders, on the real embedded database: many callers race for one
 * expired lease (the takeover path) while its old holder, who overran, tries to renew it and
 * gives it back late; the same from two "instances" (two separate connections). Exactly one
 * caller holds the lease afterwards, the stored row names that caller, and the last slot a
 * job ran survives the takeover. Rows written before tokens (plain holder) keep working.
 */
import mongoose from 'mongoose';
import { connectDatabase, type Database } from '../../../src/db/connect';
import { acquireLease, lastRunKeyOf, leaseRowsOn, leasesOn, markRun, releaseLease } from '../../../src/locks';
import { holderOf } from '../../../src/locks/protocol';
import { LeaseModel } from '../../../src/locks/store';
import { tempDir } from '../../support/service';

const ROUNDS = 60;
const CALLERS = 6;
let db: Database;
const tmp = tempDir();

beforeAll(async () => { db = await connectDatabase({ dataDir: tmp.dir }); });
afterAll(async () => { await db.close(); tmp.cleanup(); });

/** Plant an expired lease held by `old` that last ran `slot`, as an overrunning holder leaves it. */
async function plantExpired(name: string, old: string, slot: string): Promise<void> {
  const until = new Date(Date.now() - 1000);
  await LeaseModel.deleteMany({ name });
  await LeaseModel.create({ name, holder: `${old}:planted:${until.getTime()}`, until, lastRunKey: slot });
}

/** Who the stored row says holds `name` (by instance), or null. */
async function storedHolder(name: string): Promise<string | null> {
  const row = await LeaseModel.findOne({ name }).lean();
  return row ? holderOf(row.holder) : null;
}

it(`takes over an expired lease for exactly one caller (${ROUNDS} rounds × ${CALLERS} callers, the old holder renewing and releasing at the same time)`, async () => {
  let doubled = 0;
  let nobody = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const name = `job:race-${round % 5}`;
    await plantExpired(name, 'old-holder', `slot-${round}`);
    const callers = Array.from({ length: CALLERS }, (_, i) => `caller-${i}`);
    const results = await Promise.all([
      ...callers.map((c) => acquireLease(name, c, 60_000)),
      acquireLease(name, 'old-holder', 60_000),
      releaseLease(name, 'old-holder').then(() => false),
    ]);
    const winners = [...callers, 'old-holder'].filter((_, i) => results[i]);
    if (winners.length > 1) doubled++;
    if (winners.length === 0) nobody++;
    // Whoever won is the one the database names; the job's last slot came along.
    if (winners.length === 1) expect(await storedHolder(name)).toBe(winners[0]);
    expect(await lastRunKeyOf(name)).toBe(`slot-${round}`);
  }
  expect(doubled).toBe(0);
  expect(nobody).toBe(0);
});

it('two instances (separate connections) never both hold the lease', async () => {
  const other = await mongoose.createConnection(db.uri).asPromise();
  // Instance B: the same lease code over its own connection pool.
  const b = leasesOn(leaseRowsOn(other));
  try {
    let doubled = 0;
    for (let round = 0; round < 30; round++) {
      const name = `outbox:two-${round}`;
      await plantExpired(name, 'old', 'k');
      const results = await Promise.all([
        acquireLease(name, 'a1', 60_000), acquireLease(name, 'a2', 60_000),
        b.acquireLease(name, 'b1', 60_000), b.acquireLease(name, 'b2', 60_000), b.acquireLease(name, 'old', 60_000),
        b.releaseLease(name, 'old').then(() => false),
      ]);
      if (results.filter(Boolean).length > 1) doubled++;
    }
    expect(doubled).toBe(0);
  } finally {
    await other.close();
  }
});

it('a live lease is renewed by its holder only; others wait for it to expire or be given back', async () => {
  const name = 'outbox:live';
  await LeaseModel.deleteMany({ name });
  const t0 = new Date();
  expect(await acquireLease(name, 'a', 10_000, t0)).toBe(true);
  expect(await acquireLease(name, 'b', 10_000, new Date(t0.getTime() + 3_000))).toBe(false);
  expect(await acquireLease(name, 'a', 10_000, new Date(t0.getTime() + 3_000))).toBe(true); // renewed to t0+13 s
  expect(await acquireLease(name, 'b', 10_000, new Date(t0.getTime() + 11_000))).toBe(false); // still live
  // Nobody else can give it back or record a run on it.
  await releaseLease(name, 'b');
  await markRun(name, 'b', 'b-slot');
  expect(await storedHolder(name)).toBe('a');
  expect(await lastRunKeyOf(name)).toBeNull();
  await markRun(name, 'a', 'a-slot');
  await releaseLease(name, 'a');
  expect(await acquireLease(name, 'b', 10_000)).toBe(true);
  expect(await lastRunKeyOf(name)).toBe('a-slot');
});

it('a holder whose lease was taken over is told so when it next renews, and cannot touch the successor', async () => {
  const name = 'outbox:lost';
  await LeaseModel.deleteMany({ name });
  const t0 = new Date();
  expect(await acquireLease(name, 'slow', 10_000, t0)).toBe(true);
  // The slow holder stalled past expiry; another instance took the lease.
  expect(await acquireLease(name, 'fast', 10_000, new Date(t0.getTime() + 10_001))).toBe(true);
  // Its clock (or its stalled loop) still says 5 s in: it must not believe it renewed.
  expect(await acquireLease(name, 'slow', 10_000, new Date(t0.getTime() + 5_000))).toBe(false);
  await markRun(name, 'slow', 'late');
  await releaseLease(name, 'slow');
  const row = await LeaseModel.findOne({ name }).lean();
  expect(holderOf(row!.holder)).toBe('fast');
  expect(row!.until.getTime()).toBe(t0.getTime() + 20_001);
  expect(row!.lastRunKey).toBeNull();
});

it('a holder near expiry does not renew (a taker may be at work) and takes it over after expiry like anyone', async () => {
  const name = 'outbox:margin';
  await LeaseModel.deleteMany({ name });
  const t0 = new Date();
  expect(await acquireLease(name, 'a', 10_000, t0)).toBe(true);
  expect(await acquireLease(name, 'a', 10_000, new Date(t0.getTime() + 9_000))).toBe(false);
  expect(await acquireLease(name, 'a', 10_000, new Date(t0.getTime() + 10_001))).toBe(true);
  expect(await storedHolder(name)).toBe('a');
});

it('a lease row written before tokens (plain holder, from an older instance) is respected, then taken over with its last slot', async () => {
  const name = 'job:legacy';
  await LeaseModel.deleteMany({ name });
  await LeaseModel.create({ name, holder: 'host:123:abcd', until: new Date(Date.now() + 60_000), lastRunKey: 'legacy@2026-11-01T00:00' });
  expect(await acquireLease(name, 'new', 60_000)).toBe(false);
  await LeaseModel.updateOne({ name }, { $set: { until: new Date(Date.now() - 1) } });
  expect(await acquireLease(name, 'new', 60_000)).toBe(true);
  expect(await storedHolder(name)).toBe('new');
  expect(await lastRunKeyOf(name)).toBe('legacy@2026-11-01T00:00');
});
