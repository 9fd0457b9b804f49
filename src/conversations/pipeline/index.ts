/**
 * The conversation pipeline: receive → (acknowledge) → claim → step → deliver.
 *
 * - receive (here): the danger check first (dangerLane.ts: the emergency reply leaves at
 *   once, ahead of any backlog), backpressure, then the update is recorded durably in the
 *   inbox (unique channel+updateId, the inbound sealed; group commit) and put in the person's
 *   queue in memory (queues.ts). The webhook answers 2xx once that write succeeded; a
 *   redelivered update is found in the seen log or hits the unique key and is answered once.
 * - claim (here): one update at a time per person, under the person's lock (one writer per
 *   conversation across instances and with the console). Which update: the head of the
 *   person's queue in memory when this instance is alone on the database and has adopted
 *   every orphan (recovery.ts, membership.ts); else the oldest pending in the inbox.
 * - step (step.ts): load, run the pure engine, save state and the sealed results in one write.
 * - deliver (deliver.ts): results to the outbox and the sinks; then the update is marked seen
 *   (that says "moved") and leaves the inbox.
 * - recover (recovery.ts): a crashed instance's updates are adopted from the inbox.
 *
 * Invariants the tests check (test/integration/conversations, test/integration/reliability):
 * every acknowledged update is answered once (crash, outage, two instances, redelivery); a
 * person's updates are processed in arrival order; an update whose step was saved is never
 * applied twice (recentUpdates) and its results are moved exactly once (seen log, dedupe keys).
 */
import type { Inbound } from '../../channels/types';
import type { EngineConfig, FlowSet, LineStatus } from '../../engine';
import { text } from '../../engine';
import { log } from '../../observability/log';
import { metrics } from '../../observability/metrics';
import type { Outbox } from '../../outbox';
import { FieldCipher, pseudonymousId } from '../../shared/crypto';
import { Backlog, BacklogFullError, BacklogLimits, DEFAULT_BACKLOG } from '../backpressure';
import { DangerLane } from '../dangerLane';
import { EmergencyMemory } from '../emergencyMemory';
import { withPidLock } from '../pidLock';
import { inboxKey, InboxDoc, oldestPendingOf, recordAttempt, recordInbox, removeFromInbox, seenBefore } from '../store';
import type { EventSink } from '../types';
import { markSeen } from './deliver';
import { Membership } from './membership';
import { PerPersonRunner, PersonQueues } from './queues';
import { Recovery, RECOVERY_EVERY_MS } from './recovery';
import { Stepper } from './step';

const MAX_ATTEMPTS = 20;
/**
 * People processed at once in this process (see PerPersonRunner). The database takes about
 * its pool's worth of operations at a time; more people at once only lengthen each turn of
 * the event loop, and then new connections (a person in danger's among them) wait to be
 * accepted. Measured with `npm run bench` (throughput, danger): 32 → 8 kept 38-41 msg/s,
 * raised acknowledgements from about 115 to 199/s and took the emergency reply's p99 under
 * a 5,000-message backlog from 1.2-1.6 s to 0.3 s.
 */
const MAX_ACTIVE = 8;

/** What the pipeline needs. */
export interface PipelineDeps {
  flows: FlowSet;
  engineConfig: EngineConfig;
  pseudonymKey: string;
  cipher: FieldCipher;
  outbox: Outbox;
  sinks: EventSink[];
  /** The counsellor line (handoff's snapshot, and a fresh count), so the bot says the truth before a request. */
  line?: { current(): LineStatus | undefined; fresh(): Promise<LineStatus | undefined> };
  /** Time zone in which a blocked person is told until when (TZ_REPORTS; default Asia/Ho_Chi_Minh). */
  timeZone?: string;
  /** Who got the emergency reply by the priority lane (shared with the webhook fallback). */
  emergencies?: EmergencyMemory;
  /** Bounded backlog (default DEFAULT_BACKLOG). */
  backlog?: BacklogLimits;
}

/** What receive() says: recorded now, or seen before. */
export interface ReceiveResult { status: 'accepted' | 'duplicate'; pid: string }

/** What one claim under the lock did. */
type Claimed = 'processed' | 'none' | 'retry';

/** Orchestrates one conversation step per inbound update. */
export class ConversationPipeline {
  /** Accepted here, not processed yet (backpressure). */
  readonly backlog: Backlog;
  private readonly queues: PersonQueues;
  private readonly runner = new PerPersonRunner(MAX_ACTIVE);
  private readonly lane: DangerLane;
  private readonly stepper: Stepper;
  private readonly membership: Membership;
  private readonly recovery: Recovery;
  /** People whose next updates are found through the inbox (orphans adopted from a crashed instance). */
  private readonly adopted = new Set<string>();
  /** Failed turns in a row per person (database trouble), for the retry's back-off. */
  private readonly failures = new Map<string, number>();
  private ready: Promise<void> = Promise.resolve();
  private loop: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: PipelineDeps) {
    this.backlog = new Backlog(deps.backlog ?? DEFAULT_BACKLOG);
    this.queues = new PersonQueues(this.backlog);
    const memory = deps.emergencies ?? new EmergencyMemory();
    this.stepper = new Stepper({
      ...deps, answeredEarly: (inbound) => this.lane.answered(inbound), sealAddress: (a) => deps.cipher.seal(a),
    });
    this.lane = new DangerLane({ flows: deps.flows, engineConfig: deps.engineConfig, outbox: deps.outbox, memory, langOf: (pid) => this.stepper.langOf(pid) });
    this.membership = new Membership(() => { this.recovery.becameAlone(); void this.recoverOnce(); });
    const membership = this.membership;
    this.recovery = new Recovery({
      get alone() { return membership.alone; },
      get leader() { return membership.leader; },
      holds: (key) => this.queues.holds(key),
      busy: (pid) => this.runner.busy(pid),
      adopt: (pid) => this.adopt(pid),
    });
  }

  /** The pid of a person on a channel. */
  pidOf(inbound: Pick<Inbound, 'channel' | 'channelUserId'>): string {
    return pseudonymousId(this.deps.pseudonymKey, inbound.channel, inbound.channelUserId);
  }

  /**
   * Check for danger (the emergency reply goes out at once), then record the update durably.
   * Throws BacklogFullError when this instance's backlog is full and the update is not
   * danger, and the database's error when it is unreachable (the caller answers 503).
   */
  async receive(received: Inbound): Promise<ReceiveResult> {
    // Our clock, not the channel's: message dates can be skewed, and a redelivery hours
    // later must not look like activity in the past (inactivity restarts, episodes).
    const inbound: Inbound = { ...received, at: new Date() };
    const pid = this.pidOf(inbound);
    const danger = this.lane.onReceived(pid, inbound);
    if (!danger && this.backlog.full) {
      metrics.backlogRefused.inc({ channel: inbound.channel });
      const lang = this.stepper.langOf(pid) ?? this.deps.engineConfig.defaultLang;
      throw new BacklogFullError(this.backlog.limits.retryAfterSeconds, text(this.deps.flows, lang, 'system.busy'));
    }
    const key = inboxKey(inbound.channel, inbound.updateId);
    const recorded = this.backlog.recordingOne();
    let outcome: 'inserted' | 'duplicate' | 'seen';
    try {
      // Processed before (seen log), or recorded and still in flight (the inbox's unique _id).
      outcome = this.queues.holds(key) ? 'duplicate' : (await seenBefore(key)) ? 'seen' : await recordInbox(this.inboxRow(key, pid, inbound));
    } finally {
      recorded();
    }
    if (outcome !== 'inserted') {
      metrics.duplicates.inc({ channel: inbound.channel });
      // In the inbox but not in memory (its first delivery's write landed, then failed to
      // answer): adopt it, or an alone instance would never look at it.
      if (outcome === 'duplicate' && !this.queues.holds(key) && this.recovery.memoryIsWhole) this.adopt(pid);
      return { status: 'duplicate', pid };
    }
    metrics.inbound.inc({ channel: inbound.channel });
    this.queues.push(pid, { key, inbound, attempts: 0 });
    void this.kick(pid);
    return { status: 'accepted', pid };
  }

  /** Process the person's updates, one at a time, in arrival order. */
  kick(pid: string): Promise<void> {
    return this.runner.run(pid, () => this.drain(pid), (err) => this.failed(pid, err));
  }

  /**
   * The person's turn failed before an update was processed (the database unreachable while
   * taking the lock or reading): look again later, backing off. An alone instance's recovery
   * scan skips what this instance holds in memory, so this retry is what brings it back.
   */
  private failed(pid: string, err: unknown): void {
    const n = (this.failures.get(pid) ?? 0) + 1;
    this.failures.set(pid, n);
    log.error('processing failed; it will be retried', { pid, failures: n, err });
    if (this.stopped || !(this.queues.has(pid) || this.adopted.has(pid))) { this.failures.delete(pid); return; }
    setTimeout(() => { void this.kick(pid); }, backoffMs(n)).unref();
  }

  /** Join the instances on this database and start the recovery scans. */
  start(): void {
    this.stopped = false;
    this.ready = this.membership.join();
    const loop = async () => {
      if (this.stopped) return;
      try { await this.recoverOnce(); } catch (err) { log.warn('inbox recovery failed', { err }); }
      if (!this.stopped) this.loop = setTimeout(loop, RECOVERY_EVERY_MS);
    };
    void this.ready.then(loop);
  }

  /** Stop recovering, wait for in-flight processing, and leave (another instance adopts what is left). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.loop) clearTimeout(this.loop);
    await this.runner.idle();
    await this.membership.leave();
  }

  /** One recovery scan (recovery.ts). Returns how many people it started processing. */
  recoverOnce(): Promise<number> {
    return this.recovery.once();
  }

  private adopt(pid: string): void {
    this.adopted.add(pid);
    void this.kick(pid);
  }

  private inboxRow(key: string, pid: string, inbound: Inbound): InboxDoc {
    return {
      _id: key, channel: inbound.channel, updateId: inbound.updateId, pid, status: 'pending', attempts: 0, lockedUntil: null,
      inboundSealed: this.deps.cipher.seal(JSON.stringify(inbound)), receivedAt: new Date(), processedAt: null,
    };
  }

  private async drain(pid: string): Promise<void> {
    await this.ready;
    for (let guard = 0; guard < 1000; guard++) {
      if (this.stopped) return; // shutting down: finish the current update only; the rest stays pending
      // One update per lock hold, so a counsellor's action on this conversation waits for one
      // step at most (see pidLock.ts for why a lock and not a version check).
      const claimed = await withPidLock(pid, () => this.claimNext(pid), { waitMs: 3_000, skipIfBusy: true });
      this.failures.delete(pid);
      if (claimed === 'none') return;
      // Processed one: go on while this instance holds more of the person's updates, or
      // adopted them (then until the inbox has none left).
      if (claimed === 'processed' && !this.queues.has(pid) && !this.adopted.has(pid)) return;
      if (claimed === undefined || claimed === 'retry') {
        // Busy elsewhere (another instance, a counsellor's action), or database trouble: look
        // again later; the recovery scan is the backstop when this instance is gone.
        if (!this.stopped) setTimeout(() => { void this.kick(pid); }, this.retryDelay(pid, claimed)).unref();
        return;
      }
    }
  }

  private retryDelay(pid: string, claimed: Claimed | undefined): number {
    if (claimed === undefined) return 250;
    return backoffMs(this.queues.head(pid)?.attempts ?? 1);
  }

  /** Under the person's lock: process their next update. */
  private async claimNext(pid: string): Promise<Claimed> {
    if (this.recovery.memoryIsWhole && !this.adopted.has(pid)) {
      const head = this.queues.head(pid);
      return head ? this.process(pid, head.key, head.inbound, head.attempts) : 'none';
    }
    const row = await oldestPendingOf(pid);
    if (!row) {
      // Nothing pending: what this instance still held was processed by another one.
      this.queues.clear(pid);
      this.adopted.delete(pid);
      return 'none';
    }
    const held = this.queues.find(pid, row._id);
    if (held) return this.process(pid, held.key, held.inbound, held.attempts);
    let inbound: Inbound;
    try {
      inbound = JSON.parse(this.deps.cipher.open(row.inboundSealed ?? '')) as Inbound;
      inbound.at = new Date(inbound.at);
    } catch (err) {
      log.error('inbox row unreadable; marked failed', { pid, err });
      await recordAttempt(row._id, (row.attempts ?? 0) + 1, true);
      return 'processed';
    }
    return this.process(pid, row._id, inbound, row.attempts ?? 0);
  }

  /** Step one update, mark it seen, take it out of the inbox and out of memory. */
  private async process(pid: string, key: string, inbound: Inbound, attemptsBefore: number): Promise<Claimed> {
    try {
      await this.stepper.apply(pid, inbound);
    } catch (err) {
      // Database trouble: keep the update for a later attempt, but not forever.
      const attempts = attemptsBefore + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      const held = this.queues.find(pid, key);
      if (held) held.attempts = attempts;
      await recordAttempt(key, attempts, failed).catch(() => undefined);
      if (failed) {
        log.error('update failed too often; given up', { pid, attempts });
        this.queues.remove(pid, key);
        return 'processed';
      }
      log.warn('processing failed; retried later', { pid, attempts, err });
      return 'retry';
    }
    // Seen first, then out of the inbox: a crash in between leaves the row pending, and its
    // re-run is stopped by recentUpdates (no second reply).
    await markSeen(key);
    await removeFromInbox(key);
    this.queues.remove(pid, key);
    return 'processed';
  }
}

/** Wait before retrying after the n-th failure in a row: 1 s, 2 s, 4 s, 8 s, then 10 s. */
function backoffMs(n: number): number {
  return Math.min(10_000, 500 * 2 ** Math.min(5, n));
}
