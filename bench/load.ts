/**
 * A small HTTP load generator for the benchmark, on loopback only: closed-loop (as fast
 * as N connections allow, for a fixed time) and open-loop (a fixed rate, for a fixed
 * time). Bounded in time; stops by itself.
 */
import http from 'node:http';

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** POST a JSON body; resolves with the status. */
export function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed loop: `connections` workers send back-to-back for `seconds`. Returns requests/s and error count. */
export async function closedLoop(opts: { url: string; connections: number; seconds: number; body: (i: number) => string; headers?: Record<string, string> }): Promise<{ rps: number; ok: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const url = new URL(opts.url);
  const end = Date.now() + opts.seconds * 1000;
  let i = 0; let ok = 0; let errors = 0;
  const start = Date.now();
  await Promise.all(Array.from({ length: opts.connections }, async () => {
    while (Date.now() < end) {
      try {
        const s = await post(agent, url, opts.body(i++), opts.headers);
        if (s >= 200 && s < 300) ok++; else errors++;
      } catch { errors++; }
    }
  }));
  agent.destroy();
  return { rps: ok / ((Date.now() - start) / 1000), ok, errors };
}

/** Open loop: send at `rate` per second for `seconds`, never waiting for answers. Calls onSent with the send time. */
export async function openLoop(opts: { url: string; rate: number; seconds: number; body: (i: number) => string; headers?: Record<string, string>; onSent?: (i: number, at: number) => void; maxWaitMs?: number; sockets?: number }): Promise<{ sent: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.sockets ?? 256 });
  const url = new URL(opts.url);
  const total = Math.round(opts.rate * opts.seconds);
  const start = performance.now();
  let errors = 0;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    opts.onSent?.(i, performance.now());
    inflight.push(post(agent, url, opts.body(i), opts.headers).then((s) => { if (s < 200 || s >= 300) errors++; }, () => { errors++; }));
  }
  // Bounded: answers still missing after maxWaitMs are counted as errors and abandoned.
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), opts.maxWaitMs ?? 30_000); });
  const done = await Promise.race([Promise.all(inflight).then(() => 'ok' as const), limit]);
  clearTimeout(timer);
  agent.destroy();
  return { sent: total, errors: done === 'late' ? errors + 1 : errors };
}
