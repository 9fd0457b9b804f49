/**
 * `node dist/bench/dbCeilings.js`: the ceiling of each database operation the message path
 * uses, alone on the embedded database (no app): for each, as many as 16 callers at once can
 * do in 5 s, in operations per second. The issue asked for these where a goal cannot be met,
 * so the note can say what the database itself allows. Loopback only; stops by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startDevDb } from '../src/db/devdb';

const CALLERS = 16;
const SECONDS = 5;

async function rate(name: string, op: (i: number) => Promise<unknown>): Promise<void> {
  let n = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CALLERS }, async () => { while (Date.now() < end) await op(n++); }));
  process.stdout.write(`  ${name.padEnd(40)} ${Math.round(n / SECONDS)}/s\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gbv-dbceil-'));
  const db = await startDevDb({ dataDir: dir });
  const conn = await mongoose.createConnection(db.uri, { maxPoolSize: CALLERS }).asPromise();
  try {
    const c = conn.collection<{ _id: string; v: number; pad: string }>('ceil');
    const pad = 'x'.repeat(400);
    await c.insertMany(Array.from({ length: 50_000 }, (_, i) => ({ _id: `seed${i}`, v: 0, pad })));
    process.stdout.write(`database operations alone, ${CALLERS} at once, ${SECONDS} s each, 50,000 documents present\n`);
    await rate('insert one', (i) => c.insertOne({ _id: `a${i}`, v: i, pad }));
    await rate('insertMany of 50 documents (calls)', (i) => c.insertMany(Array.from({ length: 50 }, (_, k) => ({ _id: `b${i}:${k}`, v: k, pad }))));
    await rate('find one by _id', (i) => c.findOne({ _id: `seed${i % 50_000}` }));
    await rate('findOneAndUpdate by _id ($set, $inc)', (i) => c.findOneAndUpdate({ _id: `seed${i % 50_000}` }, { $set: { pad }, $inc: { v: 1 } }));
    await rate('updateOne by _id', (i) => c.updateOne({ _id: `seed${i % 50_000}` }, { $inc: { v: 1 } }));
    await rate('deleteOne by _id', (i) => c.deleteOne({ _id: `a${i}` }));
    await rate('find by a non-_id field (whole read)', (i) => c.findOne({ v: -1 - (i % 7) }));
  } finally {
    await conn.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { process.stderr.write(`${String(err?.stack ?? err)}\n`); process.exit(1); });
