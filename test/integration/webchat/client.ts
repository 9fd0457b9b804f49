/**
 * A small web chat client for tests: loads the page (cookie + CSRF token), posts like the
 * page does, and reads the live stream (server-sent events) with fetch.
 */

/** One server-sent event. */
export interface SseEvent { id?: string; event?: string; data: string }

/** Reads an event stream in the background. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private ended = false;
  readonly done: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.done = this.run(url, headers).catch(() => undefined).finally(() => { this.ended = true; });
  }

  private async run(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, { headers, signal: this.abort.signal });
    this.status = res.status;
    if (!res.body) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const ev: SseEvent = { data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'id') ev.id = val;
          else if (field === 'event') ev.event = val;
          else if (field === 'data') data.push(val);
        }
        if (data.length) { ev.data = data.join('\n'); this.events.push(ev); }
      }
    }
  }

  /** Parsed `message` events. */
  messages(): { seq: number | null; text: string; options?: { label: string; payload: string }[] }[] {
    return this.events.filter((e) => (e.event ?? 'message') === 'message').map((e) => JSON.parse(e.data));
  }

  /** Wait until pred holds (or throw after timeoutMs). */
  async waitFor(pred: () => boolean, timeoutMs = 15_000, what = 'stream condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages().map((m) => [m.seq, m.text.slice(0, 40)]))}`);
      if (this.ended && !pred()) throw new Error(`stream ended before ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  get isEnded(): boolean { return this.ended; }

  close(): void { this.abort.abort(); }
}

/** A browser session against /chat. */
export class ChatClient {
  cookie = '';
  csrf = '';
  setCookies: string[] = [];

  constructor(readonly url: string, readonly origin = url) {}

  /** GET /chat: keeps the session cookie and the page's CSRF token. */
  async open(): Promise<{ status: number; html: string; headers: Headers }> {
    const res = await fetch(`${this.url}/chat`, { headers: this.cookie ? { cookie: this.cookie } : {} });
    const html = await res.text();
    this.absorb(res);
    const m = /data-csrf="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1]!;
    return { status: res.status, html, headers: res.headers };
  }

  private absorb(res: Response): void {
    this.setCookies = res.headers.getSetCookie();
    for (const c of this.setCookies) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (name !== 'sid') continue;
      this.cookie = value ? `sid=${value}` : '';
    }
  }

  /** The raw session id (the channel user id), for asserting it never leaks. */
  get sid(): string { return this.cookie.replace(/^sid=/, ''); }

  /** POST like the page does; override headers to test refusals. */
  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> | null; res: Response }> {
    const res = await fetch(`${this.url}/chat${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.origin, 'x-csrf-token': this.csrf, ...(this.cookie ? { cookie: this.cookie } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    this.absorb(res);
    let json: Record<string, unknown> | null = null;
    try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = null; }
    return { status: res.status, json, res };
  }

  /** Open the live stream, optionally resuming after a seq (as EventSource does with Last-Event-ID). */
  stream(lastEventId?: number): SseReader {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(this.cookie ? { cookie: this.cookie } : {}) };
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    return new SseReader(`${this.url}/chat/stream`, headers);
  }
}

let counter = 0;
/** A client message id like the page makes. */
export const clientId = (): string => `m${Date.now().toString(36)}${(counter++).toString(36)}xx`;
