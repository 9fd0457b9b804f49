/**
 * tools/devdb adds to every collection's SQLite table an index on the expression FerretDB
 * looks `_id` up with. A collection dropped and created again under the same table name
 * loses the index with its old table; the launcher must add it again. Read straight from
 * the SQLite file with the sqlite3 command (the catalogue, not a timing).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { DevDb, startDevDb } from '../../../src/db/devdb';
import { tempDir } from '../../support/service';

let db: DevDb;
let conn: mongoose.Connection;
const data = tempDir('gbv-devdb-index-');

beforeAll(async () => {
  db = await startDevDb({ dataDir: data.dir, dbName: 'idx' });
  conn = await mongoose.createConnection(db.uri).asPromise();
}, 120_000);
afterAll(async () => { await conn?.close(); await db?.stop(); data.cleanup(); });

const sqlite = (sql: string) => execFileSync('sqlite3', [path.join(data.dir, 'idx.sqlite'), sql]).toString().trim();
const tableOf = (collection: string) => sqlite(`SELECT table_name FROM _ferretdb_collections WHERE name = '${collection}'`);
const hasIdIndex = (table: string) => sqlite(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '${table}_id_lookup'`) === '1';

async function until(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('adds the _id index again when a collection is dropped and created anew', async () => {
  await conn.collection('things').insertOne({ _id: 'a' } as never);
  const table = tableOf('things');
  expect(table).not.toBe('');
  await until(() => hasIdIndex(table), 15_000);

  await conn.collection('things').drop();
  await conn.collection('things').insertOne({ _id: 'b' } as never);
  expect(tableOf('things')).toBe(table); // same table name, new table
  await until(() => hasIdIndex(table), 15_000);
  expect(await conn.collection('things').findOne({ _id: 'b' } as never)).toMatchObject({ _id: 'b' });
}, 60_000);
