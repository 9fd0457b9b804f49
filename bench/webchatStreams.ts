/**
 * Web chat reply latency with many idle live streams open (BENCH_PHASES=streams): a person
 * sends "menu" and we time until the reply arrives on their stream, first with no other
 * streams, then with `idle` sessions each holding an open, silent stream. Idle streams must
 * cost nothing: one notifier per instance, no polling per stream.
 */
import { percentile } from './load';

/** A session as the page holds it: cookie and CSRF token. */
interface Session { cookie: string; csrf: string }

async function openSession(base: string): Promise<Session> {
  const res = await fetch(`${base}/chat`);
  const html = await res.text();
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('sid=')) ?? '').split(';')[0]!;
  return { cookie, csrf: /data-csrf="([^"]+)"/.exec(html)?.[1] ?? '' };
}

/** Open a stream; `onData` sees each chunk; returns a closer. */
function openStream(base: string, s: Session, onData: (text: string) => void): () => void {
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`${base}/chat/stream`, { headers: { cookie: s.cookie, accept: 'text/event-stream' }, signal: abort.signal });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onData(dec.decode(value, { stream: true }));
    }
  })().catch(() => undefined);
  return () => abort.abort();
}

let ids = 0;
async function send(base: string, s: Session, text: string): Promise<void> {
  await fetch(`${base}/chat/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf, origin: base },
    body: JSON.stringify({ id: `bench${Date.now().toString(36)}${(ids++).toString(36)}`, text }),
  });
}

/** p50/p99 of reply latency for `n` people sending one message each, one after another. */
async function replyLatency(base: string, n: number): Promise<{ p50: number; p99: number; answered: number }> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await openSession(base);
    let got: (() => void) | null = null;
    let seen = '';
    const close = openStream(base, s, (chunk) => { seen += chunk; if (seen.includes('"seq"') && got) got(); });
    await new Promise((r) => setTimeout(r, 30));
    seen = '';
    const t0 = performance.now();
    const arrived = new Promise<void>((resolve) => { got = resolve; });
    await send(base, s, 'menu');
    const ok = await Promise.race([arrived.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (ok) lat.push(performance.now() - t0);
    close();
  }
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), answered: lat.length };
}

/** The phase: latency without idle streams, then with `idle` of them open. */
export async function benchWebchatStreams(base: string, idle: number, figure: (k: string, v: number | string) => void): Promise<void> {
  const quiet = await replyLatency(base, 60);
  figure('webchat_reply_p50_ms', quiet.p50.toFixed(1));
  figure('webchat_reply_p99_ms', quiet.p99.toFixed(1));
  const closers: (() => void)[] = [];
  for (let i = 0; i < idle; i++) closers.push(openStream(base, await openSession(base), () => undefined));
  await new Promise((r) => setTimeout(r, 2_000));
  const busy = await replyLatency(base, 60);
  figure(`webchat_reply_p50_ms_${idle}_idle`, busy.p50.toFixed(1));
  figure(`webchat_reply_p99_ms_${idle}_idle`, busy.p99.toFixed(1));
  figure('webchat_replies_answered', `${quiet.answered + busy.answered}/120`);
  for (const c of closers) c();
}
