/**
 * Starts and stops the whole service: database (embedded or MONGODB_URI), the HTTP
 * server, and the workers. main.ts calls it with the process config; integration tests
 * call it with their own config and a fresh data directory.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { Config } from './config';
import { connectDatabase, Database, databaseDownForMs, ensureIndexes, pingDatabase } from './db/connect';
import { log } from './observability/log';
import { wireAreas, Wired } from './wiring';

/** A running service. */
export interface RunningService {
  url: string;
  port: number;
  config: Config;
  db: Database;
  wired: Wired;
  /** Graceful stop: stop accepting, finish in-flight work, stop workers, close the DB (and devdb). */
  close(): Promise<void>;
}

/** Start everything; resolves when the server listens and the database is ready. */
export async function startService(config: Config): Promise<RunningService> {
  for (const line of config.disabledChannels) log.info(line);
  const db = await connectDatabase({ mongoUri: config.mongoUri, dataDir: config.dataDir, poolSize: config.mongoPoolSize, devdbMaxRestarts: config.devdbMaxRestarts });
  let wired: Wired | undefined;
  try {
    await ensureIndexes();
    wired = await wireAreas(config);
    const app = buildApp({
      mounts: wired.mounts, isReady: () => true, trustProxy: config.trustProxy,
      // Not alive once the database has been unreachable too long: let the orchestrator restart us.
      // (each probe also pings in the background, so the clock starts even when nothing else runs)
      isLive: () => { void pingDatabase(); return databaseDownForMs() < config.healthzDbDownMs; },
      metrics: { token: config.metricsToken, production: config.env === 'production' },
    });
    const server = http.createServer(app);
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
    const port = (server.address() as AddressInfo).port;
    wired.start();
    log.info('service listening', { port });
    const w = wired;
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`, port, config, db, wired: w,
      close: () => (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await w.stop();
        const forced = setTimeout(() => server.closeAllConnections(), 3_000);
        await closed;
        clearTimeout(forced);
        await db.close();
        log.info('service stopped');
      })()),
    };
  } catch (err) {
    await wired?.stop().catch(() => undefined);
    await db.close();
    throw err;
  }
}
