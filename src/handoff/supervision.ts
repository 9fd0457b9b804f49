/**
 * Supervision and wrap-up. A supervisor may view any live case read-only, to support the
 * counsellor: the view starts with watch() (the console audits it) and puts a system row in
 * the counsellor's chat ("supervisor X is viewing"), and the counsellor's case list names who
 * is viewing while the supervisor's panel is open (renewed by each read, gone two minutes
 * after the last). A supervisor never writes to the person. Wrap-up: after a close the
 * counsellor has WRAPUP_MINUTES before a transfer reaches them; they can end it early.
 */
import type { Core } from './core';
import type { LiveMessage } from './relay';
import { activeCase, clearWrapUp, deleteStaleWatches, endWatch, freshWatchesOf, HandoffCaseDoc, renewWatch, staffPresence, startOrRenewWatch } from './store';
import type { Result } from './types';

/** A viewer counts as present while their panel read the case this recently. */
export const WATCH_FRESH_MS = 2 * 60_000;

/** What supervisors and wrap-up add to the handoff service. */
export interface Supervision {
  /** Start viewing a live case read-only; the counsellor sees it at once. */
  watch(supervisor: string, hid: string): Promise<Result<{ counsellorId: string }>>;
  /** Stop viewing; the counsellor sees that too. */
  unwatch(supervisor: string, hid: string): Promise<Result<{ counsellorId: string | null }>>;
  /** The messages of a case the supervisor is viewing (renews the view). */
  messages(supervisor: string, hid: string, afterSeq?: number): Promise<Result<{ messages: LiveMessage[]; counsellorId: string | null }>>;
  /** Who is viewing each of these cases now. */
  watchersOf(hids: string[], now?: Date): Promise<Record<string, string[]>>;
  /** Until when this counsellor wraps up (null: not wrapping up). */
  wrapUpOf(username: string, now?: Date): Promise<Date | null>;
  /** End the wrap-up early; false when there was none. */
  endWrapUp(username: string, now?: Date): Promise<boolean>;
}

/** Build the supervision part over the shared core. */
export function createSupervision(core: Core): Supervision {
  const { relay, feed } = core;
  const tellCounsellor = async (c: HandoffCaseDoc, supervisor: string) => {
    const to = [...(c.counsellorId ? [c.counsellorId] : []), supervisor];
    await feed.publish({ kind: 'message', hid: c.hid, counsellors: to });
    await feed.publish({ kind: 'case', hid: c.hid, counsellors: to });
  };

  return {
    async watch(supervisor, hid) {
      const c = await activeCase(hid);
      if (!c || !c.counsellorId) return { ok: false, code: 'not_found' };
      if (c.counsellorId === supervisor) return { ok: false, code: 'invalid' };
      const now = new Date();
      await deleteStaleWatches(new Date(now.getTime() - 3_600_000));
      const started = await startOrRenewWatch(hid, c.pid, supervisor, c.counsellorId, now);
      // One row in the chat per view, not per reload of the panel.
      if (started) await relay.add(hid, c.pid, 'system', 'supervisor_viewing', supervisor, now);
      await tellCounsellor(c, supervisor);
      return { ok: true, counsellorId: c.counsellorId };
    },
    async unwatch(supervisor, hid) {
      if (!(await endWatch(hid, supervisor))) return { ok: false, code: 'not_found' };
      const c = await activeCase(hid);
      if (c) {
        await relay.add(hid, c.pid, 'system', 'supervisor_left', supervisor);
        await tellCounsellor(c, supervisor);
      }
      return { ok: true, counsellorId: c?.counsellorId ?? null };
    },
    async messages(supervisor, hid, afterSeq = 0) {
      const c = await activeCase(hid);
      if (!c) return { ok: false, code: 'not_found' };
      // Reading needs a started (and audited) view: no silent reading.
      if (!(await renewWatch(hid, supervisor))) return { ok: false, code: 'forbidden' };
      return { ok: true, messages: await relay.list(hid, afterSeq), counsellorId: c.counsellorId };
    },
    async watchersOf(hids, now = new Date()) {
      const out: Record<string, string[]> = {};
      if (hids.length === 0) return out;
      const rows = await freshWatchesOf(hids, new Date(now.getTime() - WATCH_FRESH_MS));
      for (const w of rows) (out[w.hid] ??= []).push(w.supervisor);
      return out;
    },
    async wrapUpOf(username, now = new Date()) {
      const p = await staffPresence(username);
      return p?.wrapUpUntil && p.wrapUpUntil > now ? p.wrapUpUntil : null;
    },
    async endWrapUp(username, now = new Date()) {
      const p = await staffPresence(username);
      if (!p?.wrapUpUntil || p.wrapUpUntil <= now) return false;
      await clearWrapUp(username);
      await feed.publish({ kind: 'presence', hid: null, counsellors: [username] });
      await core.line.refresh();
      return true;
    },
  };
}
