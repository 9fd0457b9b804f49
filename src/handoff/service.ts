/**
 * createHandoff: the handoff service. Its EventSink reacts to the engine's events for a
 * person (request, cancel, relay, exit, danger, safe time); actions.ts holds what
 * counsellors do; sweep() handles time (waiting too long, inactivity, line closing).
 * The sink may see an update's events twice after a crash: the request's case id is
 * derived from the update id, so a repeat finds the case and does nothing.
 */
import { createHash } from 'node:crypto';
import type { EventContext, EventSink } from '../conversations';
import type { EngineEvent } from '../engine';
import type { DeliveryEvent } from '../outbox';
import { log } from '../observability/log';
import { createActions, HandoffActions } from './actions';
import { Core } from './core';
import type { ChangeFeed } from './feed';
import { purgeFeed } from './feed';
import { isOpen } from './officeHours';
import { CaseNoteModel, FlagModel, FollowUpModel, HandoffCaseDoc, HandoffCaseModel, HandoffLockModel, PresenceModel, takeOnce, updateHandoffCase } from './store';
import type { HandoffConfig, HandoffDeps } from './types';

const DANGER_MEMORY_MS = 24 * 3_600_000;
const FOLLOWUP_DAYS = 3;

/** The handoff service as the lead wires it and the console uses it. */
export interface HandoffService extends HandoffActions {
  sink: EventSink;
  /** Register with outbox.onDelivery: counsellor messages' fate shows in the console. */
  onDelivery(e: DeliveryEvent): void;
  /** Time-driven work; the jobs engineer schedules it (every minute, under a lease). */
  sweep(now: Date): Promise<void>;
  /** Change notices for the console's live updates. */
  feed: ChangeFeed;
  /** Stop background polling. */
  stop(): void;
  /** Internal machinery, for tests. */
  core: Core;
}

/** Event types whose handling reads the person's open handoff case. */
const CASE_EVENTS: ReadonlySet<string> = new Set(['danger', 'handoff_requested', 'handoff_cancel', 'exit', 'relay']);

/** Build the handoff service. */
export function createHandoff(cfg: HandoffConfig, deps: HandoffDeps): HandoffService {
  const core = new Core(cfg, deps);
  const actions = createActions(core);

  const openCase = (pid: string) => HandoffCaseModel.findOne({ pid, status: { $in: ['queued', 'active'] } }).lean<HandoffCaseDoc>();

  /** Out of hours or nobody online: a clear answer, the emergency numbers, and the safe-time offer. */
  async function unavailable(pid: string, now: Date, why: 'closed' | 'nobody'): Promise<void> {
    const opens = await core.opensText(pid, now);
    const first = await core.text(pid, why === 'closed' ? 'live.out_of_hours' : 'live.nobody_online', { opens });
    await core.say(pid, [first, await core.emergency(pid)]);
    try {
      await deps.conversations.enterNode(pid, core.nodes.safeTime);
    } catch (err) {
      log.error('could not offer a safe time', { pid, err });
    }
  }

  async function request(ec: EventContext, answers: Record<string, string>, danger: boolean): Promise<void> {
    const now = new Date();
    if (!isOpen(core.hours, now)) return unavailable(ec.pid, now, 'closed');
    if ((await core.staffing(now)).online.length === 0) return unavailable(ec.pid, now, 'nobody');
    const flag = await FlagModel.findOne({ _id: ec.pid }).lean();
    const hid = 'h' + createHash('sha256').update(`${ec.pid}:${ec.updateId}`).digest('hex').slice(0, 23);
    const doc = {
      hid, pid: ec.pid, channel: ec.channel, lang: ec.lang, status: 'queued' as const, outcome: null,
      danger: danger || (!!flag && now.getTime() - flag.dangerAt.getTime() < DANGER_MEMORY_MS),
      waitingSince: now, claimedAt: null, endedAt: null, counsellorId: null,
      answers: {
        role: answers.role ?? ec.vars.role ?? null, ageGroup: answers.ageGroup ?? ec.vars.ageGroup ?? null,
        province: answers.province ?? ec.vars.province ?? null, topics: flag?.topics ?? [],
      },
      lastPersonAt: now, lastCounsellorAt: null, waitNotifiedAt: null, personLeft: false, fromFollowUp: false, msgSeq: 0, gen: 0, xfers: 0, updatedAt: now,
    };
    try {
      await HandoffCaseModel.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return; // this update was handled before a crash
      throw err;
    }
    if (!(await core.move(doc, ec.status, 'queued', 'request', null))) {
      await HandoffCaseModel.deleteOne({ hid });
      return;
    }
    await core.record(ec.pid, { type: 'queued', at: now, danger: doc.danger });
    await core.say(ec.pid, [await core.positionText(doc, 'live.queued')]);
    await core.feed.publish({ kind: 'queue', hid, counsellors: [] });
  }

  /** The person left (exit) or cancelled: end at once; a counsellor who had the case is told. */
  async function personEnds(c: HandoffCaseDoc, why: 'exit' | 'cancel'): Promise<void> {
    const now = new Date();
    const from = c.status === 'queued' ? 'queued' : 'with_counsellor';
    const moved = await core.move(c, from, 'bot', why, null);
    if (!moved) log.warn('person ended a handoff whose status had already changed', { pid: c.pid });
    await core.relay.purge(c.hid);
    if (c.status === 'active') {
      await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { personLeft: true, updatedAt: now } });
      await core.relay.add(c.hid, c.pid, 'system', why === 'exit' ? 'person_left' : 'person_cancelled', null, now);
      await core.record(c.pid, { type: 'abandoned', at: now, danger: c.danger });
    } else if (await takeOnce(`end:${c.hid}`)) {
      await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { status: 'ended', outcome: why === 'exit' ? 'left' : 'cancelled', endedAt: now, updatedAt: now } });
      await core.record(c.pid, { type: 'cancelled', at: now, danger: c.danger });
    }
    await core.feed.publish({ kind: 'case', hid: c.hid, counsellors: c.counsellorId ? [c.counsellorId] : [] });
    await core.feed.publish({ kind: 'queue', hid: c.hid, counsellors: [] });
  }

  async function remember(ec: EventContext, events: EngineEvent[]): Promise<void> {
    const danger = events.some((e) => e.type === 'danger');
    const topics = events.flatMap((e) => (e.type === 'topic' ? [e.topic] : []));
    const exit = events.some((e) => e.type === 'exit');
    if (!danger && topics.length === 0 && !exit) return;
    if (exit) { await FlagModel.deleteOne({ _id: ec.pid }); return; }
    const prev = await FlagModel.findOne({ _id: ec.pid }).lean();
    // Nothing new (a topic seen before, no danger): no write; an update is the dearest
    // operation on the embedded database.
    if (prev && !danger && topics.every((t) => prev.topics.includes(t))) return;
    await FlagModel.updateOne({ _id: ec.pid }, {
      $setOnInsert: { pid: ec.pid },
      $set: {
        dangerAt: danger ? ec.at : prev?.dangerAt ?? new Date(0),
        topics: [...new Set([...(prev?.topics ?? []), ...topics])].slice(-12),
      },
    }, { upsert: true });
  }

  const sink: EventSink = {
    async onEvents(ec, events) {
      await remember(ec, events);
      // Most steps (menus, answers) cannot touch a handoff case: skip the lookup for them,
      // it is a query by pid (not by _id), which the embedded FerretDB answers by a scan.
      if (!events.some((e) => CASE_EVENTS.has(e.type))) {
        for (const e of events) if (e.type === 'safe_time') await followUp(ec, e.value);
        return;
      }
      let open = await openCase(ec.pid);
      if (open && events.some((e) => e.type === 'danger') && !open.danger) {
        await updateHandoffCase(open.pid, { hid: open.hid }, { $set: { danger: true, updatedAt: new Date() } });
        open = { ...open, danger: true };
        await core.feed.publish({ kind: 'queue', hid: open.hid, counsellors: open.counsellorId ? [open.counsellorId] : [] });
      }
      for (const e of events) {
        if (e.type === 'handoff_requested' && !open) await request(ec, e.answers, events.some((x) => x.type === 'danger'));
        else if (e.type === 'handoff_cancel' && open?.status === 'queued') { await personEnds(open, 'cancel'); open = null; }
        else if (e.type === 'exit' && open) { await personEnds(open, 'exit'); open = null; }
        else if (e.type === 'relay' && open && !open.personLeft) await core.relay.fromPerson(open.hid, ec.pid, open.counsellorId, e.text, new Date()); // arrival clocks of channels differ; ours decides inactivity
        else if (e.type === 'safe_time') await followUp(ec, e.value);
      }
    },
  };

  async function followUp(ec: EventContext, window: string): Promise<void> {
    if (!window || window === 'skipped') return;
    const fid = 'f' + createHash('sha256').update(`${ec.pid}:${ec.updateId}`).digest('hex').slice(0, 23);
    const flag = await FlagModel.findOne({ _id: ec.pid }).lean();
    await FollowUpModel.updateMany({ pid: ec.pid, status: 'open' }, { $set: { status: 'expired', updatedAt: new Date() } });
    await FollowUpModel.updateOne({ fid }, {
      $setOnInsert: { fid, pid: ec.pid, channel: ec.channel, lang: ec.lang, window, status: 'open', createdAt: ec.at, claimedBy: null, danger: !!flag && ec.at.getTime() - flag.dangerAt.getTime() < DANGER_MEMORY_MS, updatedAt: new Date() },
    }, { upsert: true });
    await core.feed.publish({ kind: 'followup', hid: null, counsellors: [] });
  }

  async function sweep(now: Date): Promise<void> {
    const open = isOpen(core.hours, now);
    for (const c of await HandoffCaseModel.find({ status: 'queued' }).lean()) {
      if (!open) {
        if (!(await takeOnce(`end:${c.hid}`))) continue;
        await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { status: 'ended', outcome: 'out_of_hours', endedAt: now, updatedAt: now } });
        await core.move(c, 'queued', 'bot', 'out_of_hours', null);
        await core.relay.purge(c.hid);
        await core.record(c.pid, { type: 'cancelled', at: now, danger: c.danger });
        await unavailable(c.pid, now, 'closed');
        await core.feed.publish({ kind: 'queue', hid: c.hid, counsellors: [] });
      } else if (!c.waitNotifiedAt && now.getTime() - c.waitingSince.getTime() > cfg.handoffWaitLimitMs) {
        await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { waitNotifiedAt: now, updatedAt: now } });
        await core.say(c.pid, [await core.positionText(c, 'live.waiting_long')]);
      }
    }
    for (const c of await HandoffCaseModel.find({ status: 'active' }).lean()) {
      const lastC = (c.lastCounsellorAt ?? c.claimedAt ?? c.updatedAt).getTime();
      const idle = c.personLeft ? now.getTime() - c.updatedAt.getTime() > cfg.handoffIdleMs
        : now.getTime() - c.lastPersonAt.getTime() > cfg.handoffIdleMs || now.getTime() - lastC > cfg.handoffIdleMs;
      if (!idle) continue;
      if (!(await takeOnce(`end:${c.hid}`))) continue;
      await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { status: 'ended', outcome: 'abandoned', endedAt: now, updatedAt: now } });
      await core.relay.purge(c.hid);
      if (!c.personLeft) {
        await core.move(c, 'with_counsellor', 'bot', 'abandon', null);
        await core.record(c.pid, { type: 'abandoned', at: now, danger: c.danger });
        await core.say(c.pid, [await core.text(c.pid, 'live.closed_inactive')]);
      }
      await core.feed.publish({ kind: 'case', hid: c.hid, counsellors: c.counsellorId ? [c.counsellorId] : [] });
    }
    await FollowUpModel.updateMany({ status: 'open', createdAt: { $lt: new Date(now.getTime() - FOLLOWUP_DAYS * 86_400_000) } }, { $set: { status: 'expired', updatedAt: now } });
    await CaseNoteModel.deleteMany({ deleteAfter: { $lt: now } });
    await HandoffLockModel.deleteMany({ at: { $lt: new Date(now.getTime() - 7 * 86_400_000) } });
    await PresenceModel.updateMany({ online: true, lastSeenAt: { $lt: new Date(now.getTime() - 10 * 60_000) } }, { $set: { online: false } });
    await purgeFeed(now);
  }

  return {
    ...actions,
    sink,
    onDelivery(e) { void core.relay.onDelivery(e).catch((err) => log.warn('delivery update failed', { pid: e.pid, err })); },
    sweep,
    feed: core.feed,
    core,
    stop() { core.feed.stop(); },
  };
}

