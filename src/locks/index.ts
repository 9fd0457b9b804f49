/**
 * Locks, leases and one-time keys across instances: the one place that decides who may act.
 *
 * - Exclusive locks (`tryLock`/`unlock`): a token per acquisition. `withPidLock` builds the
 *   per-person writer lock on them (re-entrant in one async chain).
 * - Leases (`acquireLease`/`releaseLease`/`markRun`/`lastRunKeyOf`): the same protocol, plus
 *   renewal by the holder and the last slot a cron job ran.
 * - One-time keys (`takeOnce`): exactly one caller ever gets a key (a claim, a transfer).
 *
 * The protocol. Taking is an insert of the name under a unique index: whoever's insert lands
 * holds it. An expired acquisition T is taken over only by whoever first inserts the claim
 * `name~T`; only that winner deletes the row, and it can only be T then (nobody else may
 * delete it, and nobody can insert the name while T is there). A lock's holder releases, and
 * a lease's holder renews, only while its row stays live for HOLDER_MARGIN_MS (protocol.ts)
 * more, since takers act after expiry only (so instance clocks must agree within that
 * margin); a renewal believes the row read back, not the update's reply. A lease row gets a
 * fresh ObjectId per acquisition, so a holder's late write (release, run key) lands on its
 * own row or nowhere, never on a successor.
 *
 * Why so: the one workaround for the embedded database (FerretDB v1 over SQLite). There an
 * insert refused by a unique index is atomic, but a conditional update or delete reads the
 * matching documents, then writes or deletes them by `_id` alone. Measured on the embedded
 * database (2 connections, a machine shared with other work, 100 rounds each unless said):
 * 8 racing inserts of one key under a unique index got exactly one success every round; 4
 * racing `updateOne({_id, status: 'queued'})` reported more than one success in 56;
 * `deleteOne({_id, holder: old})` deleted a successor re-inserted under the same `_id` in 13,
 * and a conditional `updateOne` overwrote it in 22; against a successor under a fresh ObjectId
 * the stale write changed nothing (0 of 150) yet reported a match in 57 of 150. Before this
 * protocol, locks deleted an expired row by `_id`: 6 callers on one expired lock ended with
 * 2-3 holders in 33 of 100 rounds (1 in 60 with a delete filtered on holder and expiry). So
 * the claim before a takeover, the margin before a holder's writes and the read-back after a
 * renewal exist because of the embedded database; on MongoDB, where a conditional write is
 * atomic per document, the same protocol stays correct (it relies only on unique inserts),
 * merely more careful than needed. The same quirk (two updates of one document can undo each
 * other) is why every write to a person's conversation and handoff case runs under
 * `withPidLock`. The other quirk, filters other than exactly `{_id}` reading the whole
 * collection, is why locks are keyed by `_id`; leases and one-time keys live in small
 * collections.
 *
 * Tested on the real embedded database with many callers racing one expired lock or lease,
 * a late release or renewal, and a second connection: test/integration/foundation/locks.test.ts
 * and leases.test.ts.
 */
export { locksOn, releaseLeftBy, tryLock, unlock, type Locks } from './exclusive';
export { acquireLease, lastRunKeyOf, leasesOn, markRun, releaseLease, type Leases } from './leases';
export { PidBusyError, withPidLock } from './pidLock';
export { forgetOnce, leaseRowsOn, lockRowsOn, purgeOnceKeys, takeOnce, type LeaseRows, type LockRows } from './store';
