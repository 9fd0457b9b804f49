/**
 * A fake Telegram Bot API on 127.0.0.1 (reference/channels.md 3.1). It records every
 * request (method, path, headers, JSON body) and answers like Telegram:
 * `POST /bot<token>/<method>` → 200 {ok:true, result}. Failures are scripted with
 * failNext(n, kind): 429 with retry_after, 500 (telegraf ignores the body), 403 blocked.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The Bot API method name ("sendMessage"), and the token from the path. */
  apiMethod: string;
  token: string;
  /** What the fake answered. */
  status: number;
}

/** Failures the fake can inject. */
export type TelegramFailure = '429' | '500' | '403' | '400';

/** Handle on a running fake. */
export interface FakeTelegram {
  /** The apiRoot to give telegraf (TELEGRAM_API_ROOT). */
  url: string;
  requests: RecordedRequest[];
  /** Requests of one API method, successful ones only unless `all`. */
  calls(apiMethod: string, all?: boolean): RecordedRequest[];
  /** Texts delivered (sendMessage answered ok), in order, for one chat or all chats. */
  sent(chatId?: string | number): string[];
  /** The next n calls of `apiMethod` (default sendMessage) fail with `kind`; `after` lets that many succeed first. */
  failNext(n: number, kind: TelegramFailure, opts?: { apiMethod?: string; retryAfter?: number; after?: number }): void;
  /** Resolve when pred() holds (polls), or reject after timeoutMs. */
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const FAILURES: Record<TelegramFailure, (retryAfter: number) => { status: number; body: unknown }> = {
  429: (ra) => ({ status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${ra}`, parameters: { retry_after: ra } } }),
  500: () => ({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } }),
  403: () => ({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } }),
  400: () => ({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' } }),
};

/** Start a fake Telegram Bot API server on an ephemeral loopback port. */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const requests: RecordedRequest[] = [];
  const script: { apiMethod: string; kind: TelegramFailure; retryAfter: number; skip: number }[] = [];
  const nextMessageId = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try { body = raw ? JSON.parse(raw) as Record<string, unknown> : {}; } catch { body = { _raw: raw }; }
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      const answer = (status: number, payload: unknown) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, apiMethod: m?.[2] ?? '', token: m?.[1] ?? '', status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !m) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      const apiMethod = m[2]!;
      const idx = script.findIndex((s) => s.apiMethod === apiMethod);
      if (idx >= 0 && script[idx]!.skip > 0) script[idx]!.skip -= 1;
      else if (idx >= 0) {
        const [f] = script.splice(idx, 1);
        const { status, body: b } = FAILURES[f!.kind](f!.retryAfter);
        return answer(status, b);
      }
      switch (apiMethod) {
        case 'getMe':
          return answer(200, { ok: true, result: { id: 1, is_bot: true, first_name: 'Hotline', username: 'hotline_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } });
        case 'sendMessage': {
          const chat = String(body.chat_id);
          const text = typeof body.text === 'string' ? body.text : '';
          if (text.length < 1 || text.length > 4096) return answer(400, FAILURES[400](0).body);
          const id = (nextMessageId.get(chat) ?? 100) + 1;
          nextMessageId.set(chat, id);
          return answer(200, { ok: true, result: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat), type: 'private' }, from: { id: 1, is_bot: true, first_name: 'Hotline' }, text, reply_markup: body.reply_markup } });
        }
        case 'getWebhookInfo':
          return answer(200, { ok: true, result: { url: '', has_custom_certificate: false, pending_update_count: 0 } });
        default:
          return answer(200, { ok: true, result: true });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const calls = (apiMethod: string, all = false) => requests.filter((r) => r.apiMethod === apiMethod && (all || r.status === 200));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls,
    sent: (chatId) => calls('sendMessage').filter((r) => chatId === undefined || String(r.body.chat_id) === String(chatId)).map((r) => String(r.body.text)),
    failNext(n, kind, opts = {}) {
      for (let i = 0; i < n; i++) script.push({ apiMethod: opts.apiMethod ?? 'sendMessage', kind, retryAfter: opts.retryAfter ?? 1, skip: i === 0 ? opts.after ?? 0 : 0 });
    },
    async waitFor(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fakeTelegram.waitFor: timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
