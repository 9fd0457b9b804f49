/**
 * Group commit on the real embedded database: inserts gathered into one insertMany, and
 * each caller told its own outcome (inserted, or duplicate key: stored before or twice in
 * the same batch), so unique-key logic such as the inbox dedupe works as with single inserts.
 */
import mongoose from 'mongoose';
import { DevDb, startDevDb } from '../../../src/db/devdb';
import { GroupInsert } from '../../../src/db/groupInsert';
import { defineModel, Schema } from '../../../src/db/model';
import { tempDir } from '../../support/service';

interface Probe { _id: string; n: number }
const Probe = defineModel<Probe>('GroupInsertProbe', 'group_insert_probe', new Schema<Probe>({ _id: String, n: Number }, { versionKey: false }));

let db: DevDb;
const data = tempDir('gbv-group-insert-');
beforeAll(async () => {
  db = await startDevDb({ dataDir: data.dir });
  await mongoose.connect(db.uri);
}, 120_000);
afterAll(async () => { await mongoose.disconnect(); await db?.stop(); data.cleanup(); });

it('writes a burst in batches and tells each caller whether its document was new or a duplicate', async () => {
  await Probe.collection.insertMany([{ _id: 'old-1', n: 0 }, { _id: 'old-2', n: 0 }] as never[]);
  const group = new GroupInsert(() => Probe as never, 5, 40);
  const ids = [...Array.from({ length: 100 }, (_, i) => `new-${i}`), 'old-1', 'old-2', 'new-7', 'new-8'];
  const outcomes = await Promise.all(ids.map((id, n) => group.insert({ _id: id, n })));

  const byId = ids.map((id, i) => [id, outcomes[i]] as const);
  expect(byId.filter(([id]) => id.startsWith('old-')).map(([, o]) => o)).toEqual(['duplicate', 'duplicate']);
  // new-7 and new-8 were offered twice: exactly one of each pair went in.
  for (const id of ['new-7', 'new-8']) expect(byId.filter(([i]) => i === id).map(([, o]) => o).sort()).toEqual(['duplicate', 'inserted']);
  expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(100);
  expect(await Probe.countDocuments({})).toBe(102);
  expect(await Probe.findOne({ _id: 'new-99' }).lean()).toMatchObject({ n: 99 });
}, 60_000);

it('rejects every caller of a batch the database could not take', async () => {
  const group = new GroupInsert(() => Probe as never, 2);
  await mongoose.disconnect();
  try {
    const results = await Promise.allSettled([group.insert({ _id: 'x-1', n: 1 }), group.insert({ _id: 'x-2', n: 2 })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  } finally {
    await mongoose.connect(db.uri);
  }
}, 60_000);
