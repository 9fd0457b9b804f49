/**
 * Shift handover notes: what the next shift should know about the line (a tool that failed,
 * a pattern of requests, a service that is closed), never about a person. A note that looks
 * like it names someone's phone number, e-mail, account id or case id is refused with the
 * reason, rather than silently altered: the writer rephrases. The same patterns keep such
 * data out of the logs (observability/redact.ts), so one rule serves both. Notes are shown
 * for HANDOVER_NOTE_HOURS and deleted after that; the author, a supervisor or a manager may
 * delete one earlier (audited, without the text).
 */
import { randomBytes } from 'node:crypto';
import { redactString } from '../observability/redact';
import { deleteNote, findNote, insertNote, purgeExpiredHandoverNotes, recentNotes } from './store';

/** Longest note. */
export const NOTE_MAX = 1000;
/** A case id (`h` + 23 hex): it points at one person's case. */
const CASE_ID = /\bh[0-9a-f]{23}\b/i;
/**
 * Nine digits or more, grouped any way: a phone number in any country's format. Short service
 * numbers (113, 111, 1900 xxxx) pass; a service's full number is refused too: name the
 * service, the directory has its number.
 */
const LONG_NUMBER = /(?:\+?\d[\s.()-]{0,2}){9,}/;

/** A note as the console shows it. */
export interface NoteView { nid: string; author: string; text: string; createdAt: Date; deletable: boolean }

/** Why a note is refused: empty/too long, or it seems to carry personal data. */
export type NoteProblem = 'invalid' | 'personal_data';

/** What is wrong with a note's text, or null. */
export function noteProblem(text: string): NoteProblem | null {
  const t = text.trim();
  if (!t || t.length > NOTE_MAX) return 'invalid';
  if (redactString(t) !== t || CASE_ID.test(t) || LONG_NUMBER.test(t)) return 'personal_data';
  return null;
}

/** May this user delete this note? Its author, supervisors and managers. */
export const mayDeleteNote = (user: { username: string; role: string }, author: string) =>
  user.username === author || user.role === 'supervisor' || user.role === 'manager';

/** Handover notes of the console. */
export function createHandover(hours: number) {
  const since = (now: Date) => new Date(now.getTime() - hours * 3_600_000);
  return {
    hours,
    async list(user: { username: string; role: string }, now = new Date()): Promise<NoteView[]> {
      await purgeExpiredHandoverNotes(since(now));
      return (await recentNotes(since(now))).map((n) => ({ nid: n.nid, author: n.author, text: n.text, createdAt: n.createdAt, deletable: mayDeleteNote(user, n.author) }));
    },
    async add(author: string, text: string): Promise<{ ok: true; nid: string } | { ok: false; code: NoteProblem }> {
      const problem = noteProblem(text);
      if (problem) return { ok: false, code: problem };
      const nid = 'n' + randomBytes(9).toString('hex');
      await insertNote({ nid, author, text: text.trim(), createdAt: new Date() });
      return { ok: true, nid };
    },
    async remove(user: { username: string; role: string }, nid: string): Promise<{ ok: true; author: string } | { ok: false; code: 'not_found' | 'forbidden' }> {
      const n = await findNote(nid);
      if (!n) return { ok: false, code: 'not_found' };
      if (!mayDeleteNote(user, n.author)) return { ok: false, code: 'forbidden' };
      await deleteNote(nid);
      return { ok: true, author: n.author };
    },
    /** The retention job's step: notes older than the window go. */
    purge: (now: Date) => purgeExpiredHandoverNotes(since(now)),
  };
}

/** The handover notes service. */
export type Handover = ReturnType<typeof createHandover>;
