/**
 * Database connection: MONGODB_URI when set (any MongoDB), otherwise the embedded
 * development database started here and stopped on close.
 */
import mongoose from 'mongoose';
import { log } from '../observability/log';
import { DevDb, startDevDb } from './devdb';

/**
 * Connections to the embedded database. Measured with `npm run bench` on a fresh database,
 * reply latency at 100 messages/s (p50 / p99): 4 connections 71 / 510 ms to 1,248 / 4,484 ms
 * (at its limit), 8: 34 / 148 ms, 16: 32 / 142 ms. But right after a heavy burst, with 8 or
 * 16 connections even 50 messages/s took 7-12 s per reply for a while (with 4: 12 / 25 ms),
 * likely SQLite's WAL growing while many readers keep it from being checkpointed. 4 degrades
 * gently; raise MONGODB_POOL_SIZE only with measurements of your own load.
 */
const EMBEDDED_POOL_SIZE = 4;

/** An open database connection and how to close it (and the embedded server, if any). */
export interface Database {
  connection: mongoose.Connection;
  uri: string;
  devdb?: DevDb;
  close(): Promise<void>;
}

/**
 * Connect. With no mongoUri, start the embedded database with data under dataDir.
 * Short server-selection timeouts so an outage is noticed (and /readyz turns 503) quickly.
 */
export async function connectDatabase(opts: { mongoUri?: string; dataDir: string; poolSize?: number; devdbMaxRestarts?: number }): Promise<Database> {
  let devdb: DevDb | undefined;
  let uri = opts.mongoUri;
  if (!uri) {
    devdb = await startDevDb({ dataDir: opts.dataDir, maxRestarts: opts.devdbMaxRestarts });
    uri = devdb.uri;
    log.info('embedded database started', { port: devdb.port });
  }
  mongoose.set('strictQuery', true);
  // Mongoose buffers commands while disconnected by default; we want fast failures instead,
  // so a webhook gets 503 (and is redelivered) rather than hanging.
  mongoose.set('bufferCommands', false);
  try {
    const maxPoolSize = opts.poolSize ?? (devdb ? EMBEDDED_POOL_SIZE : 20);
    await mongoose.connect(uri, { serverSelectionTimeoutMS: 3000, socketTimeoutMS: 20_000, maxPoolSize, autoIndex: true });
  } catch (err) {
    await devdb?.stop();
    throw err;
  }
  const connection = mongoose.connection;
  downSince = null;
  connection.on('disconnected', () => { downSince ??= Date.now(); log.warn('database disconnected'); });
  connection.on('reconnected', () => { downSince = null; log.info('database reconnected'); });
  connection.on('connected', () => { downSince = null; });
  return {
    connection,
    uri,
    devdb,
    async close() {
      await mongoose.disconnect().catch(() => undefined);
      await devdb?.stop();
    },
  };
}

/** Since when the database has been unreachable (null: reachable), from the driver's events and pings. */
let downSince: number | null = null;

/** How long the database has been unreachable now (0 when it answers). For /healthz. */
export function databaseDownForMs(now = Date.now()): number {
  return downSince === null ? 0 : now - downSince;
}

/** True when the database answers a ping within the timeout. Used by /readyz (and /healthz's clock). */
export async function pingDatabase(timeoutMs = 1500): Promise<boolean> {
  const db = mongoose.connection.db;
  const up = db && mongoose.connection.readyState === 1 ? await ping(db, timeoutMs) : false;
  if (up) downSince = null;
  else downSince ??= Date.now();
  return up;
}

async function ping(db: NonNullable<typeof mongoose.connection.db>, timeoutMs: number): Promise<boolean> {
  try {
    await Promise.race([
      db.admin().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Create every model's indexes (autoIndex is on, but we wait for them before serving). */
export async function ensureIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((m) => m.createIndexes()));
}
