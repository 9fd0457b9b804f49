/**
 * Process entry: config → logger → service; stops gracefully on SIGTERM/SIGINT within
 * 10 s (then exits anyway), so no embedded database process is left behind.
 */
import { ConfigError, loadConfig } from './config';
import { DevDbError } from './db/devdb';
import { configureLogger, log } from './observability/log';
import { RunningService, startService } from './server';

const SHUTDOWN_LIMIT_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  configureLogger({ level: config.logLevel, json: config.env === 'production' });
  const service: RunningService = await startService(config);
  process.stdout.write(`GBV hotline chatbot ready on http://localhost:${service.port} (web chat: /chat, console: /console)\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const hard = setTimeout(() => { log.error('shutdown took too long; exiting'); process.exit(1); }, SHUTDOWN_LIMIT_MS);
    hard.unref();
    service.close().then(() => process.exit(0), (err) => { log.error('shutdown failed', { err }); process.exit(1); });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }));
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof DevDbError;
  process.stderr.write(`Cannot start: ${known ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
