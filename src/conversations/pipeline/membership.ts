/**
 * Which instances run the pipeline on this database, and so how a person's next update is
 * found (claim, in index.ts):
 * - alone: this instance recorded every update in flight, so each person's queue in its
 *   memory is the whole truth: the next update is the head of that queue, no inbox query;
 * - shared (two or more alive): a person's updates may have been recorded by any of them, so
 *   the next one is the oldest pending in the inbox, asked under the person's lock (one query
 *   per message; the same protocol as before issue 16, which keeps cross-instance order).
 * Each instance writes a heartbeat row every BEAT_MS, alive for ALIVE_MS; a crashed one drops
 * out after at most ALIVE_MS, a stopped one at once (it leaves).
 * An instance that joins others waits JOIN_WAIT_MS before it processes anything, so that
 * the others have seen it and stopped taking updates from memory alone.
 */
import { randomUUID } from 'node:crypto';
import { log } from '../../observability/log';
import { aliveInstances, beat, leave } from '../store';

export const BEAT_MS = 2_000;
export const ALIVE_MS = 6_000;
export const JOIN_WAIT_MS = BEAT_MS + 500;

/** This instance's view of the others. */
export class Membership {
  readonly id = `pipe-${process.pid}-${randomUUID().slice(0, 8)}`;
  private aloneNow = false;
  private others: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `onAlone`: called when this instance becomes the only one alive (time to adopt orphans). */
  constructor(private readonly onAlone: () => void) {}

  /** True when no other instance is alive (known from the last heartbeat round). */
  get alone(): boolean { return this.aloneNow; }

  /** The alive instances, this one included, sorted (the first one scans for orphans). */
  get leader(): boolean { return this.others.every((o) => o > this.id); }

  /** Join: first heartbeat; resolves when this instance may start processing. */
  async join(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      log.warn('pipeline heartbeat failed; processing as one of several', { err });
    }
    this.schedule();
    if (this.others.length > 0) await new Promise((r) => setTimeout(r, JOIN_WAIT_MS));
  }

  /** Stop beating and leave, so another instance adopts what is left at once. */
  async leave(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.aloneNow = false;
    await leave(this.id, new Date()).catch((err) => log.warn('could not leave the pipeline instances', { err }));
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.round().catch((err) => {
        // Unknown: act as one of several (the inbox query is right in every case).
        this.aloneNow = false;
        log.warn('pipeline heartbeat failed', { err });
      }).finally(() => { if (this.timer) this.schedule(); });
    }, BEAT_MS);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const now = new Date();
    await beat(this.id, new Date(now.getTime() + ALIVE_MS));
    this.others = (await aliveInstances(now)).filter((i) => i !== this.id);
    const was = this.aloneNow;
    this.aloneNow = this.others.length === 0;
    if (this.aloneNow !== was) log.info(this.aloneNow ? 'pipeline: alone on the database' : 'pipeline: other instances alive', { instances: this.others.length + 1 });
    if (this.aloneNow && !was) this.onAlone();
  }
}
