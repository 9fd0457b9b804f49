/**
 * The Graph API over axios: the Send API (/me/messages), the Messenger Profile API
 * (/me/messenger_profile) and the Page's app subscription (/me/subscribed_apps). The base
 * URL carries the pinned API version (MESSENGER_API_BASE; tests point it at a fake).
 * The page token goes in the `access_token` query parameter as Meta documents; neither
 * URLs nor axios errors are ever logged, so it never reaches a log line.
 */
import axios, { AxiosInstance } from 'axios';
import type { SendResult } from '../types';
import type { MessagingMode } from './window';
import type { MessengerMessage } from './render';

const TIMEOUT_MS = 10_000;
/** Graph's rate limits (codes 4, 17, 32, 613) last about a minute; wait a good part of one. */
const RATE_LIMIT_RETRY_MS = 15_000;

/** A failed call, classified for the outbox. */
export type MessengerFailure = Extract<SendResult, { ok: false }>;
/** One send's outcome. */
export type MessengerSendOutcome = { ok: true; messageId: string } | MessengerFailure;

/** Graph's error object: `{ error: { message, type, code, error_subcode, is_transient, fbtrace_id } }`. */
interface GraphError { code?: unknown; error_subcode?: unknown; is_transient?: unknown }

/**
 * Map a Graph error (HTTP status + body `error`) to a retry decision:
 * 429 and rate-limit codes → retry later; 5xx, codes 1/2, 1200 and `is_transient` → retry with
 * backoff; code 10 subcode 2018278 (outside the messaging window) → window_expired, never
 * retried; 551 (person unavailable), 190 (bad token) and other 4xx → give up.
 */
export function classifyGraphError(status: number, error: GraphError | undefined, retryAfterHeader?: string): MessengerFailure {
  const code = Number(error?.code);
  const sub = Number(error?.error_subcode);
  const after = Number(retryAfterHeader);
  const wait = Number.isFinite(after) && after > 0 ? after * 1000 : RATE_LIMIT_RETRY_MS;
  if (status === 429 || [4, 17, 32, 613].includes(code)) return { ok: false, retryable: true, retryAfterMs: wait, code: 'rate_limited' };
  if (code === 10 && sub === 2018278) return { ok: false, retryable: false, windowExpired: true, code: 'window_expired' };
  if (status >= 500 || code === 1 || code === 2 || code === 1200 || error?.is_transient === true) {
    return { ok: false, retryable: true, code: status >= 500 ? `server_error_${status}` : `graph_${code}` };
  }
  if (code === 190) return { ok: false, retryable: false, code: 'token_invalid' };
  if (code === 551) return { ok: false, retryable: false, code: 'person_unavailable' };
  return { ok: false, retryable: false, code: Number.isFinite(code) ? `graph_${code}${Number.isFinite(sub) ? `_${sub}` : ''}` : `http_${status}` };
}

/** A transport failure (no HTTP answer): timeouts and network errors are retried. */
function transportFailure(err: unknown): MessengerFailure {
  const e = err as { code?: string };
  const timeout = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED';
  return { ok: false, retryable: true, code: timeout ? 'timeout' : 'network' };
}

/** The Graph API calls we make, with one page access token. */
export class MessengerClient {
  private readonly http: AxiosInstance;

  constructor(apiBase: string, private readonly pageAccessToken: string) {
    // validateStatus: every answer is classified here, never thrown with the URL inside.
    this.http = axios.create({ baseURL: apiBase.replace(/\/+$/, ''), timeout: TIMEOUT_MS, validateStatus: () => true, proxy: false });
  }

  /** Send one message to a page-scoped id. */
  async sendMessage(psid: string, mode: MessagingMode, message: MessengerMessage): Promise<MessengerSendOutcome> {
    try {
      const res = await this.http.post('/me/messages', { recipient: { id: psid }, ...mode, message }, {
        params: { access_token: this.pageAccessToken }, headers: { 'content-type': 'application/json' },
      });
      const body = res.data as { message_id?: unknown; error?: GraphError } | undefined;
      if (res.status >= 200 && res.status < 300 && typeof body?.message_id === 'string') return { ok: true, messageId: body.message_id };
      if (res.status >= 200 && res.status < 300) return { ok: false, retryable: true, code: 'bad_response' };
      return classifyGraphError(res.status, body?.error, String(res.headers['retry-after'] ?? ''));
    } catch (err) {
      return transportFailure(err);
    }
  }

  /** POST /me/messenger_profile (Get Started, persistent menu). Throws a plain message on refusal. */
  async setProfile(profile: Record<string, unknown>): Promise<void> {
    await this.call('post', '/me/messenger_profile', profile);
  }

  /** GET /me/messenger_profile?fields=… */
  async getProfile(fields: string[]): Promise<unknown> {
    return this.call('get', '/me/messenger_profile', undefined, { fields: fields.join(',') });
  }

  /** Subscribe the Page to this app's webhook for the fields we handle. */
  async subscribeApp(fields: string[]): Promise<void> {
    await this.call('post', '/me/subscribed_apps', undefined, { subscribed_fields: fields.join(',') });
  }

  private async call(method: 'get' | 'post', path: string, data?: unknown, params: Record<string, string> = {}): Promise<unknown> {
    let res;
    try {
      res = await this.http.request({ method, url: path, data, params: { ...params, access_token: this.pageAccessToken } });
    } catch (err) {
      throw new Error(`Graph API unreachable (${transportFailure(err).code})`);
    }
    if (res.status < 200 || res.status >= 300) {
      const e = (res.data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new Error(`Graph API refused ${path}: HTTP ${res.status}${e ? `, code ${String(e.code)}: ${String(e.message ?? '').slice(0, 200)}` : ''}`);
    }
    return res.data;
  }
}
