/**
 * createHandoff: the handoff service. Its EventSink reacts to the engine's events for a
 * person (request, cancel, relay, exit, danger, safe time); actions.ts holds what
 * counsellors do; sweep() handles time (waiting too long, inactivity, line closing).
 * The sink may see an update's events twice after a crash: the request's case id is
 * derived from the update id, so a repeat finds the case and does nothing.
 */
import { createHash } from 'node:crypto';
import type { EventContext, EventSink } from '../conversations';
import type { EngineEvent, LineStatus } from '../engine';
import type { DeliveryEvent } from '../outbox';
import { log } from '../observability/log';
import { createActions, HandoffActions } from './actions';
import { Core } from './core';
import { createSupervision, Supervision } from './supervision';
import type { ChangeFeed } from './feed';
import { isOpen } from './officeHours';
import { oneTimeCode } from '../shared/crypto';
import {
  activeCases, deleteCase, deleteExpiredNotes, deleteFlag, deleteStaleWatches, expireFollowUpsCreatedBefore, expireOtherFollowUps, flagOf, HandoffCaseDoc,
  purgeOnceKeys, insertCaseOnce, insertFollowUpOnce, latestLiveFollowUpOf, markFollowUpReturned, markSilentStaffOffline, openCaseOf, purgeFeed, queuedCases,
  saveFlag, takeOnce, updateHandoffCase,
} from './store';
import type { HandoffConfig, HandoffDeps } from './types';

const DANGER_MEMORY_MS = 24 * 3_600_000;
const FOLLOWUP_DAYS_DEFAULT = 3;

/** The handoff service as the lead wires it and the console uses it. */
export interface HandoffService extends HandoffActions {
  sink: EventSink;
  /** Register with outbox.onDelivery: counsellor messages' fate shows in the console. */
  onDelivery(e: DeliveryEvent): void;
  /** Time-driven work; the jobs engineer schedules it (every minute, under a lease). */
  sweep(now: Date): Promise<void>;
  /** Change notices for the console's live updates. */
  feed: ChangeFeed;
  /** The person reopened the web chat with their one-time code (the wiring calls it). */
  personReturned(pid: string, at?: Date): Promise<void>;
  /** The counsellor line as the bot tells it before a request: the snapshot (no query), or counted now. */
  line: { current(): LineStatus | undefined; fresh(): Promise<LineStatus | undefined> };
  /** Stop background polling. */
  stop(): void;
  /** Read-only viewing of live cases by supervisors, and the counsellors' wrap-up. */
  supervision: Supervision;
  /** Internal machinery, for tests. */
  core: Core;
}

/** Event types whose handling reads the person's open handoff case. */
const CASE_EVENTS: ReadonlySet<string> = new Set(['danger', 'handoff_requested', 'handoff_cancel', 'exit', 'erase', 'relay']);
/** Answers that may come while the person waits (after a one-tap request), kept on the queued case. */
const QUEUE_ANSWERS: ReadonlySet<string> = new Set(['role', 'ageGroup', 'province']);

/** Build the handoff service. */
export function createHandoff(cfg: HandoffConfig, deps: HandoffDeps): HandoffService {
  const core = new Core(cfg, deps);
  const FOLLOWUP_DAYS = cfg.followUpDays ?? FOLLOWUP_DAYS_DEFAULT;
  const actions = createActions(core);
  core.line.start();

  /**
   * Out of hours, or nobody online after all (the bot's snapshot was a few seconds old, or the
   * shift ended while the person waited): the truth (with the emergency numbers in it), then
   * what the person can do instead: a safe time to be contacted, local help, the menu.
   * `ended`: a queued request was ended by the closing hour.
   */
  async function unavailable(pid: string, now: Date, why: 'closed' | 'nobody' | 'ended'): Promise<void> {
    const key = why === 'ended' ? 'live.out_of_hours' : why === 'closed' ? 'counsellor.closed' : 'counsellor.nobody';
    const opens = why === 'nobody' ? '' : await core.opensText(pid, now);
    await core.say(pid, [await core.text(pid, key, { opens })]);
    try {
      await deps.conversations.enterNode(pid, core.nodes.unavailable);
    } catch (err) {
      log.error('could not offer what to do instead', { pid, err });
    }
  }

  async function request(ec: EventContext, answers: Record<string, string>, danger: boolean): Promise<void> {
    const now = new Date();
    if (!isOpen(core.hours, now)) return unavailable(ec.pid, now, 'closed');
    if ((await core.staffing(now)).online.length === 0) return unavailable(ec.pid, now, 'nobody');
    const flag = await flagOf(ec.pid);
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
    if (!(await insertCaseOnce(doc))) return; // this update was handled before a crash
    if (!(await core.move(doc, ec.status, 'queued', 'request', null))) {
      await deleteCase(hid);
      return;
    }
    await core.record(ec.pid, { type: 'queued', at: now, danger: doc.danger });
    await core.say(ec.pid, [await core.positionText(doc, 'live.queued')]);
    await core.feed.publish({ kind: 'queue', hid, counsellors: [], danger: doc.danger });
    void core.line.refresh();
  }

  /**
   * The person left (exit) or cancelled: end at once; a counsellor who had the case is told.
   * A queued case's messages go at once. A case a counsellor holds keeps its transcript
   * (sealed) until the counsellor has filled in the close form, which purges it (close()),
   * or until the case is abandoned by the idle sweep; an erase request deletes it at once
   * (the erase sink runs right after this one and removes every message of the pid).
   */
  async function personEnds(c: HandoffCaseDoc, why: 'exit' | 'cancel'): Promise<void> {
    const now = new Date();
    const from = c.status === 'queued' ? 'queued' : 'with_counsellor';
    const moved = await core.move(c, from, 'bot', why, null);
    if (!moved) log.warn('person ended a handoff whose status had already changed', { pid: c.pid });
    if (c.status !== 'active') await core.relay.purge(c.hid);
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
    const exit = events.some((e) => e.type === 'exit' || e.type === 'erase');
    if (!danger && topics.length === 0 && !exit) return;
    if (exit) { await deleteFlag(ec.pid); return; }
    const prev = await flagOf(ec.pid);
    // Nothing new (a topic seen before, no danger): no write; an update is the dearest
    // operation on the embedded database.
    if (prev && !danger && topics.every((t) => prev.topics.includes(t))) return;
    await saveFlag(ec.pid, danger ? ec.at : prev?.dangerAt ?? new Date(0), [...new Set([...(prev?.topics ?? []), ...topics])].slice(-12));
  }

  const sink: EventSink = {
    async onEvents(ec, events) {
      await remember(ec, events);
      // Most steps (menus, answers) cannot touch a handoff case: skip the lookup for them,
      // it is a query by pid (not by _id), which the embedded FerretDB answers by a scan.
      const waitingAnswers = ec.status === 'queued' && events.some((e) => e.type === 'answer');
      if (!waitingAnswers && !events.some((e) => CASE_EVENTS.has(e.type))) {
        for (const e of events) if (e.type === 'safe_time') await followUp(ec, e.value);
        return;
      }
      let open = await openCaseOf(ec.pid);
      if (open && events.some((e) => e.type === 'danger') && !open.danger) {
        await updateHandoffCase(open.pid, { hid: open.hid }, { $set: { danger: true, updatedAt: new Date() } });
        open = { ...open, danger: true };
        await core.feed.publish({ kind: 'queue', hid: open.hid, counsellors: open.counsellorId ? [open.counsellorId] : [], danger: true });
      }
      for (const e of events) {
        if (e.type === 'handoff_requested' && !open) await request(ec, e.answers, events.some((x) => x.type === 'danger'));
        else if (e.type === 'handoff_cancel' && open?.status === 'queued') { await personEnds(open, 'cancel'); open = null; }
        // Erase ends the case as an exit does; the erase sink then deletes what is left (eraseByPid).
        else if ((e.type === 'exit' || e.type === 'erase') && open) { await personEnds(open, 'exit'); open = null; }
        else if (e.type === 'relay' && open && !open.personLeft) await core.relay.fromPerson(open.hid, ec.pid, open.counsellorId, e.text, new Date()); // arrival clocks of channels differ; ours decides inactivity
        else if (e.type === 'safe_time') await followUp(ec, e.value);
        else if (e.type === 'answer' && open?.status === 'queued' && QUEUE_ANSWERS.has(e.name)) await answerWhileQueued(open, e.name, e.value);
      }
      // The counsellor sees that the bot has just sent the emergency numbers in their chat.
      if (open?.status === 'active' && !open.personLeft && events.some((e) => e.type === 'danger')) {
        await core.relay.add(open.hid, open.pid, 'system', 'bot_emergency', null);
        await core.feed.publish({ kind: 'message', hid: open.hid, counsellors: open.counsellorId ? [open.counsellorId] : [] });
      }
    },
  };

  async function answerWhileQueued(c: HandoffCaseDoc, name: string, value: string): Promise<void> {
    await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { [`answers.${name}`]: value, updatedAt: new Date() } });
    await core.feed.publish({ kind: 'queue', hid: c.hid, counsellors: [] });
  }

  async function followUp(ec: EventContext, window: string): Promise<void> {
    if (!window || window === 'skipped') return;
    const fid = 'f' + createHash('sha256').update(`${ec.pid}:${ec.updateId}`).digest('hex').slice(0, 23);
    const flag = await flagOf(ec.pid);
    const resumeUntil = ec.channel === 'webchat' ? new Date(ec.at.getTime() + FOLLOWUP_DAYS * 86_400_000) : null;
    await expireOtherFollowUps(ec.pid, fid);
    const created = await insertFollowUpOnce({
      fid, pid: ec.pid, channel: ec.channel, lang: ec.lang, window, status: 'open', createdAt: ec.at, claimedBy: null, danger: !!flag && ec.at.getTime() - flag.dangerAt.getTime() < DANGER_MEMORY_MS, resumeUntil, returnedAt: null, updatedAt: new Date(),
    });
    // The web chat forgets the person when the page closes: a one-time code is the way back
    // to what the counsellor writes (issued once per follow-up; a repeat after a crash is skipped).
    if (resumeUntil && created) await offerResumeCode(ec.pid, resumeUntil);
    await core.feed.publish({ kind: 'followup', hid: null, counsellors: [] });
  }

  /** Send the code (never logged, never stored in clear: the web chat keeps only its keyed hash). */
  async function offerResumeCode(pid: string, until: Date): Promise<void> {
    const code = oneTimeCode();
    const text = await core.text(pid, 'live.resume_code', { code, until: core.localDateTime(until) });
    try {
      await deps.conversations.sendTexts(pid, [text], 'system', { resume: { code, until: until.toISOString() }, keepOptions: true });
    } catch (err) {
      log.error('could not send the resume code', { pid, err });
    }
  }

  /** The person reopened the web chat with their code: the console shows the follow-up was read. */
  async function personReturned(pid: string, at = new Date()): Promise<void> {
    const f = await latestLiveFollowUpOf(pid);
    if (!f) return;
    await markFollowUpReturned(f.fid, at);
    const open = await openCaseOf(pid);
    if (open?.fromFollowUp) {
      await updateHandoffCase(pid, { hid: open.hid }, { $set: { returnedAt: at, updatedAt: at } });
      await core.relay.add(open.hid, pid, 'system', 'person_returned', null, at);
      await core.feed.publish({ kind: 'message', hid: open.hid, counsellors: open.counsellorId ? [open.counsellorId] : [] });
    }
    await core.feed.publish({ kind: 'followup', hid: null, counsellors: [] });
  }

  async function sweep(now: Date): Promise<void> {
    const open = isOpen(core.hours, now);
    for (const c of await queuedCases()) {
      if (!open) {
        if (!(await takeOnce(`end:${c.hid}`))) continue;
        await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { status: 'ended', outcome: 'out_of_hours', endedAt: now, updatedAt: now } });
        await core.move(c, 'queued', 'bot', 'out_of_hours', null);
        await core.relay.purge(c.hid);
        await core.record(c.pid, { type: 'cancelled', at: now, danger: c.danger });
        await unavailable(c.pid, now, 'ended');
        await core.feed.publish({ kind: 'queue', hid: c.hid, counsellors: [] });
      } else if (!c.waitNotifiedAt && now.getTime() - c.waitingSince.getTime() > cfg.handoffWaitLimitMs) {
        await updateHandoffCase(c.pid, { hid: c.hid }, { $set: { waitNotifiedAt: now, updatedAt: now } });
        await core.say(c.pid, [await core.positionText(c, 'live.waiting_long')]);
      }
    }
    for (const c of await activeCases()) {
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
    await expireFollowUpsCreatedBefore(new Date(now.getTime() - FOLLOWUP_DAYS * 86_400_000), now);
    await deleteExpiredNotes(now);
    await purgeOnceKeys(new Date(now.getTime() - 7 * 86_400_000));
    await markSilentStaffOffline(new Date(now.getTime() - 10 * 60_000));
    await purgeFeed(now);
    // A supervisor's view whose panel was closed without "stop": gone an hour after its last read.
    await deleteStaleWatches(new Date(now.getTime() - 3_600_000));
  }

  return {
    ...actions,
    sink,
    onDelivery(e) { void core.relay.onDelivery(e).catch((err) => log.warn('delivery update failed', { pid: e.pid, err })); },
    sweep,
    feed: core.feed,
    core,
    supervision: createSupervision(core),
    line: { current: () => core.line.current(), fresh: async () => { await core.line.refresh(); return core.line.current(); } },
    personReturned,
    stop() { core.feed.stop(); core.line.stop(); },
  };
}

