/**
 * A minimal Telegram Bot API stand-in for the benchmark, on 127.0.0.1: answers
 * sendMessage at once and records when the first reply for each chat arrived.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** The running fake and what it saw. */
export interface BenchApi {
  url: string;
  replies: number;
  /** chat id → times (performance.now()) replies arrived. */
  arrivals: Map<string, number[]>;
  /** chat id → times emergency replies (texts naming 113) arrived. */
  emergencies: Map<string, number[]>;
  close(): Promise<void>;
}

export async function startBenchApi(): Promise<BenchApi> {
  const arrivals = new Map<string, number[]>();
  const emergencies = new Map<string, number[]>();
  let replies = 0;
  let messageId = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').split('/').pop();
      let result: unknown = true;
      if (method === 'sendMessage') {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { chat_id?: string | number; text?: string };
        const chat = String(body.chat_id);
        const list = arrivals.get(chat) ?? [];
        list.push(performance.now());
        arrivals.set(chat, list);
        if (body.text?.includes('113')) emergencies.set(chat, [...(emergencies.get(chat) ?? []), performance.now()]);
        replies++;
        result = { message_id: messageId++, date: 0, chat: { id: body.chat_id, type: 'private' }, text: '' };
      } else if (method === 'getMe') {
        result = { id: 1, is_bot: true, first_name: 'bench', username: 'bench_bot' };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, arrivals, emergencies,
    get replies() { return replies; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
