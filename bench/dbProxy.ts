/**
 * A counting TCP proxy between the app and the database, for the benchmark only: it passes
 * bytes through unchanged and counts the MongoDB wire commands the app sends (OP_MSG and
 * legacy OP_QUERY), by command name. The app needs no hook of its own: what it costs the
 * database is read off the wire. Connection upkeep (hello, ping, endSessions …) is counted
 * apart, so `ops()` is the work the message path asks for.
 */
import net from 'node:net';
import { deserialize } from 'bson';

const OP_QUERY = 2004;
const OP_MSG = 2013;
/** Commands of the driver's connection upkeep, not of the app's work. */
const UPKEEP = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue', 'buildInfo', 'getParameter']);

/** A running proxy and its counters. */
export interface DbProxy {
  port: number;
  /** Commands by name since start. */
  byCommand: Map<string, number>;
  /** Commands of the app's work (upkeep left out). */
  ops(): number;
  /**
   * Where the database time goes: per command shape (command, collection, filter keys), how
   * many and the summed round-trip time in ms (request written → reply read, on this proxy).
   */
  profile: Map<string, { count: number; ms: number }>;
  close(): Promise<void>;
}

/** Name of the command in one OP_MSG / OP_QUERY message (the first key of its body), or null. */
function commandName(msg: Buffer): string | null {
  const opCode = msg.readInt32LE(12);
  let at: number;
  if (opCode === OP_MSG) {
    at = 20; // header 16, flagBits 4
    if (msg[at] !== 0) return null; // section kind 0 carries the command body
    at += 1;
  } else if (opCode === OP_QUERY) {
    at = 20; // header, flags
    while (at < msg.length && msg[at] !== 0) at++; // full collection name
    at += 1 + 8; // its terminator, numberToSkip, numberToReturn
  } else {
    return null;
  }
  at += 4 + 1; // document length, first element's type
  const end = msg.indexOf(0, at);
  return end > at ? msg.toString('latin1', at, end) : null;
}

/** The keys of a filter, sorted: `{pid,status}`; `_id` alone is the one FerretDB answers from an index. */
function keysOf(filter: unknown): string {
  if (!filter || typeof filter !== 'object') return '{}';
  return `{${Object.keys(filter as object).sort().join(',')}}`;
}

/** "find inbox {pid,status}": command, collection and filter shape of one OP_MSG, or null. */
function shapeOf(msg: Buffer): string | null {
  if (msg.readInt32LE(12) !== OP_MSG || msg[20] !== 0) return null;
  try {
    const len = msg.readInt32LE(21);
    const body = deserialize(msg.subarray(21, 21 + len)) as Record<string, unknown>;
    const name = Object.keys(body)[0];
    if (name === undefined || UPKEEP.has(name)) return null;
    const coll = String(body[name]);
    const first = (list: unknown, key: string) => (Array.isArray(list) && list[0] ? (list[0] as Record<string, unknown>)[key] : undefined);
    const filter = body.filter ?? body.query ?? first(body.updates, 'q') ?? first(body.deletes, 'q');
    const n = Array.isArray(body.documents) ? ` ×${body.documents.length > 1 ? 'n' : '1'}` : '';
    return `${name} ${coll}${filter !== undefined ? ` ${keysOf(filter)}` : ''}${body.sort ? ' sorted' : ''}${n}`;
  } catch {
    return null;
  }
}

/** Start a proxy on 127.0.0.1 to `target`. */
export async function startDbProxy(target: { host: string; port: number }): Promise<DbProxy> {
  const byCommand = new Map<string, number>();
  const profile = new Map<string, { count: number; ms: number }>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client); sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let replies = Buffer.alloc(0);
    const started = new Map<number, { shape: string; t0: number }>();
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16) {
        const len = pending.readInt32LE(0);
        if (pending.length < len) break;
        const name = commandName(pending.subarray(0, len));
        if (name) byCommand.set(name, (byCommand.get(name) ?? 0) + 1);
        const shape = shapeOf(pending.subarray(0, len));
        if (shape) started.set(pending.readInt32LE(4), { shape, t0: performance.now() });
        pending = pending.subarray(len);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      replies = replies.length ? Buffer.concat([replies, chunk]) : chunk;
      while (replies.length >= 16) {
        const len = replies.readInt32LE(0);
        if (replies.length < len) break;
        const req = started.get(replies.readInt32LE(8)); // responseTo
        if (req) {
          started.delete(replies.readInt32LE(8));
          const p = profile.get(req.shape) ?? { count: 0, ms: 0 };
          p.count++; p.ms += performance.now() - req.t0;
          profile.set(req.shape, p);
        }
        replies = replies.subarray(len);
      }
    });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end); upstream.on('close', end);
    client.on('error', end); upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    byCommand,
    profile,
    ops: () => [...byCommand.entries()].filter(([n]) => !UPKEEP.has(n)).reduce((s, [, c]) => s + c, 0),
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
