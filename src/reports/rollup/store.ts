/**
 * The rollup's collections, all read and written by `_id` except the small `rollup` itself:
 * - `rollup`: one cell per (month, channel, province) with its counters `n` (a few hundred
 *   per month, however many cases);
 * - `case_counted`: per case (`_id` = the case's `_id`), the contribution the cells hold for it;
 * - `rollup_journal`: at most one document, the batch being applied (see fold.ts).
 * Raw driver calls, not mongoose casting: `$inc` on `n.<key>` must reach the server as is.
 */
import type { mongo } from 'mongoose';
import { defineModel, Schema } from '../../db/model';
import { cellOf } from './contribution';

/** A rollup cell, e.g. `{ _id: '["2026-03","zalo","ha-noi"]', month: '2026-03', channel: 'zalo', province: 'ha-noi', n: { cases: 12, 'role:affected': 7, … }, lastBatch: '…' }`. */
export interface CellDoc {
  _id: string;
  month: unknown;
  channel: unknown;
  province: unknown;
  n: Record<string, number>;
  /** The last fold batch applied to this cell: a batch resumed after a crash skips it. */
  lastBatch: string;
}

/** What the cells hold for one case (`cell` null: the case is gone and counted nowhere). */
export interface CountedDoc {
  _id: string;
  cell: string;
  keys: string[];
}

/** The batch being applied: written before any cell changes, deleted once all is done. */
export interface JournalDoc {
  _id: 'current';
  batch: string;
  at: Date;
  /** Change markers this batch consumes (deleted at its end). */
  markers: string[];
  /** Counter changes per cell. */
  cells: { _id: string; inc: Record<string, number> }[];
  /** New contributions (`gone`: the case no longer exists). */
  counted: { _id: string; cell: string; keys: string[]; gone?: boolean }[];
  /** Cases the batch looked at (for the folder's figures). */
  cases: number;
  /** Absent until the cells are done; then the step to go on with, and how many of its items are done. */
  stage?: 'counted' | 'markers';
  done?: number;
}

/** A model with no schema of its own: only its collection is used. */
const loose = (name: string, collection: string) => defineModel<mongo.Document>(name, collection, new Schema({}, { strict: false, versionKey: false }));
const CellModel = loose('RollupCell', 'rollup');
const CountedModel = loose('CaseCounted', 'case_counted');
const JournalModel = loose('RollupJournal', 'rollup_journal');
const cells = () => CellModel.collection as unknown as mongo.Collection<CellDoc>;
const counted = () => CountedModel.collection as unknown as mongo.Collection<CountedDoc>;
const journal = () => JournalModel.collection as unknown as mongo.Collection<JournalDoc>;

/** Cells of the given months (a scan of the small `rollup` collection). */
export async function readCells(months: readonly string[]): Promise<CellDoc[]> {
  return cells().find({ month: { $in: [...months] } }).toArray() as Promise<CellDoc[]>;
}

/** The server's plan for readCells (the benchmark shows it). */
export async function explainCells(months: readonly string[]): Promise<mongo.Document> {
  return cells().find({ month: { $in: [...months] } }).explain();
}

/** One cell, or null. */
export async function findCell(id: string): Promise<CellDoc | null> {
  return cells().findOne({ _id: id });
}

/** Apply counter changes to a cell and mark it as done for `batch`: ONE update, so both land or neither. */
export async function incCell(id: string, inc: Record<string, number>, batch: string): Promise<void> {
  const n = Object.fromEntries(Object.entries(inc).map(([k, v]) => [`n.${k}`, v]));
  await cells().updateOne({ _id: id }, { $inc: n, $set: { ...cellOf(id), lastBatch: batch } }, { upsert: true });
}

/** What the cells hold for a case, or null. */
export async function readCounted(id: string): Promise<CountedDoc | null> {
  return counted().findOne({ _id: id });
}

/** Record what the cells now hold for a case. */
export async function setCounted(id: string, cell: string, keys: string[]): Promise<void> {
  await counted().updateOne({ _id: id }, { $set: { cell, keys } }, { upsert: true });
}

/** Forget a case the cells no longer hold. */
export async function deleteCounted(id: string): Promise<void> {
  await counted().deleteOne({ _id: id });
}

/** The unfinished batch, or null. */
export async function readJournal(): Promise<JournalDoc | null> {
  return journal().findOne({ _id: 'current' });
}

/** Write the journal of a new batch. */
export async function insertJournal(j: JournalDoc): Promise<void> {
  await journal().insertOne(j);
}

/**
 * Record how far the batch got, so a resumed batch skips finished work. The filter names
 * the batch (cheap: the collection holds one document) so a late write of a stalled folder
 * can never touch another batch's journal.
 */
export async function setJournalProgress(batch: string, stage: 'counted' | 'markers', done: number): Promise<void> {
  await journal().updateOne({ _id: 'current', batch }, { $set: { stage, done } });
}

/** The batch is fully applied. */
export async function deleteJournal(batch: string): Promise<void> {
  await journal().deleteOne({ _id: 'current', batch });
}

/** Empty the rollup, the counted contributions and the journal (rebuild only). */
export async function clearRollup(): Promise<void> {
  await Promise.all([cells().deleteMany({}), counted().deleteMany({}), journal().deleteMany({})]);
}

/** Insert counted contributions (rebuild and benchmark seeding). */
export async function insertCounted(docs: CountedDoc[]): Promise<void> {
  if (docs.length) await counted().insertMany(docs, { ordered: false });
}

/** Insert whole cells from counters computed in memory (rebuild and benchmark seeding). */
export async function insertCells(totals: Map<string, Map<string, number>>, batch: string): Promise<void> {
  const docs: CellDoc[] = [...totals].map(([id, keys]) => ({
    _id: id, ...cellOf(id), n: Object.fromEntries([...keys].filter(([, v]) => v !== 0)), lastBatch: batch,
  }));
  for (let i = 0; i < docs.length; i += 1000) await cells().insertMany(docs.slice(i, i + 1000), { ordered: false });
}
