/**
 * A fake Graph API (Messenger Platform) on 127.0.0.1. Records every request (method, path,
 * query, JSON body) and answers like Graph: 200 `{recipient_id, message_id}` on a send, errors
 * as `{error:{message, type, code, error_subcode, fbtrace_id}}` with a 4xx/5xx status.
 * It checks what Meta checks: the page token, the message's shape (text 1..2000 characters,
 * at most 13 quick replies, titles at most 20), and the messaging window: a RESPONSE more
 * than 24 h after the person's last message (told with personWrote) is refused with code 10 /
 * 2018278; a HUMAN_AGENT tag after 7 days likewise. Also signs webhook bodies as Meta does.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One recorded request. */
export interface GraphRecorded {
  method: string;
  /** Path without the version prefix and query, e.g. '/me/messages'. */
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  /** What the fake answered. */
  status: number;
  errorCode: number | null;
}

/** One delivered message as the person would see it. */
export interface SentMessage { psid: string; text: string; quickReplies: { title: string; payload: string }[]; messagingType: string; tag: string | null }

/** Failures the send endpoint can inject. '429' carries Retry-After: 1. */
export type GraphFailure = '429' | '500' | '613' | '190' | '2018278';

/** Handle on a running fake. */
export interface FakeMessenger {
  /** The Graph base including a version, for MESSENGER_API_BASE. */
  url: string;
  requests: GraphRecorded[];
  /** Messages delivered (answered 200), in order, for one person or all. */
  sent(psid?: string): SentMessage[];
  /** The person wrote at this instant (ms): the window counts from it. */
  personWrote(psid: string, at: number): void;
  /** The next n sends fail with `kind`. */
  failNext(n: number, kind: GraphFailure): void;
  /** The profile last set through /me/messenger_profile. */
  profile(): Record<string, unknown> | null;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

/** Sign a raw webhook body as Meta does (X-Hub-Signature-256). */
export function signMessenger(raw: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** Start the fake on an ephemeral loopback port. `token`: the page access token it accepts. */
export async function startFakeMessenger(opts: { token: string; version?: string }): Promise<FakeMessenger> {
  const version = opts.version ?? 'v24.0';
  const requests: GraphRecorded[] = [];
  const script: GraphFailure[] = [];
  const lastWrote = new Map<string, number>();
  let profile: Record<string, unknown> | null = null;
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(new RegExp(`^/${version.replace('.', '\\.')}`), '');
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try { body = raw ? JSON.parse(raw) as Record<string, unknown> : {}; } catch { body = { _raw: raw }; }
      const answer = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
        const err = (payload.error as { code?: number } | undefined)?.code;
        requests.push({ method: req.method ?? '', path, query, body, status, errorCode: err ?? null });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const graphError = (status: number, code: number, message: string, sub?: number, headers?: Record<string, string>) =>
        answer(status, { error: { message, type: 'OAuthException', code, ...(sub ? { error_subcode: sub } : {}), fbtrace_id: 'AbCdEf' } }, headers);

      if (!url.pathname.startsWith(`/${version}/`)) return graphError(400, 2500, 'Unknown path components');
      if (query.access_token !== opts.token) return graphError(400, 190, 'Invalid OAuth access token.');

      if (req.method === 'POST' && path === '/me/messages') {
        const f = script.shift();
        if (f === '429') return graphError(429, 4, 'Application request limit reached', undefined, { 'retry-after': '1' });
        if (f === '500') return graphError(500, 1, 'An unknown error occurred');
        if (f === '613') return graphError(400, 613, 'Calls to this api have exceeded the rate limit.');
        if (f === '190') return graphError(400, 190, 'Invalid OAuth access token.');
        if (f === '2018278') return graphError(400, 10, 'This message is sent outside of allowed window.', 2018278);
        const psid = (body.recipient as { id?: unknown } | undefined)?.id;
        const message = body.message as { text?: unknown; quick_replies?: { title?: unknown; payload?: unknown }[] } | undefined;
        const type = body.messaging_type;
        if (typeof psid !== 'string' || typeof message?.text !== 'string' || message.text.length < 1 || message.text.length > 2000) {
          return graphError(400, 100, 'Invalid parameter');
        }
        const qr = message.quick_replies ?? [];
        if (qr.length > 13 || qr.some((q) => typeof q.title !== 'string' || [...q.title].length > 20 || typeof q.payload !== 'string')) {
          return graphError(400, 100, 'Invalid parameter: quick_replies');
        }
        const wrote = lastWrote.get(psid);
        const age = wrote === undefined ? Infinity : Date.now() - wrote;
        if (type === 'RESPONSE' && age > 24 * HOUR) return graphError(400, 10, 'This message is sent outside of allowed window.', 2018278);
        if (type === 'MESSAGE_TAG' && !(body.tag === 'HUMAN_AGENT' && age <= 7 * 24 * HOUR)) return graphError(400, 10, 'This message is sent outside of allowed window.', 2018278);
        if (type !== 'RESPONSE' && type !== 'MESSAGE_TAG') return graphError(400, 100, 'Invalid parameter: messaging_type');
        return answer(200, { recipient_id: psid, message_id: `m_${++seq}` });
      }
      if (req.method === 'POST' && path === '/me/messenger_profile') {
        profile = body;
        return answer(200, { result: 'success' });
      }
      if (req.method === 'GET' && path === '/me/messenger_profile') {
        const fields = (query.fields ?? '').split(',');
        return answer(200, { data: profile ? [Object.fromEntries(fields.filter((f) => f in profile!).map((f) => [f, profile![f]]))] : [] });
      }
      if (req.method === 'POST' && path === '/me/subscribed_apps') return answer(200, { success: true });
      graphError(404, 803, 'Unknown path');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/${version}`,
    requests,
    sent: (psid) => requests.filter((r) => r.path === '/me/messages' && r.status === 200)
      .filter((r) => psid === undefined || (r.body.recipient as { id: string }).id === psid)
      .map((r) => {
        const m = r.body.message as { text: string; quick_replies?: { title: string; payload: string }[] };
        return {
          psid: (r.body.recipient as { id: string }).id, text: m.text,
          quickReplies: (m.quick_replies ?? []).map((q) => ({ title: q.title, payload: q.payload })),
          messagingType: String(r.body.messaging_type), tag: typeof r.body.tag === 'string' ? r.body.tag : null,
        };
      }),
    personWrote(psid, at) { lastWrote.set(psid, at); },
    failNext(n, kind) { for (let i = 0; i < n; i++) script.push(kind); },
    profile: () => profile,
    async waitFor(pred, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fakeMessenger.waitFor: timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
