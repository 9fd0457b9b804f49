/**
 * The conversation pipeline: record → (acknowledge) → step → persist → outbox → sinks.
 *
 * receive() only records the update durably in the inbox (unique channel+updateId, the
 * inbound sealed) and returns: the webhook answers 2xx once that write succeeded, and a
 * redelivered update hits the unique index and is answered once. Processing follows at
 * once in this process, serialised per pid; a recovery loop picks up rows a crashed
 * instance left behind.
 *
 * Processing one update, under the pid's lock (one writer per conversation across
 * instances): load the conversation, run the pure engine, and save state, version+1 and
 * the step's replies/events (sealed, "pending") in ONE update of the conversation. Then
 * the pending replies go to the outbox (idempotent by dedupe key) and the events to the
 * sinks, and the update moves from the inbox to the insert-only seen log: that insert is
 * what says "pending was moved", so pending is not cleared by a second update (on the
 * embedded FerretDB an update costs several inserts). If we die anywhere in between, the
 * next processing of the pid finds pending whose update is not in the seen log and
 * finishes the move, and `recentUpdates` stops the step from being applied twice.
 *
 * Every read and write here addresses one document by `_id` (see store.ts for why); the
 * only queries by other fields (a pid's pending updates, the recovery scan) run on the
 * inbox, which holds only the updates in flight.
 */
import type { Inbound } from '../channels/types';
import type { ConversationState, EngineConfig, EngineEvent, EngineInput, FlowSet, LineStatus, Reply, StepResult } from '../engine';
import { dangerOf, emergencyReply, initialState, step, text } from '../engine';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import type { Outbox, OutboxItem } from '../outbox';
import { FieldCipher, pseudonymousId } from '../shared/crypto';
import { withPidLock } from './pidLock';
import { Backlog, BacklogFullError, BacklogLimits, DEFAULT_BACKLOG } from './backpressure';
import { DangerLane } from './dangerLane';
import { EmergencyMemory } from './emergencyMemory';
import { DELETE_CHAT_PAYLOAD, handleSystemPayload, offerDeletion } from './system';
import { chatMessageInserts, ChatMessageModel, ConversationDoc, ConversationModel, inboxInserts, inboxKey, InboxModel, InboxSeenModel, seenInserts } from './store';
import type { EventContext, EventSink } from './types';
import { toOutbound } from './outbound';

const RECENT_UPDATES = 30;
const RECOVERY_EVERY_MS = 2_000;
const STALE_PENDING_MS = 5_000;
const MAX_ATTEMPTS = 20;
/**
 * People processed at once in this process. More only queue database operations behind the
 * connection pool while each holds its update, replies and lock in memory; a burst of
 * thousands of chats then costs memory, not speed. Waiting pids cost a closure each.
 */
const MAX_ACTIVE = 32;

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

/** The replies and events of one step, kept sealed on the conversation until moved on. */
interface Pending {
  updateId: string;
  at: string;
  items: { reply: Reply & { deleteMessageIds?: string[] }; priority: 0 | 1 }[];
  events: EngineEvent[];
  lang: string;
  vars: Record<string, string>;
  status: EventContext['status'];
}

/** Orchestrates one conversation step per inbound update. */
export class ConversationPipeline {
  private readonly chains = new Map<string, Promise<void>>();
  /** Updates this instance recorded per pid and has not processed yet (saves a query per message). */
  private readonly waiting = new Map<string, number>();
  private active = 0;
  private readonly queued: (() => void)[] = [];
  private recovery: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly lane: DangerLane;
  /** Accepted here, not processed yet (backpressure). */
  readonly backlog: Backlog;
  /** Languages of people processed lately (the lane answers danger in the person's language). */
  private readonly langs = new Map<string, string>();

  constructor(private readonly deps: PipelineDeps) {
    this.backlog = new Backlog(deps.backlog ?? DEFAULT_BACKLOG);
    this.lane = new DangerLane({
      flows: deps.flows, engineConfig: deps.engineConfig, outbox: deps.outbox, memory: deps.emergencies ?? new EmergencyMemory(),
      langOf: (pid) => this.langs.get(pid),
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
      const lang = this.langs.get(pid) ?? this.deps.engineConfig.defaultLang;
      throw new BacklogFullError(this.backlog.limits.retryAfterSeconds, text(this.deps.flows, lang, 'system.busy'));
    }
    const key = inboxKey(inbound.channel, inbound.updateId);
    const duplicate = (): ReceiveResult => {
      metrics.duplicates.inc({ channel: inbound.channel });
      return { status: 'duplicate', pid };
    };
    // Processed before (seen log), or recorded and still in flight (the inbox's unique _id).
    const recorded = this.backlog.recordingOne();
    try {
      if (await InboxSeenModel.exists({ _id: key })) return duplicate();
      const outcome = await inboxInserts.insert({
        _id: key, channel: inbound.channel, updateId: inbound.updateId, pid, status: 'pending', attempts: 0, lockedUntil: null,
        inboundSealed: this.deps.cipher.seal(JSON.stringify(inbound)), receivedAt: new Date(), processedAt: null,
      });
      if (outcome === 'duplicate') return duplicate();
    } finally {
      recorded();
    }
    metrics.inbound.inc({ channel: inbound.channel });
    this.backlog.added();
    this.waiting.set(pid, (this.waiting.get(pid) ?? 0) + 1);
    this.kick(pid);
    return { status: 'accepted', pid };
  }

  /** Process every pending update of a pid, one at a time, in arrival order. */
  kick(pid: string): Promise<void> {
    const prev = this.chains.get(pid) ?? Promise.resolve();
    const next = prev.then(() => this.withSlot(() => this.drain(pid))).catch((err) => {
      log.error('processing failed; the recovery loop will retry', { pid, err });
    });
    this.chains.set(pid, next);
    void next.finally(() => { if (this.chains.get(pid) === next) this.chains.delete(pid); });
    return next;
  }

  /** Run fn when fewer than MAX_ACTIVE drains run in this process. */
  private async withSlot(fn: () => Promise<void>): Promise<void> {
    if (this.active >= MAX_ACTIVE) await new Promise<void>((resolve) => this.queued.push(resolve));
    this.active++;
    try {
      await fn();
    } finally {
      this.active--;
      this.queued.shift()?.();
    }
  }

  /** Start the recovery loop (rows left pending by a crash or another instance's failure). */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try { await this.recoverOnce(); } catch (err) { log.warn('inbox recovery failed', { err }); }
      if (!this.stopped) this.recovery = setTimeout(loop, RECOVERY_EVERY_MS);
    };
    this.recovery = setTimeout(loop, 200);
  }

  /** Stop recovering and wait for in-flight processing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recovery) clearTimeout(this.recovery);
    await Promise.all([...this.chains.values()]);
  }

  /** Find pids with updates pending for a while (not being processed here) and process them. */
  async recoverOnce(): Promise<number> {
    const before = new Date(Date.now() - STALE_PENDING_MS);
    const rows = await InboxModel.find({ status: 'pending', receivedAt: { $lt: before } }, { pid: 1 }).sort({ receivedAt: 1 }).limit(200).lean();
    const pids = [...new Set(rows.map((r) => r.pid))].filter((p) => !this.chains.has(p));
    await Promise.all(pids.map((p) => this.kick(p)));
    return pids.length;
  }

  private async drain(pid: string): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      if (this.stopped) return; // shutting down: finish the current update only; the rest stays pending
      // One processor per pid across instances, one update per lock hold, so a counsellor's
      // action on this conversation waits for one step at most (see pidLock.ts for why a
      // lock and not a version check). If the lock stays busy, its holder drains our row
      // too, and the recovery loop is the backstop.
      const more = await withPidLock(pid, () => this.processNext(pid), { waitMs: 3_000, skipIfBusy: true });
      if (more === undefined) {
        // Busy elsewhere (another instance, a counsellor's action): look again shortly; the
        // next look finds our row gone if the holder drained it.
        if (!this.stopped) setTimeout(() => { void this.kick(pid); }, 250).unref();
        return;
      }
      if (!more) { this.backlog.done(this.waiting.get(pid) ?? 0); this.waiting.delete(pid); return; }
      // Look again only when this instance recorded more for the pid: rows recorded
      // elsewhere are drained by their own instance, or by the recovery loop.
      const had = this.waiting.get(pid) ?? 0;
      if (had > 0) this.backlog.done();
      if (had <= 1) { this.waiting.delete(pid); return; }
      this.waiting.set(pid, had - 1);
    }
  }

  /** Process the oldest pending update of the pid. False when there was none. */
  private async processNext(pid: string): Promise<boolean> {
    const row = await InboxModel.findOne({ pid, status: 'pending' }).sort({ receivedAt: 1, _id: 1 }).lean();
    if (!row) return false;
    let inbound: Inbound;
    try {
      inbound = { ...(JSON.parse(this.deps.cipher.open(row.inboundSealed ?? '')) as Inbound) };
      inbound.at = new Date(inbound.at);
    } catch (err) {
      log.error('inbox row unreadable; marked failed', { pid, err });
      await InboxModel.updateOne({ _id: row._id }, { $set: { status: 'failed', inboundSealed: null } });
      return true;
    }
    try {
      await this.processOne(pid, inbound);
    } catch (err) {
      // Database trouble: keep the row pending for the recovery loop, but not forever.
      const attempts = (row.attempts ?? 0) + 1;
      const failed = attempts >= MAX_ATTEMPTS;
      await InboxModel.updateOne({ _id: row._id }, { $set: { attempts, ...(failed ? { status: 'failed', inboundSealed: null } : {}) } }).catch(() => undefined);
      if (failed) log.error('update failed too often; given up', { pid, attempts });
      throw err;
    }
    // Seen first, then out of the inbox: a crash in between leaves the row pending, and its
    // re-run is stopped by recentUpdates (no second reply).
    await markSeen(row._id);
    await InboxModel.deleteOne({ _id: row._id });
    return true;
  }

  private async processOne(pid: string, inbound: Inbound): Promise<void> {
    // The web chat page's own quick exit (it follows an erase too): with no conversation there
    // is nothing to clear, and creating one would bring back the address just erased.
    if (inbound.channel === 'webchat' && inbound.payload === 'exit' && !(await ConversationModel.exists({ _id: pid }))) return;
    let conv = await this.load(pid, inbound);
    // Pending of an update not in the seen log: a previous run died between saving and
    // moving on. Its replies may already have been delivered (and deleted from the outbox):
    // skip those.
    await this.finishUnmoved(conv);
    if (conv.recentUpdates.includes(inbound.updateId)) return; // applied before a crash; flushed above

    if (inbound.payload === DELETE_CHAT_PAYLOAD) {
      conv = { ...conv, messageIds: await ChatMessageModel.find({ pid }, { id: 1, at: 1 }).lean() };
    }
    // The priority lane may have sent this update's emergency reply already: not twice.
    const early = await this.lane.answered(inbound);
    let pending = this.run(conv, inbound, this.deps.line?.current(), early);
    // "No counsellor can take the chat" is said only after a fresh count: the snapshot may be
    // a few seconds old (a counsellor who just came on duty on another instance). The engine
    // is pure, so running the step again is free.
    if (this.deps.line && pending.pending.events.some((e) => e.type === 'line_unavailable')) {
      pending = this.run(conv, inbound, await this.deps.line.fresh(), early);
    }
    for (const e of pending.pending.events) this.countEvent(e, inbound.channel, pending.pending.lang);
    // Under the pid lock nobody else writes this conversation, so a plain update by _id is
    // the check-and-set (a version in the filter would make FerretDB scan the collection).
    const saved = await ConversationModel.findOneAndUpdate(
      { _id: pid },
      {
        $set: {
          state: pending.state, lang: pending.state.lang, lastActivityAt: inbound.at,
          pendingSealed: this.deps.cipher.seal(JSON.stringify(pending.pending)),
          recentUpdates: [...conv.recentUpdates, inbound.updateId].slice(-RECENT_UPDATES),
        },
        $inc: { version: 1 },
      },
      { new: true },
    ).lean<ConversationDoc>();
    if (!saved) throw new Error('conversation vanished while processing');
    this.rememberLang(pid, pending.state.lang);
    await this.rememberMessageIds(pid, inbound, pending.deletes);
    await this.flush(withArrays(saved));
    // processNext writes the seen row of this update next: that marks the move done.
  }

  /** If the conversation holds pending of an update that never reached the seen log, move it now. */
  private async finishUnmoved(conv: ConversationDoc): Promise<void> {
    if (!conv.pendingSealed) return;
    const p = JSON.parse(this.deps.cipher.open(conv.pendingSealed)) as Pending;
    const key = inboxKey(conv.channel, p.updateId);
    if (recentlySeen.has(key) || await InboxSeenModel.exists({ _id: key })) return;
    await this.flush(conv, true);
    await markSeen(key);
  }

  private rememberLang(pid: string, lang: string): void {
    this.langs.delete(pid);
    if (this.langs.size >= 10_000) this.langs.delete(this.langs.keys().next().value as string);
    this.langs.set(pid, lang);
  }

  /**
   * Run the engine (or the system/blocked paths) for one inbound on a loaded conversation.
   * `early`: the priority lane delivered this update's emergency reply; leave it out here.
   */
  private run(conv: ConversationDoc, inbound: Inbound, line: LineStatus | undefined, early = false): { state: ConversationState; pending: Pending; deletes: boolean } {
    const { flows, engineConfig } = this.deps;
    const prev = (conv.state && Object.keys(conv.state).length ? conv.state : null) as unknown as ConversationState | null;
    const status = conv.status === 'closed' ? 'bot' : conv.status;
    const input: EngineInput = { kind: inbound.kind, text: inbound.text, payload: inbound.payload, channel: inbound.channel, ...(line ? { line } : {}) };
    const base = prev ? { ...prev, status } : { ...initialState(engineConfig), status };

    const system = handleSystemPayload(flows, engineConfig, conv, inbound, base);
    const result = system ?? this.safeStep(base, input, inbound);
    const blocked = !!conv.blockedUntil && conv.blockedUntil.getTime() > inbound.at.getTime();
    // Blocked: always the emergency numbers, a kind word on when they can write again, and
    // the erase-my-data dialogue (a data right no block takes away); nothing else.
    const kept = blocked ? result.replies.filter((r) => r.emergency || r.key.startsWith('erase.')) : result.replies;
    const answered = blocked
      ? [...(kept.some((r) => r.emergency) ? [] : [emergencyOnly(flows, result.state.lang, engineConfig)]), ...kept, blockedNotice(flows, result.state.lang, conv.blockedUntil!, this.deps.timeZone)]
      : kept;
    // The priority lane already delivered this message's emergency reply: not twice.
    const finalReplies = early ? answered.filter((r) => !r.emergency) : answered;
    return {
      state: result.state,
      deletes: system !== null,
      pending: {
        updateId: inbound.updateId, at: inbound.at.toISOString(), lang: result.state.lang, vars: result.state.vars,
        status: conv.status,
        items: finalReplies.map((reply) => ({ reply, priority: reply.emergency ? 0 : 1 })),
        events: blocked ? result.events.filter((e) => e.type === 'danger' || e.type === 'exit' || e.type === 'erase') : result.events,
      },
    };
  }

  /** Telegram: keep the person's message id for deletion; after a deletion, forget the deleted ids. */
  private async rememberMessageIds(pid: string, inbound: Inbound, deleted: boolean): Promise<void> {
    if (inbound.channel !== 'telegram') return;
    if (deleted) await ChatMessageModel.deleteMany({ pid, at: { $lte: inbound.at } });
    else if (inbound.messageId) await chatMessageInserts.insert({ pid, id: inbound.messageId, at: inbound.at });
  }

  /**
   * The engine is pure and tested, but content is data: if a step throws, the person still
   * gets an answer (a short apology, the emergency numbers, the way back to the menu) and the
   * state stays as it was, instead of silence and endless retries.
   */
  private safeStep(base: ConversationState, input: Parameters<typeof step>[2], inbound: Inbound): StepResult {
    const { flows, engineConfig } = this.deps;
    try {
      return offerDeletion(flows, inbound.channel, base.lang, step(flows, base, input, inbound.at.getTime(), engineConfig));
    } catch (err) {
      log.error('engine step failed; fallback reply sent', { pid: this.pidOf(inbound), err });
      const { danger, kind } = inbound.text ? dangerOf(flows.nlu, inbound.text) : { danger: false, kind: 'self' as const };
      const apology: Reply = { key: 'system.error', text: text(flows, base.lang, 'system.error'), options: [{ label: text(flows, base.lang, 'system.menu'), payload: 'menu' }] };
      const emergency = emergencyReply(flows, base.lang, engineConfig, kind);
      return {
        state: { ...base, lastActivityAt: inbound.at.getTime() },
        replies: danger ? [emergency, apology] : [apology],
        events: [{ type: 'error', code: 'engine_exception' }, ...(danger ? [{ type: 'danger' as const, rule: 'fallback', kind }] : [])],
      };
    }
  }

  private countEvent(e: EngineEvent, channel: Inbound['channel'], lang: string): void {
    if (e.type === 'danger') metrics.danger.inc({ channel });
    // Counted, never kept: which words were not understood is never stored (DESIGN rule 2).
    if (e.type === 'not_understood') metrics.notUnderstood.inc({ channel, lang });
    if (e.type === 'clarify') metrics.clarify.inc({ channel, lang });
    if (e.type === 'handoff_requested') metrics.handoffRequests.inc({ channel });
  }

  /** Move a conversation's pending replies to the outbox and its events to the sinks. */
  private async flush(conv: ConversationDoc, recovering = false): Promise<void> {
    const sealed = conv.pendingSealed;
    if (!sealed) return;
    const p = JSON.parse(this.deps.cipher.open(sealed)) as Pending;
    const items: OutboxItem[] = p.items.map((it, i) => ({
      outbound: toOutbound(it.reply), priority: it.priority, dedupeKey: `${conv.pid}:${p.updateId}:${i}`,
    }));
    await this.deps.outbox.enqueue(conv.pid, items, { origin: 'bot', receivedAt: new Date(p.at), skipDelivered: recovering, to: conv });
    const ctx: EventContext = {
      pid: conv.pid, channel: conv.channel as EventContext['channel'], lang: p.lang, at: new Date(p.at),
      vars: p.vars, status: p.status, updateId: p.updateId,
    };
    for (const sink of this.deps.sinks) {
      try {
        await sink.onEvents(ctx, p.events);
      } catch (err) {
        // A sink failing (e.g. the case record) must not stop the person's replies or later updates.
        log.error('event sink failed', { pid: conv.pid, err });
      }
    }
  }

  /** Load the conversation, creating it on first contact (the address sealed, never plain). */
  private async load(pid: string, inbound: Inbound): Promise<ConversationDoc> {
    const found = await ConversationModel.findOne({ _id: pid }).lean<ConversationDoc>();
    if (found && found.addressSealed) return withArrays(found);
    const now = new Date();
    const created = await ConversationModel.findOneAndUpdate(
      { _id: pid },
      {
        $set: { addressSealed: this.deps.cipher.seal(inbound.channelUserId) },
        $setOnInsert: {
          pid, channel: inbound.channel, lang: this.deps.engineConfig.defaultLang, state: {}, status: 'bot', version: 0,
          lastActivityAt: now, createdAt: now, outSeq: 0, recentUpdates: [], messageIds: [], pendingSealed: null,
          blockedUntil: null, handoff: null, caseId: null, episodeStartedAt: null,
        },
      },
      { upsert: true, new: true },
    ).lean<ConversationDoc>();
    return withArrays(created!);
  }
}

/**
 * Keys this process wrote to the seen log lately: the next step of a conversation checks
 * its previous step was moved, and usually this process moved it, so the check is answered
 * here without a query. A miss (another instance, a restart) asks the database.
 */
const recentlySeen = new Set<string>();
const RECENTLY_SEEN_MAX = 20_000;

/** Record an update as processed (idempotent). */
async function markSeen(key: string): Promise<void> {
  await seenInserts.insert({ _id: key, at: new Date() }); // a duplicate is fine: marked before
  recentlySeen.add(key);
  if (recentlySeen.size > RECENTLY_SEEN_MAX) recentlySeen.delete(recentlySeen.values().next().value as string);
}

/** Lean reads skip schema defaults, and an upsert may not store empty arrays: fill them in. */
function withArrays(c: ConversationDoc): ConversationDoc {
  return { ...c, recentUpdates: c.recentUpdates ?? [], messageIds: c.messageIds ?? [], outSeq: c.outSeq ?? 0, pendingSealed: c.pendingSealed ?? null, blockedUntil: c.blockedUntil ?? null };
}

function emergencyOnly(flows: FlowSet, lang: string, cfg: EngineConfig): Reply {
  return emergencyReply(flows, lang, cfg);
}

/** "You can write again from 02/12/2026 21:00" in the person's language and the line's time zone. */
function blockedNotice(flows: FlowSet, lang: string, until: Date, timeZone = 'Asia/Ho_Chi_Minh'): Reply {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(until).map((x) => [x.type, x.value]));
  return { key: 'live.blocked_notice', text: text(flows, lang, 'live.blocked_notice', { until: `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` }) };
}
