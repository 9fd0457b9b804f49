/**
 * The composition of the areas: builds each area's services from the config and
 * returns the routers to mount and the workers to start. The only place (with
 * server.ts and main.ts) where concrete adapters are wired together.
 */
import { Config } from './config';
import { Mount } from './app';

/** What the areas give the server. */
export interface Wired {
  mounts: Mount[];
  /** Start background workers (outbox, inbox recovery, cron jobs). */
  start(): void;
  /** Stop them, waiting for in-flight work. */
  stop(): Promise<void>;
}

/** Wire every area. */
export async function wireAreas(_config: Config): Promise<Wired> {
  return { mounts: [], start() {}, async stop() {} };
}
