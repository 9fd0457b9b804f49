/**
 * Each person's work, held in memory by the instance that recorded it: the updates it
 * accepted and has not processed yet, in arrival order, decoded (no inbox read per message).
 * The durable inbox holds the same updates sealed, for recovery after a crash (recovery.ts).
 * Bounded by the backlog (backpressure.ts): every entry counts against it until processed.
 */
import type { Inbound } from '../../channels/types';
import type { Backlog } from '../backpressure';

/** One accepted update of a person. */
export interface QueuedUpdate {
  /** The inbox key (channel:updateId). */
  key: string;
  inbound: Inbound;
  /** Failed processing attempts so far (database trouble). */
  attempts: number;
}

/** Per-person queues of accepted updates. */
export class PersonQueues {
  private readonly byPid = new Map<string, QueuedUpdate[]>();
  private readonly keys = new Set<string>();

  constructor(private readonly backlog: Backlog) {}

  /** Add an update at the end of the person's queue (a key already held is not added twice). */
  push(pid: string, update: QueuedUpdate): void {
    if (this.keys.has(update.key)) return;
    const q = this.byPid.get(pid);
    if (q) q.push(update);
    else this.byPid.set(pid, [update]);
    this.keys.add(update.key);
    this.backlog.added();
  }

  /** The person's oldest update held here. */
  head(pid: string): QueuedUpdate | undefined {
    return this.byPid.get(pid)?.[0];
  }

  /** True when this instance holds the update. */
  holds(key: string): boolean {
    return this.keys.has(key);
  }

  /** The held update with this key, if any. */
  find(pid: string, key: string): QueuedUpdate | undefined {
    return this.byPid.get(pid)?.find((u) => u.key === key);
  }

  /** True when the person has updates held here. */
  has(pid: string): boolean {
    return this.byPid.has(pid);
  }

  /** Done with one update (processed, or given up). */
  remove(pid: string, key: string): void {
    const q = this.byPid.get(pid);
    const i = q ? q.findIndex((u) => u.key === key) : -1;
    if (!q || i < 0) return;
    q.splice(i, 1);
    if (q.length === 0) this.byPid.delete(pid);
    this.keys.delete(key);
    this.backlog.done();
  }

  /** Forget the person's updates (another instance processed them). */
  clear(pid: string): void {
    for (const u of [...(this.byPid.get(pid) ?? [])]) this.remove(pid, u.key);
  }
}

/**
 * Runs each person's work one at a time, in order, with at most `maxActive` people at once in
 * this process. More would only queue database operations behind the connection pool while
 * each holds its update, replies and lock in memory: a burst then costs memory, not speed.
 */
export class PerPersonRunner {
  private readonly chains = new Map<string, Promise<void>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly maxActive: number) {}

  /** True while work for the person is chained here. */
  busy(pid: string): boolean {
    return this.chains.has(pid);
  }

  /** Chain fn after the person's earlier work; errors are handed to onError. */
  run(pid: string, fn: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
    const prev = this.chains.get(pid) ?? Promise.resolve();
    const next = prev.then(() => this.withSlot(fn)).catch(onError);
    this.chains.set(pid, next);
    void next.finally(() => { if (this.chains.get(pid) === next) this.chains.delete(pid); });
    return next;
  }

  /** Everything chained now, settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async withSlot(fn: () => Promise<void>): Promise<void> {
    if (this.active >= this.maxActive) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
