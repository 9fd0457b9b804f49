/**
 * Engine events and handoff milestones → one anonymised Case per episode of a pid.
 * An episode starts at first contact, or when the pid comes back after
 * `episodeQuietDays` without any event. Each call reads the pid's latest episode (head and
 * case, by `_id`) and makes one upsert of idempotent operators only ($set of values derived
 * from the event, $addToSet, $max), so an update handed over twice after a crash changes
 * nothing. Nothing is taken from free text: 'relay' events are ignored entirely, and every
 * value passes through the closed code lists of classify.ts. Of 'understood', 'clarify' and
 * 'not_understood' only the fact is kept, as the flags freeText and notUnderstood.
 *
 * Both writers run under the pid's lock (src/locks): the embedded FerretDB applies an update by reading
 * and rewriting the whole document, so the pipeline's onEvents and a counsellor's
 * recordHandoff on the same case at once could otherwise lose one of the two writes (the
 * lock is re-entrant, so the pipeline, which already holds it, does not wait).
 */
import { randomUUID } from 'node:crypto';
import { withPidLock } from '../conversations/pidLock';
import type { EventContext, EventSink } from '../conversations/types';
import type { EngineEvent } from '../engine';
import { log } from '../observability/log';
import {
  AGE_GROUPS, cleanDisposition, waitBucketOf, Disposition, FEEDBACK, GENDERS, oneAllowed, onlyAllowed, PROVINCES, REFERRAL_CATEGORIES, roleOf,
} from './classify';
import { CASE_DEFAULTS, CaseDoc, CaseUpdate, latestCase, upsertCase } from './store';
import { monthOf } from './time';

/** A handoff milestone, reported by the handoff area. */
export interface HandoffMilestone {
  type: 'queued' | 'claimed' | 'closed' | 'abandoned' | 'cancelled';
  at: Date;
  danger?: boolean;
  /** Only with 'closed': the counsellor's coded disposition. */
  disposition?: Disposition;
}

/** The cases area: an EventSink for the pipeline plus the handoff milestones. */
export interface CaseService extends EventSink {
  /** Record a handoff milestone on the pid's current episode ('queued' may start a new one). */
  recordHandoff(pid: string, e: HandoffMilestone): Promise<void>;
  /** caseId of the pid's latest episode, or null before first contact. */
  currentCaseId(pid: string): Promise<string | null>;
}

/** What the cases service needs from the Config. */
export interface CasesConfig {
  episodeQuietDays: number;
  tzReports: string;
}

/** Topic codes are flow ids like "rights_law"; anything else is not a code and is dropped. */
const TOPIC_CODE = /^[a-z][a-z0-9_.-]{0,39}$/;

/** Build the case service. */
export function createCases(cfg: CasesConfig): CaseService {
  const quietMs = cfg.episodeQuietDays * 86_400_000;

  /** The episode (seq) an event at `at` belongs to; a new one after the quiet period. */
  function episodeFor(latest: CaseDoc | null, at: Date, mayStart: boolean): number {
    if (!latest) return 0;
    if (mayStart && at.getTime() - new Date(latest.lastEventAt).getTime() > quietMs) return latest.seq + 1;
    return latest.seq;
  }

  function baseUpdate(pid: string, seq: number, at: Date, channel: string, lang: string): CaseUpdate & { $set: Record<string, unknown>; $addToSet: Record<string, { $each: string[] }> } {
    return {
      $setOnInsert: {
        ...CASE_DEFAULTS, caseId: randomUUID(), pid, seq, month: monthOf(at, cfg.tzReports), startedAt: at,
        lastEventAt: at, channel, language: lang, returning: seq > 0,
      },
      $set: {},
      $addToSet: {},
      $max: { lastEventAt: at },
    };
  }

  async function writeEvents(ctx: EventContext, events: EngineEvent[]): Promise<void> {
    const latest = await latestCase(ctx.pid);
    const seq = episodeFor(latest, ctx.at, true);
    const u = baseUpdate(ctx.pid, seq, ctx.at, ctx.channel, ctx.lang);
    // A pid is per channel, so setting the channel every time is stable; it also fills in a
    // row that recordHandoff created before the first events arrived.
    u.$set.channel = ctx.channel;
    u.$set.language = ctx.lang;
    const topics: string[] = [];
    const referrals: string[] = [];
    const answer = (name: string, value: string): void => {
      if (name === 'role') { const r = roleOf(value); if (r) u.$set.role = r; }
      if (name === 'ageGroup') { const a = oneAllowed(AGE_GROUPS, value); if (a) u.$set.ageGroup = a; }
      if (name === 'gender') { const g = oneAllowed(GENDERS, value); if (g) u.$set.gender = g; }
      if (name === 'province') { const p = oneAllowed(PROVINCES, value); if (p) u.$set.province = p; }
    };
    for (const e of events) {
      switch (e.type) {
        case 'danger': u.$set.danger = true; break;
        case 'topic': if (TOPIC_CODE.test(e.topic)) topics.push(e.topic); break;
        case 'province': answer('province', e.province); break;
        case 'referral':
          answer('province', e.province);
          referrals.push(...onlyAllowed(REFERRAL_CATEGORIES, e.categories));
          break;
        case 'answer': answer(e.name, e.value); break;
        case 'handoff_requested':
          u.$set.escalated = true;
          for (const [k, v] of Object.entries(e.answers)) answer(k, v);
          break;
        case 'feedback': { const f = oneAllowed(FEEDBACK, e.value); if (f) u.$set.feedback = f; break; }
        case 'language': if (/^[a-z]{2}$/.test(e.lang)) u.$set.language = e.lang; break;
        // Free text the bot tried to read: only that it happened is kept, never the words
        // (nor the intent or candidate topics, which say what the person wrote about).
        case 'understood': case 'clarify': u.$set.freeText = true; break;
        case 'not_understood': u.$set.freeText = true; u.$set.notUnderstood = true; break;
        // 'relay' carries the person's words for the counsellor: never read, never stored here.
        default: break;
      }
    }
    if (topics.length) u.$addToSet.topics = { $each: [...new Set(topics)] };
    if (referrals.length) {
      // `referrals` keeps every category (as before); `listings` says the bot showed a list, not that anyone referred.
      u.$addToSet.referrals = { $each: [...new Set(referrals)] };
      u.$addToSet.listings = { $each: [...new Set(referrals)] };
    }
    // Most messages (another menu, a topic seen before) change nothing a report counts: no
    // write, no change marker. lastEventAt only has to be right to the hour for episodes.
    if (latest && latest.seq === seq && changesNothing(latest, u)) return;
    await upsertCase(ctx.pid, seq, u, { newHead: isNewHead(latest, seq) });
  }

  async function writeMilestone(pid: string, e: HandoffMilestone): Promise<void> {
    const latest = await latestCase(pid);
    const seq = episodeFor(latest, e.at, e.type === 'queued');
    const cur = latest && latest.seq === seq ? latest : null;
    // Created here only when handoff reports before the first events (the pipeline fills the channel in).
    const u = baseUpdate(pid, seq, e.at, cur?.channel ?? 'unknown', cur?.language ?? 'vi');
    if (e.danger) u.$set.danger = true;
    const byPerson = !cur?.outcome || cur.outcome === 'abandoned' || cur.outcome === 'cancelled';
    switch (e.type) {
      case 'queued':
        u.$set.escalated = true;
        // The latest queueing counts for the wait: $max keeps it right if an old one is replayed.
        u.$max = { ...u.$max, queuedAt: e.at };
        break;
      case 'claimed':
        u.$set.escalated = true;
        u.$set.answeredByCounsellor = true;
        // Only the first claim of the episode sets the wait, so a replay changes nothing.
        if (!cur?.claimedAt) {
          u.$set.claimedAt = e.at;
          const q = cur?.queuedAt ? new Date(cur.queuedAt).getTime() : null;
          const wait = q === null ? null : Math.max(0, Math.round((e.at.getTime() - q) / 1000));
          u.$set.waitSeconds = wait;
          u.$set.waitBucket = wait === null ? null : waitBucketOf(wait);
        }
        break;
      case 'closed': {
        u.$set.closed = true;
        if (cur?.claimedAt) u.$set.handlingSeconds = Math.max(0, Math.round((e.at.getTime() - new Date(cur.claimedAt).getTime()) / 1000));
        if (e.disposition) {
          const d = cleanDisposition(e.disposition);
          if (d.dropped > 0) log.warn('case disposition had unknown codes, dropped', { pid, dropped: d.dropped });
          if (d.outcome) u.$set.outcome = d.outcome;
          u.$set.perpetratorRelation = d.perpetratorRelation;
          if (d.violenceTypes.length) {
            u.$addToSet.violenceTypes = { $each: d.violenceTypes };
            u.$set.violenceRecorded = true;
          }
          if (d.contextFlags.length) u.$addToSet.contextFlags = { $each: d.contextFlags };
          if (d.referrals.length) {
            u.$addToSet.referrals = { $each: d.referrals };
            u.$addToSet.counsellorReferrals = { $each: d.referrals };
          }
        }
        break;
      }
      case 'abandoned':
        u.$set.abandoned = true;
        if (byPerson) u.$set.outcome = 'abandoned';
        break;
      case 'cancelled':
        u.$set.cancelled = true;
        if (byPerson && cur?.outcome !== 'abandoned') u.$set.outcome = 'cancelled';
        break;
      default: break;
    }
    await upsertCase(pid, seq, u, { newHead: isNewHead(latest, seq) });
  }

  return {
    async onEvents(ctx: EventContext, events: EngineEvent[]): Promise<void> {
      await withPidLock(ctx.pid, () => writeEvents(ctx, events));
    },

    async recordHandoff(pid: string, e: HandoffMilestone): Promise<void> {
      await withPidLock(pid, () => writeMilestone(pid, e));
    },

    async currentCaseId(pid: string): Promise<string | null> {
      return (await latestCase(pid))?.caseId ?? null;
    },
  };
}

const LAST_EVENT_SLACK_MS = 3_600_000;

/** True when applying `u` to `cur` would change nothing but lastEventAt by less than an hour. */
function changesNothing(cur: CaseDoc, u: CaseUpdate): boolean {
  const doc = cur as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(u.$set ?? {})) if (JSON.stringify(doc[k] ?? null) !== JSON.stringify(v ?? null)) return false;
  for (const [k, { $each }] of Object.entries(u.$addToSet ?? {})) {
    const have = Array.isArray(doc[k]) ? (doc[k] as unknown[]) : [];
    if ($each.some((x) => !have.includes(x))) return false;
  }
  for (const [k, v] of Object.entries(u.$max ?? {})) {
    const at = doc[k] instanceof Date || typeof doc[k] === 'string' ? new Date(doc[k] as string).getTime() : -Infinity;
    if (v.getTime() - at > (k === 'lastEventAt' ? LAST_EVENT_SLACK_MS : 0)) return false;
  }
  return true;
}

/** True when `seq` is a new latest episode of the pid (the head must move). */
function isNewHead(latest: CaseDoc | null, seq: number): boolean {
  return !latest || seq > latest.seq;
}
