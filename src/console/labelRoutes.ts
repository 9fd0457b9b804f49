/**
 * Console routes of the label catalogue and the returning person's history (issue #15):
 *   GET  /labels?lang=vi|en                     every code's label in one language (any user)
 *   GET  /cases/:hid/history                    earlier episodes of the same person (codes, dates, notes kept)
 *   POST /cases/:hid/history/:noteHid/note      open an earlier episode's counsellor note (audited)
 * History is for the counsellor handling the case, or a supervisor (who oversees every case);
 * managers read no live chat and no counsellor note, so they are not on the guard's list.
 */
import type { Request, Response } from 'express';
import { createHistory, type HandoffService } from '../handoff';
import { catalogue } from '../labels';
import { audit } from './audit';
import { anyUser, requireRole, SafeRouter, userOf } from './guard';
import { param } from './http';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Register the label and history routes. */
export function registerLabelRoutes(r: SafeRouter, handoff: HandoffService): void {
  const history = createHistory(handoff.core, (hid) => handoff.caseOf(hid));

  r.get('/labels', anyUser(), (req, res) => {
    const lang = req.query.lang === undefined ? 'vi' : req.query.lang;
    if (lang !== 'vi' && lang !== 'en') return res.status(400).json({ error: 'invalid', details: ['lang'] });
    res.set('Cache-Control', 'private, max-age=300').json({ lang, labels: catalogue()[lang] });
  });

  /** The case if the user may see its person's history: its counsellor, or a supervisor. */
  async function permitted(req: Request, res: Response): Promise<boolean> {
    const hid = param(req, 'hid');
    if (!ID.test(hid)) { res.status(400).json({ error: 'invalid', details: ['hid'] }); return false; }
    const c = await handoff.caseOf(hid);
    if (!c) { res.status(404).json({ error: 'not_found' }); return false; }
    const u = userOf(req);
    if (u.role === 'counsellor' && (c.status !== 'active' || c.counsellorId !== u.username)) { res.status(403).json({ error: 'forbidden' }); return false; }
    return true;
  }

  r.get('/cases/:hid/history', requireRole('counsellor', 'supervisor'), async (req, res) => {
    if (!(await permitted(req, res))) return;
    res.set('Cache-Control', 'no-store').json({ episodes: (await history.episodes(param(req, 'hid'))) ?? [] });
  });

  r.post('/cases/:hid/history/:noteHid/note', requireRole('counsellor', 'supervisor'), async (req, res) => {
    const noteHid = param(req, 'noteHid');
    if (!ID.test(noteHid)) return res.status(400).json({ error: 'invalid', details: ['noteHid'] });
    if (!(await permitted(req, res))) return;
    const out = await history.openNote(param(req, 'hid'), noteHid);
    if (!out.ok) return res.status(404).json({ error: out.code });
    // Who opened which episode's note, from which case: never the note itself.
    await audit(userOf(req).username, 'note_open', noteHid, { hid: param(req, 'hid'), author: out.author });
    res.set('Cache-Control', 'no-store').json({ text: out.text, author: out.author, createdAt: out.createdAt });
  });
}
