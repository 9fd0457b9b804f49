/**
 * Shared machinery of the handoff service: settings, the office hours, person-facing
 * texts, staffing (who is online, free places), the queue snapshot and status moves.
 * service.ts (engine events, sweep) and actions.ts (counsellor actions) build on it.
 */
import path from 'node:path';
import type { ConversationStatus } from '../conversations';
import { REPO_ROOT } from '../db/devdb';
import { log } from '../observability/log';
import { ChangeFeed } from './feed';
import { LineWatch, opensAfter } from './line';
import { loadHolidays, localParts, OfficeHours, parseOfficeHours } from './officeHours';
import { expectedWaitMinutes, orderQueue, positionOf } from './queue';
import { Relay } from './relay';
import { activeCases, countOnlineStaff, countQueuedCases, HandoffCaseDoc, lastClosedCases, onlineStaff, queuedCases } from './store';
import { move, MoveReason, StatusChange } from './transitions';
import type { HandoffConfig, HandoffDeps, HandoffRecord } from './types';

/** A counsellor counts as online while the console's heartbeat is recent. */
export const PRESENCE_FRESH_MS = 90_000;
const DEFAULT_HANDLE_MS = 20 * 60_000;
/** Roles that take cases. A manager's or admin's console tab also beats, but they never count as staff. */
export const STAFF_ROLES = ['counsellor', 'supervisor'];

/**
 * Staffing right now. `wrapUp`: counsellors wrapping up after a close, until when; their
 * free places are not counted (no transfer reaches them, the wait estimate stays honest).
 */
export interface Staffing { online: string[]; freeSlots: number; load: Record<string, number>; limits: Record<string, number>; wrapUp: Record<string, Date> }

/** The service's shared state and helpers. */
export class Core {
  readonly hours: OfficeHours;
  readonly feed: ChangeFeed;
  readonly relay: Relay;
  readonly nodes: { safeTime: string; feedback: string; unavailable: string };
  /** The line as the bot tells it before a request (a snapshot, refreshed in the background). */
  readonly line: LineWatch;
  /** Every successful status move, for listeners (tests, metrics). */
  readonly changes: StatusChange[] = [];

  constructor(readonly cfg: HandoffConfig, readonly deps: HandoffDeps, feed?: ChangeFeed) {
    const file = path.isAbsolute(cfg.holidaysFile) ? cfg.holidaysFile : path.join(REPO_ROOT, cfg.holidaysFile);
    this.hours = parseOfficeHours(cfg.officeHours, cfg.tzReports ?? 'Asia/Ho_Chi_Minh', loadHolidays(file));
    this.feed = feed ?? new ChangeFeed();
    this.relay = new Relay(deps.cipher, this.feed, deps.conversations);
    this.nodes = { safeTime: deps.nodes?.safeTime ?? 'counsellor.safe_time', feedback: deps.nodes?.feedback ?? 'feedback.start', unavailable: deps.nodes?.unavailable ?? 'counsellor.unavailable' };
    this.line = new LineWatch(this.hours, async () => {
      const fresh = new Date(Date.now() - PRESENCE_FRESH_MS);
      const online = await countOnlineStaff(STAFF_ROLES, fresh);
      return { online, waiting: await countQueuedCases() };
    });
  }

  /** Resolve a person-facing text in their language, with the hotline when configured. */
  async text(pid: string, key: string, vars: Record<string, string> = {}): Promise<string> {
    return this.deps.conversations.textFor(pid, key, { ...(this.cfg.hotlineNumber ? { hotline: this.cfg.hotlineNumber } : {}), ...vars });
  }

  /** Send texts to the person; a failure is logged, never thrown (the status move already happened). */
  async say(pid: string, texts: string[], priority: 0 | 1 = 1): Promise<void> {
    try {
      await this.deps.conversations.sendTexts(pid, texts, 'system', { priority });
    } catch (err) {
      log.error('could not send handoff notice', { pid, err });
    }
  }

  /** The emergency message (113/115/111 and the hotline once configured). */
  async emergency(pid: string): Promise<string> {
    const body = await this.text(pid, 'emergency');
    return this.cfg.hotlineNumber ? `${body}\n${await this.text(pid, 'emergency.hotline')}` : body;
  }

  /** "07:00 tomorrow" in the person's language: when the line next opens (only asked when closed). */
  async opensText(pid: string, now: Date): Promise<string> {
    const o = opensAfter(this.hours, now);
    if (!o) return this.text(pid, 'live.opens_unknown');
    const key = o.inDays === 0 ? 'live.opens_today' : o.inDays === 1 ? 'live.opens_tomorrow' : 'live.opens_on';
    return this.text(pid, key, { time: o.time, date: o.date });
  }

  /** An instant as Vietnamese readers write it, in the line's time zone: "02/12/2026 21:00". */
  localDateTime(at: Date): string {
    const p = localParts(at, this.hours.timeZone);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${pad(p.d)}/${pad(p.m)}/${p.y} ${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
  }

  /** Who is online, their load and the free places. */
  async staffing(now = new Date()): Promise<Staffing> {
    const online = await onlineStaff(STAFF_ROLES, new Date(now.getTime() - PRESENCE_FRESH_MS));
    const active = await activeCases();
    const load: Record<string, number> = {};
    for (const c of active) if (c.counsellorId) load[c.counsellorId] = (load[c.counsellorId] ?? 0) + 1;
    const limits: Record<string, number> = {};
    const wrapUp: Record<string, Date> = {};
    let freeSlots = 0;
    for (const p of online) {
      limits[p.username] = p.caseloadLimit ?? this.cfg.caseloadLimit;
      if (p.wrapUpUntil && p.wrapUpUntil > now) { wrapUp[p.username] = p.wrapUpUntil; continue; }
      freeSlots += Math.max(0, limits[p.username]! - (load[p.username] ?? 0));
    }
    return { online: online.map((p) => p.username), freeSlots, load, limits, wrapUp };
  }

  /** Queued cases in queue order. */
  async queued(): Promise<HandoffCaseDoc[]> {
    return orderQueue(await queuedCases());
  }

  /** The "you are number N, about M minutes" text for a queued case. */
  async positionText(c: Pick<HandoffCaseDoc, 'hid' | 'pid'>, key: 'live.queued' | 'live.released' | 'live.waiting_long'): Promise<string> {
    const queue = await this.queued();
    const position = positionOf(queue, c.hid) || queue.length + 1;
    const st = await this.staffing();
    const minutes = expectedWaitMinutes({ position, freeSlots: st.freeSlots, online: st.online.length, typicalHandleMs: await this.typicalHandleMs() });
    const wait = minutes === null ? await this.text(c.pid, 'live.wait_unknown')
      : minutes === 0 ? await this.text(c.pid, 'live.wait_soon')
      : await this.text(c.pid, 'live.wait_minutes', { minutes: String(minutes) });
    return this.text(c.pid, key, { position: String(position), wait });
  }

  /** Average handling time of the last 20 closed cases (a default without history). */
  async typicalHandleMs(): Promise<number> {
    const rows = await lastClosedCases(20);
    const ds = rows.filter((r) => r.claimedAt && r.endedAt).map((r) => r.endedAt!.getTime() - r.claimedAt!.getTime());
    return ds.length ? Math.max(60_000, ds.reduce((a, b) => a + b, 0) / ds.length) : DEFAULT_HANDLE_MS;
  }

  /** Move the conversation's status through the transitions table. */
  async move(c: Pick<HandoffCaseDoc, 'pid' | 'hid' | 'waitingSince' | 'danger'>, from: ConversationStatus, to: ConversationStatus, reason: MoveReason, counsellorId: string | null): Promise<boolean> {
    const handoff = to === 'bot' ? null : { hid: c.hid, waitingSince: c.waitingSince, danger: c.danger, counsellorId };
    const r = await move(this.deps.conversations, { pid: c.pid, hid: c.hid, from, to, reason, waitingSince: c.waitingSince }, { handoff }, (ch) => {
      this.changes.push(ch);
      if (this.changes.length > 200) this.changes.shift();
    });
    return r.ok;
  }

  /** Tell the cases area; its failure must not stop the handoff. */
  async record(pid: string, e: HandoffRecord): Promise<void> {
    try {
      await this.deps.cases.recordHandoff(pid, e);
    } catch (err) {
      log.error('case record update failed', { pid, type: e.type, err });
    }
  }
}
