/**
 * `npm run devdb -- --port P --data DIR`: run the embedded database in the foreground so
 * anyone can point a MongoDB client (mongosh, Compass) at the local data. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { DevDbError, startDevDb } from './devdb';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '27017' }, data: { type: 'string', default: process.env.DATA_DIR ?? './data' } } });
  const db = await startDevDb({ dataDir: values.data!, port: Number(values.port) });
  process.stdout.write(`embedded database listening: ${db.uri} (data in ${values.data}); Ctrl-C to stop\n`);
  const stop = () => { void db.stop().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  db.process.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof DevDbError ? err.message : String(err)}\n`);
  process.exit(1);
});
