/**
 * express-session storage in MongoDB (the queries are in store/sessions.ts). Expiry is checked
 * on every read, and purgeExpiredSessions() deletes old rows (scheduled with the retention job).
 *
 * Why still our own and not connect-mongo: connect-mongo 6.0.0 DOES run on the embedded
 * database without a TTL index. Measured on FerretDB v1 (autoRemove 'disabled', stringify
 * false, the service's own mongoose client): set, get, touch, length, all and destroy all
 * work, an expired session reads as null, and no index besides _id is created; the six calls
 * took 107 ms on the loaded 2-core machine. What keeps this file: its rows have another shape
 * ({_id, expires, session} instead of {sid, data, expiresAt}), so the switch also changes
 * the session model in store/sessions.ts (its unique `sid` index would refuse a second
 * connect-mongo row in the same collection), the retention purge, dropSessionsOf (a query on
 * session.user.username) and the console tests that count session rows. Do it in one
 * change of the console area: MongoStore.create({ client, collectionName: 'sessions',
 * autoRemove: 'disabled', stringify: false, ttl: idleMs / 1000 }).
 */
import session, { SessionData } from 'express-session';
import { allSessions, deleteSession, deleteSessions, findSession, saveSession, setSessionExpiry } from './store';

/** Sessions in the `sessions` collection. */
export class MongoSessionStore extends session.Store {
  constructor(private readonly idleMs: number) {
    super();
  }

  override get(sid: string, cb: (err: unknown, s?: SessionData | null) => void): void {
    findSession(sid).then((row) => {
      if (!row || row.expiresAt.getTime() <= Date.now()) return cb(null, null);
      cb(null, JSON.parse(row.data) as SessionData);
    }, (err) => cb(err));
  }

  override set(sid: string, s: SessionData, cb?: (err?: unknown) => void): void {
    saveSession(sid, JSON.stringify(s), this.expiry(s)).then(() => cb?.(), (err) => cb?.(err));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    deleteSession(sid).then(() => cb?.(), (err) => cb?.(err));
  }

  override touch(sid: string, s: SessionData, cb?: () => void): void {
    setSessionExpiry(sid, this.expiry(s)).then(() => cb?.(), () => cb?.());
  }

  private expiry(s: SessionData): Date {
    const e = s.cookie?.expires;
    return e ? new Date(e) : new Date(Date.now() + this.idleMs);
  }
}

/** Delete every session of a user (when disabled), or every other one (`keepSid`, after a password change). */
export async function dropSessionsOf(username: string, keepSid?: string): Promise<void> {
  const rows = await allSessions();
  const mine = rows.filter((r) => { try { return r.sid !== keepSid && (JSON.parse(r.data) as SessionData).user?.username === username; } catch { return false; } });
  if (mine.length) await deleteSessions(mine.map((r) => r.sid));
}
