/**
 * Zalo OA Open API v3 over axios. Zalo reports most failures as HTTP 200 with a non-zero
 * `error` in the body, so every answer's body is checked (reference 2.a.5, 2.a.9).
 */
import axios, { AxiosInstance } from 'axios';
import type { SendResult } from '../types';

const TIMEOUT_MS = 10_000;
/** -32 means 4000 calls/min per app were used up: wait a good part of a minute. */
const RATE_LIMIT_RETRY_MS = 15_000;

/** What one send attempt came to. `token` = the access token was refused (-216/-220). */
export type ZaloSendOutcome =
  | { kind: 'ok'; messageId: string }
  | { kind: 'token'; code: string }
  | { kind: 'fail'; result: Extract<SendResult, { ok: false }> };

/** Classify a Zalo API body `error` code (non-zero). */
export function classifyZaloError(error: number): ZaloSendOutcome {
  if (error === -216 || error === -220) return { kind: 'token', code: `zalo_${error}` };
  if (error === -230 || error === -232) return { kind: 'fail', result: { ok: false, retryable: false, windowExpired: true, code: 'window_expired' } };
  if (error === -32) return { kind: 'fail', result: { ok: false, retryable: true, retryAfterMs: RATE_LIMIT_RETRY_MS, code: 'rate_limited' } };
  return { kind: 'fail', result: { ok: false, retryable: false, code: `zalo_${error}` } };
}

/** Classify a transport error (axios): timeouts, network errors and 5xx/429 are retryable. */
export function classifyTransportError(err: unknown): ZaloSendOutcome {
  const e = err as { code?: string; response?: { status?: number } };
  const status = e.response?.status;
  if (status !== undefined) {
    if (status === 429) return { kind: 'fail', result: { ok: false, retryable: true, retryAfterMs: RATE_LIMIT_RETRY_MS, code: 'rate_limited' } };
    if (status >= 500) return { kind: 'fail', result: { ok: false, retryable: true, code: `server_error_${status}` } };
    return { kind: 'fail', result: { ok: false, retryable: false, code: `http_${status}` } };
  }
  const timeout = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED';
  return { kind: 'fail', result: { ok: false, retryable: true, code: timeout ? 'timeout' : 'network' } };
}

/** The OA message API. */
export class ZaloClient {
  private readonly http: AxiosInstance;

  constructor(apiBase: string) {
    // validateStatus: read every body ourselves (Zalo's errors come with 200 anyway).
    this.http = axios.create({ baseURL: apiBase.replace(/\/+$/, ''), timeout: TIMEOUT_MS, validateStatus: () => true, proxy: false });
  }

  /** Send one consultation text to a user (their per-OA user id, a string). */
  async sendText(accessToken: string, userId: string, text: string): Promise<ZaloSendOutcome> {
    try {
      const res = await this.http.post('/v3.0/oa/message/cs', { recipient: { user_id: userId }, message: { text } }, {
        headers: { access_token: accessToken, 'content-type': 'application/json' },
      });
      if (res.status !== 200) return classifyTransportError({ response: { status: res.status } });
      const body = res.data as { error?: unknown; data?: { message_id?: unknown } } | undefined;
      const error = Number(body?.error);
      if (!body || !Number.isFinite(error)) return { kind: 'fail', result: { ok: false, retryable: true, code: 'bad_response' } };
      if (error !== 0) return classifyZaloError(error);
      return { kind: 'ok', messageId: String(body.data?.message_id ?? '') };
    } catch (err) {
      return classifyTransportError(err);
    }
  }
}
