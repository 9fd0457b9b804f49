/**
 * Zalo OA access tokens: 25 h access token + a single-use refresh token (~3 months)
 * replaced at every refresh (reference 2.a.7).
 *
 * Rules this file keeps:
 *  - both tokens are sealed (FieldCipher) in `zalo_tokens`; bootstrap from
 *    ZALO_REFRESH_TOKEN once, only when no row exists;
 *  - refresh ahead of expiry, and when the API says the token is bad (-216/-220);
 *  - only one instance refreshes at a time: the 'zalo-token-refresh' lock (store.ts
 *    tryLock, from src/locks). The loser waits and re-reads the stored token instead of
 *    spending the refresh token again (a second use would be refused and could lose the pair);
 *  - the new pair is stored (compare-and-set on the old refresh token) BEFORE use.
 */
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { log } from '../../observability/log';
import type { FieldCipher } from '../../shared/crypto';
import { insertBootstrapRow, readTokenRow, swapTokens, tryLock, unlock } from './store';

const ROW = 'oa';
const LEASE = 'zalo-token-refresh';
const LEASE_TTL_MS = 30_000;
const WAIT_STEP_MS = 150;
const WAIT_LIMIT_MS = 20_000;

/** Thrown when no usable token can be had (no bootstrap token, OAuth refused…). */
export class ZaloTokenError extends Error {}

/** Settings (Config.zalo) and tunables. */
export interface ZaloTokenSettings {
  appId: string;
  appSecret: string;
  oauthBase: string;
  refreshToken?: string;
  /** Refresh this long before expiry (default 1 h). */
  refreshAheadMs?: number;
}

/** Gets a valid access token, refreshing under a lease when needed. */
export class ZaloTokenManager {
  private readonly holder = `zalo-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly ahead: number;
  /** One refresh at a time within this process; the lease covers other instances. */
  private inflight: Promise<string> | undefined;

  constructor(private readonly s: ZaloTokenSettings, private readonly cipher: FieldCipher, private readonly now: () => number = Date.now) {
    this.ahead = s.refreshAheadMs ?? 3600_000;
  }

  /** A current access token (refreshing first if it is missing or about to expire). */
  async accessToken(): Promise<string> {
    const fresh = await this.readFresh();
    if (fresh) return fresh;
    return this.refresh(undefined);
  }

  /**
   * The API refused `stale`: get a newer token. If another instance already replaced it,
   * that one is returned without a refresh.
   */
  async refreshAfterRejection(stale: string): Promise<string> {
    return this.refresh(stale);
  }

  /** Refresh now if within the refresh-ahead window (for a periodic job). */
  async ensureFresh(): Promise<void> {
    await this.accessToken();
  }

  private async readFresh(stale?: string): Promise<string | undefined> {
    let row = await readTokenRow(ROW);
    if (!row) {
      if (!this.s.refreshToken) throw new ZaloTokenError('no Zalo token stored and ZALO_REFRESH_TOKEN is not set');
      await insertBootstrapRow(ROW, this.cipher.seal(this.s.refreshToken), new Date(this.now()));
      row = await readTokenRow(ROW);
      if (!row) throw new ZaloTokenError('zalo token row vanished');
    }
    if (!row.accessTokenSealed || row.expiresAt.getTime() - this.ahead <= this.now()) return undefined;
    const token = this.cipher.open(row.accessTokenSealed);
    return token === stale ? undefined : token;
  }

  private refresh(stale: string | undefined): Promise<string> {
    this.inflight ??= this.refreshUnderLease(stale).finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async refreshUnderLease(stale: string | undefined): Promise<string> {
    const until = this.now() + WAIT_LIMIT_MS;
    for (;;) {
      const lease = await tryLock(LEASE, this.holder, LEASE_TTL_MS);
      if (lease) {
        try {
          // Someone may have refreshed between our read and the lease: use theirs.
          const theirs = await this.readFresh(stale);
          if (theirs) return theirs;
          return await this.refreshNow();
        } finally {
          await unlock(LEASE, lease).catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const theirs = await this.readFresh(stale);
      if (theirs) return theirs;
      if (this.now() > until) throw new ZaloTokenError('timed out waiting for another instance to refresh the Zalo token');
    }
  }

  /** Spend the stored refresh token; store the new pair before returning the access token. */
  private async refreshNow(): Promise<string> {
    const row = await readTokenRow(ROW);
    if (!row) throw new ZaloTokenError('zalo token row missing');
    const refreshToken = this.cipher.open(row.refreshTokenSealed);
    const form = new URLSearchParams({ app_id: this.s.appId, grant_type: 'refresh_token', refresh_token: refreshToken });
    let data: { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; error?: unknown; error_name?: unknown };
    try {
      const res = await axios.post(`${this.s.oauthBase.replace(/\/+$/, '')}/v4/oa/access_token`, form.toString(), {
        headers: { secret_key: this.s.appSecret, 'content-type': 'application/x-www-form-urlencoded' },
        timeout: 10_000, validateStatus: () => true, proxy: false,
      });
      data = (res.data ?? {}) as typeof data;
    } catch (err) {
      throw new ZaloTokenError(`zalo token refresh failed: ${(err as { code?: string }).code ?? 'network'}`);
    }
    if (typeof data.access_token !== 'string' || typeof data.refresh_token !== 'string' || !data.access_token || !data.refresh_token) {
      // The refresh token may now be dead: a human must grant consent again. Never log the tokens.
      log.error('zalo token refresh refused; an OA admin may need to re-authorise the app', { error: String(data.error ?? 'unknown'), errorName: String(data.error_name ?? '') });
      throw new ZaloTokenError('zalo token refresh refused');
    }
    const seconds = Number(data.expires_in); // a STRING of seconds, e.g. "90000"
    const expiresAt = new Date(this.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000);
    const stored = await swapTokens(ROW, row.refreshTokenSealed, {
      accessTokenSealed: this.cipher.seal(data.access_token), refreshTokenSealed: this.cipher.seal(data.refresh_token), expiresAt,
    }, new Date(this.now()));
    if (!stored) {
      // Only possible if the lease expired mid-refresh and another instance refreshed too.
      log.error('zalo token row changed during refresh; using the stored pair');
      const theirs = await this.readFresh();
      if (theirs) return theirs;
      throw new ZaloTokenError('zalo token row changed during refresh');
    }
    log.info('zalo access token refreshed', { expiresAt: expiresAt.toISOString() });
    return data.access_token;
  }
}
