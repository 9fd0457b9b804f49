/**
 * Group commit: inserts into one collection gathered for a few milliseconds and written with
 * one `insertMany` (unordered). On the embedded database every write is its own SQLite
 * transaction and round trip (about 2,400 single inserts/s, while an insertMany of 50 takes
 * about 10 ms); on MongoDB it saves round trips alike. Each caller still learns the fate of
 * its own document (inserted, duplicate key, or the error), so unique-key logic (dedupe,
 * one-time marks) works as with single inserts.
 */
import type mongoose from 'mongoose';

type Outcome = 'inserted' | 'duplicate';
interface Waiter { doc: Record<string, unknown>; resolve(o: Outcome): void; reject(e: unknown): void }

/** Batches of inserts into one collection. */
export class GroupInsert {
  private batch: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `model`: whose collection; `windowMs`: how long the first document waits for company; `max`: batch size that flushes at once. */
  constructor(private readonly model: () => mongoose.Model<never>, private readonly windowMs = 3, private readonly max = 200) {}

  /** Insert one document (complete: no schema defaults are applied); resolves once its batch is written. */
  insert(doc: Record<string, unknown>): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.batch.push({ doc, resolve, reject });
      if (this.batch.length >= this.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    this.model().collection.insertMany(batch.map((w) => w.doc), { ordered: false }).then(
      () => { for (const w of batch) w.resolve('inserted'); },
      (err: { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }) => {
        const list = err.writeErrors === undefined ? null : Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
        if (!list) { for (const w of batch) w.reject(err); return; } // nothing known per document: every caller retries
        const failed = new Map(list.map((e) => [e.index, e.code]));
        batch.forEach((w, i) => {
          if (!failed.has(i)) w.resolve('inserted');
          else if (failed.get(i) === 11000) w.resolve('duplicate');
          else w.reject(err);
        });
      },
    );
  }
}
