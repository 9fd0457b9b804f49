/**
 * The returning person's history (same pseudonymous id): the earlier handoff episodes with
 * the counsellor's coded disposition, and the counsellor notes still within retention. A note
 * stays sealed (AES-256-GCM, shared/crypto.ts FieldCipher) until a permitted staff member opens
 * it; the console route audits every opening. Never any message text: live messages are
 * purged when a case closes.
 */
import type { Core } from './core';
import { CaseDisposition, endedCasesOf, HandoffCaseDoc, liveNote, liveNotesOf } from './store';

/** One earlier episode as the case view shows it (codes; the console labels them). */
export interface EpisodeView {
  hid: string; channel: string; startedAt: Date; endedAt: Date | null; outcome: string | null; danger: boolean;
  counsellorId: string | null; disposition: CaseDisposition | null;
  /** A note of this episode is still kept (opening it is audited); when it is deleted. */
  note: { author: string; createdAt: Date; deleteAfter: Date } | null;
}

/** How many earlier episodes are shown. */
const MAX_EPISODES = 20;

/** History reads over the shared core. */
export interface HandoffHistory {
  /** Earlier ended episodes of the person of case `hid` (not `hid` itself), newest first; null when no such case. */
  episodes(hid: string, now?: Date): Promise<EpisodeView[] | null>;
  /** The note of episode `noteHid` if it belongs to the same person as case `hid` and is within retention. */
  openNote(hid: string, noteHid: string, now?: Date): Promise<{ ok: true; text: string; author: string; createdAt: Date } | { ok: false; code: 'not_found' }>;
}

/** Build the history reads. */
export function createHistory(core: Core, caseOf: (hid: string) => Promise<HandoffCaseDoc | null>): HandoffHistory {
  return {
    async episodes(hid, now = new Date()) {
      const c = await caseOf(hid);
      if (!c) return null;
      const [ended, notes] = await Promise.all([endedCasesOf(c.pid, MAX_EPISODES + 1), liveNotesOf(c.pid, now)]);
      const byHid = new Map(notes.map((n) => [n.hid, n]));
      return ended.filter((e) => e.hid !== hid).slice(0, MAX_EPISODES).map((e) => {
        const n = byHid.get(e.hid);
        return {
          hid: e.hid, channel: e.channel, startedAt: e.waitingSince, endedAt: e.endedAt ?? null, outcome: e.outcome ?? null, danger: !!e.danger,
          counsellorId: e.counsellorId ?? null, disposition: e.disposition ?? null,
          note: n ? { author: n.author, createdAt: n.createdAt, deleteAfter: n.deleteAfter } : null,
        };
      });
    },

    async openNote(hid, noteHid, now = new Date()) {
      const c = await caseOf(hid);
      const n = c && noteHid !== hid ? await liveNote(noteHid, now) : null;
      if (!c || !n || n.pid !== c.pid) return { ok: false, code: 'not_found' };
      try {
        return { ok: true, text: core.deps.cipher.open(n.noteSealed), author: n.author, createdAt: n.createdAt };
      } catch {
        // Sealed with a key no longer configured: as good as deleted.
        return { ok: false, code: 'not_found' };
      }
    },
  };
}
