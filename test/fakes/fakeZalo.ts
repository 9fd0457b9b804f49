/**
 * A fake Zalo OA Open API + OAuth server on 127.0.0.1 (reference/channels.md 3.2).
 * Records every request; answers like Zalo: failures come as HTTP 200 with a non-zero
 * `error`. The OAuth endpoint rotates single-use refresh tokens and refuses a reused one.
 * Also signs webhook bodies the way the configured variant expects.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One recorded request; `body` is the JSON or form body. */
export interface ZaloRecorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** What the fake answered (`error` code; 0 = success; HTTP status when not 200). */
  error: number;
  status: number;
}

/** Failures the send endpoint can inject. */
export type ZaloFailure = '-216' | '-220' | '-230' | '-232' | '-32' | '500';

/** Options of the fake. */
export interface FakeZaloOptions {
  appId?: string;
  appSecret?: string;
  /** The refresh token the fake considers current at start (give it as ZALO_REFRESH_TOKEN). */
  refreshToken?: string;
  /** Delay of the OAuth answer, to widen race windows in tests. */
  refreshDelayMs?: number;
}

/** Handle on a running fake. */
export interface FakeZalo {
  url: string;
  requests: ZaloRecorded[];
  /** Texts delivered (error 0), in order, for one user or all. */
  sent(userId?: string): string[];
  /** Calls to the OAuth refresh endpoint (successful ones unless `all`). */
  refreshCalls(all?: boolean): ZaloRecorded[];
  /** Current valid access token (null before the first refresh). */
  accessToken(): string | null;
  /** Invalidate the current access token: sends with it get -216 until a refresh. */
  revokeAccessToken(): void;
  /** The next n sends fail with `kind`. */
  failNext(n: number, kind: ZaloFailure): void;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const MESSAGES: Record<string, string> = {
  '-216': 'Access token is invalid', '-220': 'access_token is expired or removed',
  '-230': 'User has not interacted with the OA in the past 7 days', '-232': 'User has not interacted or interaction expired',
  '-32': 'Your application reached limit call api', '-201': 'Parameters are invalid',
};

/** Sign a raw webhook body as Zalo does (variant-aware), for tests. */
export function signZalo(raw: string, s: { appId: string; oaSecret: string; oaId?: string; timestamp: string; variant?: 'mac_appid' | 'plain_appid' | 'mac_oaid' }): string {
  const variant = s.variant ?? 'mac_appid';
  const first = variant === 'mac_oaid' ? s.oaId ?? '' : s.appId;
  const hex = createHash('sha256').update(first + raw + s.timestamp + s.oaSecret).digest('hex');
  return variant === 'plain_appid' ? hex : `mac=${hex}`;
}

/** Start the fake on an ephemeral loopback port. */
export async function startFakeZalo(opts: FakeZaloOptions = {}): Promise<FakeZalo> {
  const appId = opts.appId ?? 'app-1';
  const appSecret = opts.appSecret ?? 'app-secret-1';
  let refreshToken = opts.refreshToken ?? 'rt-1';
  let access: string | null = null;
  let generation = 1;
  const script: ZaloFailure[] = [];
  const requests: ZaloRecorded[] = [];
  let msgSeq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const form = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      let body: Record<string, unknown> = {};
      try { body = form ? Object.fromEntries(new URLSearchParams(raw)) : raw ? JSON.parse(raw) as Record<string, unknown> : {}; } catch { body = { _raw: raw }; }
      const answer = (status: number, payload: Record<string, unknown>) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status, error: Number(payload.error ?? 0) });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const zerr = (code: string) => answer(200, { error: Number(code), message: MESSAGES[code] ?? 'error' });

      if (req.method === 'POST' && req.url === '/v3.0/oa/message/cs') {
        const f = script.shift();
        if (f === '500') return answer(500, { error: -1, message: 'Internal Server Error' });
        if (f) return zerr(f);
        if (!access || req.headers.access_token !== access) return zerr('-216');
        const recipient = body.recipient as { user_id?: unknown } | undefined;
        const message = body.message as { text?: unknown } | undefined;
        if (typeof recipient?.user_id !== 'string' || typeof message?.text !== 'string' || message.text.length < 1 || message.text.length > 2000) return zerr('-201');
        return answer(200, { error: 0, message: 'Success', data: { message_id: `m-${++msgSeq}`, user_id: recipient.user_id, sent_time: String(Date.now()) } });
      }
      if (req.method === 'POST' && req.url === '/v4/oa/access_token') {
        // Checked when answering (after any delay): a token spent meanwhile is refused.
        const reply = () => {
          const ok = req.headers.secret_key === appSecret && body.app_id === appId && body.grant_type === 'refresh_token' && body.refresh_token === refreshToken;
          if (!ok) return answer(200, { error: -14014, error_name: 'Invalid refresh token', error_description: 'refresh token is invalid or used' });
          generation += 1;
          refreshToken = `rt-${generation}`;
          access = `at-${generation}`;
          return answer(200, { access_token: access, refresh_token: refreshToken, expires_in: '90000' });
        };
        if (opts.refreshDelayMs) setTimeout(reply, opts.refreshDelayMs); else reply();
        return;
      }
      answer(404, { error: -404, message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const isRefresh = (r: ZaloRecorded) => r.path === '/v4/oa/access_token';

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent: (userId) => requests.filter((r) => r.path === '/v3.0/oa/message/cs' && r.status === 200 && r.error === 0)
      .filter((r) => userId === undefined || (r.body.recipient as { user_id: string }).user_id === userId)
      .map((r) => String((r.body.message as { text: string }).text)),
    refreshCalls: (all = false) => requests.filter((r) => isRefresh(r) && (all || r.error === 0)),
    accessToken: () => access,
    revokeAccessToken() { access = `revoked-${generation}`; },
    failNext(n, kind) { for (let i = 0; i < n; i++) script.push(kind); },
    async waitFor(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fakeZalo.waitFor: timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
