/**
 * What counsellors and managers do: claim (atomic), release, transfer/reassign, close with
 * a disposition, block, follow-ups, presence; and the read views the console shows.
 * Every result is a typed Result; console/routes.ts maps codes to HTTP statuses.
 */
import { createHash } from 'node:crypto';
import { STAFF_ROLES } from './core';
import { BlockActions, createBlockActions } from './blocks';
import type { Core } from './core';
import { inSafeWindow, isOpen } from './officeHours';
import type { LiveMessage } from './relay';
import {
  activeCase, activeCasesByClaimTime, activeCasesOf, caseByHid, clearWrapUp, deleteCase, hasOpenCase, HandoffCaseDoc, forgetOnce, insertCase,
  markFollowUpClaimed, openFollowUp, openFollowUps, QueueAnswers, reopenFollowUp, saveCaseNote, seenAfter, staffOfRoles, staffPresence, startWrapUp,
  takeOnce, touchPresence, updateHandoffCase,
} from './store';
import type { Disposition, Result } from './types';

/** A queue row as the console shows it (no text, no name, no phone). */
export interface QueueView {
  hid: string; position: number; channel: string; lang: string; danger: boolean; waitingSince: Date; waitedMs: number; answers: QueueAnswers;
  /** The person is blocked until then (null: not blocked), for a coded reason. */
  blockedUntil: Date | null; blockReason: string | null;
}
/** An open case of a counsellor. */
export interface CaseView {
  hid: string; channel: string; lang: string; danger: boolean; claimedAt: Date | null; personLeft: boolean; answers: QueueAnswers; counsellorId: string | null; fromFollowUp: boolean;
  /** Web chat follow-up: the person is not on the page until they come back with their code; null = not yet (nothing read). */
  returnedAt: Date | null;
  /** The person is blocked until then (null: not blocked), for a coded reason. */
  blockedUntil: Date | null; blockReason: string | null;
  /** The person's channel lets the counsellor write until then (from their last message); null: no limit. Set by myCases. */
  replyUntil?: Date | null;
}
/** A follow-up request as the console shows it. */
export interface FollowUpView {
  fid: string; channel: string; lang: string; window: string; createdAt: Date; danger: boolean; claimable: boolean;
  /** Web chat: the code works until then; the person came back at `returnedAt` (null: not yet). */
  resumeUntil: Date | null; returnedAt: Date | null;
}
/** One staff member (counsellor or supervisor) in the overview; `wrapUpUntil` while wrapping up after a close. */
export interface StaffView { username: string; role: string; online: boolean; load: number; limit: number; wrapUpUntil: Date | null }
/** Manager/supervisor overview: staff only (never managers or admins), the queue with waiting times, live cases with handling times. */
export interface Overview { counsellors: StaffView[]; queue: QueueView[]; active: (CaseView & { waitedMs: number; handledMs: number })[] }

/** The counsellor actions (part of HandoffService). */
export interface HandoffActions extends BlockActions {
  queue(now?: Date): Promise<QueueView[]>;
  myCases(username: string): Promise<CaseView[]>;
  claim(username: string, hid: string): Promise<Result<{ case: CaseView }>>;
  messages(username: string, hid: string, afterSeq?: number): Promise<Result<{ messages: LiveMessage[] }>>;
  send(username: string, hid: string, text: string): Promise<Result<{ seq: number }>>;
  release(username: string, hid: string): Promise<Result>;
  transfer(actor: string, hid: string, to: string, opts?: { asManager?: boolean }): Promise<Result<{ from: string }>>;
  close(username: string, hid: string, d: Disposition, note?: string): Promise<Result<{ danger: boolean }>>;
  caseOf(hid: string): Promise<HandoffCaseDoc | null>;
  followUps(now?: Date): Promise<FollowUpView[]>;
  claimFollowUp(username: string, fid: string, now?: Date): Promise<Result<{ case: CaseView }>>;
  setOnline(username: string, role: string, online: boolean): Promise<void>;
  heartbeat(username: string, role: string): Promise<void>;
  /** The on-duty switch as the server has it (what the console shows after a reload). */
  presenceOf(username: string): Promise<{ online: boolean }>;
  /** Heartbeats (from any instance) since this instant? Decides whether closing a tab ends presence. */
  seenSince(username: string, since: Date): Promise<boolean>;
  overview(): Promise<Overview>;
  lineOpen(now?: Date): boolean;
}

const answersOf = (c: HandoffCaseDoc): QueueAnswers => {
  const a = (c.answers ?? {}) as Partial<QueueAnswers>;
  return { role: a.role ?? null, ageGroup: a.ageGroup ?? null, province: a.province ?? null, topics: a.topics ?? [] };
};
const blockOf = (c: HandoffCaseDoc) => {
  const active = !!c.blockedUntil && c.blockedUntil.getTime() > Date.now();
  return { blockedUntil: active ? c.blockedUntil! : null, blockReason: active ? c.blockReason ?? null : null };
};
const caseView = (c: HandoffCaseDoc): CaseView => ({
  hid: c.hid, channel: c.channel, lang: c.lang, danger: c.danger, claimedAt: c.claimedAt ?? null, personLeft: !!c.personLeft,
  answers: answersOf(c), counsellorId: c.counsellorId ?? null, fromFollowUp: !!c.fromFollowUp, returnedAt: c.returnedAt ?? null,
  ...blockOf(c),
});

/** The disposition's codes only (the route validated them), as kept on the ended case. */
const dispositionCodes = (d: Disposition) => ({
  violenceTypes: [...d.violenceTypes], contextFlags: [...d.contextFlags], perpetratorRelation: d.perpetratorRelation, referrals: [...d.referrals], outcome: d.outcome,
});

/** Build the actions over the shared core. */
export function createActions(core: Core): HandoffActions {
  const { relay, feed } = core;
  const own = async (username: string, hid: string) => {
    const c = await caseByHid(hid);
    if (!c || c.status !== 'active') return { c: null, code: 'not_found' as const };
    if (c.counsellorId !== username) return { c: null, code: 'forbidden' as const };
    return { c, code: null };
  };

  /** Until when the person's channel lets us write (their last message + the channel's window). */
  const replyUntil = (c: HandoffCaseDoc): Date | null => {
    const hours = core.deps.replyWindowHours?.(c.channel);
    return hours ? new Date(c.lastPersonAt.getTime() + hours * 3_600_000) : null;
  };

  async function queue(now = new Date()): Promise<QueueView[]> {
    const q = await core.queued();
    return q.map((c, i) => ({ hid: c.hid, position: i + 1, channel: c.channel, lang: c.lang, danger: c.danger, waitingSince: c.waitingSince, waitedMs: now.getTime() - c.waitingSince.getTime(), answers: caseView(c).answers, ...blockOf(c) }));
  }

  async function claim(username: string, hid: string, joinedKey = 'live.joined'): Promise<Result<{ case: CaseView }>> {
    const st = await core.staffing();
    const limit = st.limits[username] ?? (await staffPresence(username))?.caseloadLimit ?? core.cfg.caseloadLimit;
    if ((st.load[username] ?? 0) >= limit) return { ok: false, code: 'caseload_full' };
    const now = new Date();
    const q = await caseByHid(hid);
    if (!q) return { ok: false, code: 'not_found' };
    if (q.status !== 'queued') return { ok: false, code: 'conflict' };
    // The atomic gate: of two counsellors clicking at once, exactly one inserts this key.
    if (!(await takeOnce(`claim:${hid}:${q.gen ?? 0}`))) return { ok: false, code: 'conflict' };
    await updateHandoffCase(q.pid, { hid }, { $set: { status: 'active', counsellorId: username, claimedAt: now, lastCounsellorAt: now, updatedAt: now } });
    const c = { ...q, status: 'active' as const, counsellorId: username, claimedAt: now };
    if (!(await core.move(c, 'queued', 'with_counsellor', 'claim', username))) {
      // The person cancelled or left in the same instant: their move won.
      await updateHandoffCase(q.pid, { hid }, { $set: { status: 'ended', outcome: 'cancelled', endedAt: now, updatedAt: now } });
      await feed.publish({ kind: 'queue', hid, counsellors: [] });
      return { ok: false, code: 'conflict' };
    }
    // Claiming is the counsellor's own choice: it ends their wrap-up early.
    if (st.wrapUp[username]) await clearWrapUp(username);
    await core.say(c.pid, [await core.text(c.pid, joinedKey)]);
    await relay.add(hid, c.pid, 'system', 'joined', username, now);
    await core.record(c.pid, { type: 'claimed', at: now, danger: c.danger });
    await feed.publish({ kind: 'queue', hid, counsellors: [username] });
    return { ok: true, case: caseView(c) };
  }

  async function release(username: string, hid: string): Promise<Result> {
    const { c, code } = await own(username, hid);
    if (!c) return { ok: false, code };
    if (!(await takeOnce(`release:${hid}:${c.gen ?? 0}`))) return { ok: false, code: 'conflict' };
    await updateHandoffCase(c.pid, { hid }, { $set: { status: 'queued', counsellorId: null, claimedAt: null, updatedAt: new Date(), gen: (c.gen ?? 0) + 1 } });
    await core.move(c, 'with_counsellor', 'queued', 'release', null);
    await relay.add(hid, c.pid, 'system', 'released', username);
    await core.say(c.pid, [await core.positionText(c, 'live.released')]);
    await feed.publish({ kind: 'queue', hid, counsellors: [username] });
    return { ok: true };
  }

  async function transfer(actor: string, hid: string, to: string, opts: { asManager?: boolean } = {}): Promise<Result<{ from: string }>> {
    const c = await activeCase(hid);
    if (!c || !c.counsellorId) return { ok: false, code: 'not_found' };
    if (!opts.asManager && c.counsellorId !== actor) return { ok: false, code: 'forbidden' };
    if (to === c.counsellorId) return { ok: false, code: 'invalid' };
    const st = await core.staffing();
    if (!st.online.includes(to)) return { ok: false, code: 'not_online' };
    if (st.wrapUp[to]) return { ok: false, code: 'in_wrapup' };
    if ((st.load[to] ?? 0) >= (st.limits[to] ?? core.cfg.caseloadLimit)) return { ok: false, code: 'caseload_full' };
    const from = c.counsellorId;
    if (!(await takeOnce(`xfer:${hid}:${c.xfers ?? 0}`))) return { ok: false, code: 'conflict' };
    await updateHandoffCase(c.pid, { hid }, { $set: { counsellorId: to, lastCounsellorAt: new Date(), updatedAt: new Date(), xfers: (c.xfers ?? 0) + 1 } });
    if (!c.personLeft) {
      await core.move(c, 'with_counsellor', 'with_counsellor', 'transfer', to);
      await core.say(c.pid, [await core.text(c.pid, 'live.transferred')]);
    }
    await relay.add(hid, c.pid, 'system', 'transferred', to);
    await feed.publish({ kind: 'case', hid, counsellors: [from, to] });
    return { ok: true, from };
  }

  async function close(username: string, hid: string, d: Disposition, note?: string): Promise<Result<{ danger: boolean }>> {
    const { c, code } = await own(username, hid);
    if (!c) return { ok: false, code };
    const now = new Date();
    if (!(await takeOnce(`end:${hid}`))) return { ok: false, code: 'conflict' };
    await updateHandoffCase(c.pid, { hid }, { $set: { status: 'ended', outcome: 'closed', endedAt: now, updatedAt: now, disposition: dispositionCodes(d) } });
    await core.record(c.pid, { type: 'closed', at: now, danger: c.danger, disposition: d });
    if (note && note.trim()) {
      await saveCaseNote({ hid, pid: c.pid, author: username, noteSealed: core.deps.cipher.seal(note.trim()), createdAt: now, deleteAfter: new Date(now.getTime() + core.cfg.caseNoteRetentionDays * 86_400_000) });
    }
    await relay.purge(hid);
    // Wrap-up: time to finish notes and breathe before a transfer reaches this counsellor.
    const wrapUpMs = core.cfg.wrapUpMs ?? 0;
    if (wrapUpMs > 0) await startWrapUp(username, new Date(now.getTime() + wrapUpMs));
    if (!c.personLeft && (await core.move(c, 'with_counsellor', 'bot', 'close', null))) {
      await core.say(c.pid, [await core.text(c.pid, 'live.closed')]);
      try { await core.deps.conversations.enterNode(c.pid, core.nodes.feedback); } catch { /* the conversation may have expired */ }
    }
    await feed.publish({ kind: 'case', hid, counsellors: [username] });
    return { ok: true, danger: c.danger };
  }

  async function followUps(now = new Date()): Promise<FollowUpView[]> {
    const rows = await openFollowUps();
    return rows.map((f) => ({
      fid: f.fid, channel: f.channel, lang: f.lang, window: f.window, createdAt: f.createdAt, danger: !!f.danger, claimable: inSafeWindow(core.hours, f.window, now),
      resumeUntil: f.resumeUntil ?? null, returnedAt: f.returnedAt ?? null,
    }));
  }

  async function claimFollowUp(username: string, fid: string, now = new Date()): Promise<Result<{ case: CaseView }>> {
    const f = await openFollowUp(fid);
    if (!f) return { ok: false, code: 'not_found' };
    if (!inSafeWindow(core.hours, f.window, now)) return { ok: false, code: 'outside_window' };
    if (!(await takeOnce(`followup:${fid}`))) return { ok: false, code: 'conflict' };
    await markFollowUpClaimed(fid, username, now);
    const reopen = async () => { await reopenFollowUp(fid); await forgetOnce(`followup:${fid}`); };
    if (await hasOpenCase(f.pid)) { await reopen(); return { ok: false, code: 'conflict' }; }
    const hid = 'h' + createHash('sha256').update(`${f.pid}:${fid}`).digest('hex').slice(0, 23);
    const doc = {
      hid, pid: f.pid, channel: f.channel, lang: f.lang, status: 'queued' as const, outcome: null, danger: !!f.danger, waitingSince: f.createdAt,
      claimedAt: null, endedAt: null, counsellorId: null, answers: { role: null, ageGroup: null, province: null, topics: [] },
      lastPersonAt: now, lastCounsellorAt: null, waitNotifiedAt: null, personLeft: false, fromFollowUp: true, msgSeq: 0, gen: 0, xfers: 0, updatedAt: now,
    };
    await insertCase(doc);
    if (!(await core.move(doc, 'bot', 'queued', 'followup', null))) {
      await deleteCase(hid);
      await reopen();
      return { ok: false, code: 'conflict' };
    }
    await core.record(f.pid, { type: 'queued', at: now, danger: doc.danger });
    const r = await claim(username, hid, 'live.followup_joined');
    await feed.publish({ kind: 'followup', hid, counsellors: [username] });
    return r;
  }

  return {
    queue,
    async myCases(username) {
      const rows = await activeCasesOf(username);
      return rows.map((c) => ({ ...caseView(c), replyUntil: replyUntil(c) }));
    },
    claim: (u, h) => claim(u, h),
    async messages(username, hid, afterSeq = 0) {
      const { c, code } = await own(username, hid);
      if (!c) return { ok: false, code };
      return { ok: true, messages: await relay.list(hid, afterSeq) };
    },
    async send(username, hid, text) {
      const { c, code } = await own(username, hid);
      if (!c) return { ok: false, code };
      if (c.personLeft) return { ok: false, code: 'conflict' };
      const trimmed = text.trim();
      if (!trimmed || trimmed.length > 2000) return { ok: false, code: 'invalid' };
      const r = await relay.fromCounsellor(hid, c.pid, username, trimmed);
      return { ok: true, seq: r.seq };
    },
    release, transfer, close, followUps, claimFollowUp, ...createBlockActions(core),
    caseOf: caseByHid,
    async setOnline(username, role, online) {
      await touchPresence(username, role, { online });
      await feed.publish({ kind: 'presence', hid: null, counsellors: [username] });
      await core.line.refresh();
    },
    heartbeat: (username, role) => touchPresence(username, role, {}),
    async presenceOf(username) {
      return { online: !!(await staffPresence(username))?.online };
    },
    async seenSince(username, since) {
      return seenAfter(username, since);
    },
    async overview() {
      const now = new Date();
      const st = await core.staffing(now);
      const people = await staffOfRoles(STAFF_ROLES);
      const active = await activeCasesByClaimTime();
      return {
        counsellors: people.map((p) => ({
          username: p.username, role: p.role, online: st.online.includes(p.username), load: st.load[p.username] ?? 0,
          limit: p.caseloadLimit ?? core.cfg.caseloadLimit, wrapUpUntil: st.wrapUp[p.username] ?? null,
        })),
        queue: await queue(now),
        // waitedMs: how long the person waited before a counsellor took the case; handledMs: since then.
        active: active.map((c) => ({ ...caseView(c), waitedMs: (c.claimedAt ?? now).getTime() - c.waitingSince.getTime(), handledMs: c.claimedAt ? now.getTime() - c.claimedAt.getTime() : 0 })),
      };
    },
    lineOpen: (now = new Date()) => isOpen(core.hours, now),
  };
}
