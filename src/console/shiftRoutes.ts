/**
 * Shift routes (mounted at /console/api with the other routes):
 * - handover notes: everyone on the console reads the recent ones; counsellors, supervisors
 *   and managers write; the author, a supervisor or a manager deletes (audited, no text);
 * - quick-insert texts: managers list, create, edit, retire and restore them (audited);
 *   counsellors get the active ones through GET /cases/:hid/quick (routes.ts).
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { FlowSet } from '../engine';
import { audit } from './audit';
import { anyUser, requireRole, SafeRouter, userOf } from './guard';
import { createHandover, NOTE_MAX } from './handover';
import { createQuickText, editQuickText, listQuickTexts, QuickTextBody, setQuickTextRetired } from './quickTexts';
import { param } from './http';

const NoteBody = z.object({ text: z.string().max(NOTE_MAX * 2) });

function parse<T>(schema: z.ZodType<T>, input: unknown, res: Response): T | null {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  res.status(400).json({ error: 'invalid', details: r.error.issues.map((i) => i.path.join('.')).slice(0, 10) });
  return null;
}

/** Register the handover-note and quick-text routes. */
export function registerShiftRoutes(r: SafeRouter, deps: { flows?: FlowSet; handoverNoteHours: number }): ReturnType<typeof createHandover> {
  const notes = createHandover(deps.handoverNoteHours);
  const writers = () => requireRole('counsellor', 'supervisor', 'manager');
  const managers = () => requireRole('manager');

  r.get('/handover', anyUser(), async (req, res) => {
    res.json({ hours: notes.hours, notes: await notes.list(userOf(req)) });
  });

  r.post('/handover', writers(), async (req, res) => {
    const b = parse(NoteBody, req.body, res);
    if (!b) return;
    const u = userOf(req);
    const out = await notes.add(u.username, b.text);
    if (!out.ok) return res.status(400).json({ error: out.code });
    await audit(u.username, 'handover_add', out.nid);
    res.status(201).json({ nid: out.nid });
  });

  r.post('/handover/:nid/delete', writers(), async (req, res) => {
    const u = userOf(req);
    const out = await notes.remove(u, param(req, 'nid'));
    if (!out.ok) return res.status(out.code === 'forbidden' ? 403 : 404).json({ error: out.code });
    await audit(u.username, 'handover_delete', param(req, 'nid'), { author: out.author });
    res.json({ ok: true });
  });

  r.get('/quicktexts', managers(), async (_req, res) => { res.json({ texts: await listQuickTexts(deps.flows) }); });

  r.post('/quicktexts', managers(), async (req, res) => {
    const b = parse(QuickTextBody, req.body, res);
    if (!b) return;
    res.status(201).json({ qid: await createQuickText(userOf(req).username, b) });
  });

  r.post('/quicktexts/:qid', managers(), async (req, res) => {
    const b = parse(QuickTextBody, req.body, res);
    if (!b) return;
    if (!(await editQuickText(userOf(req).username, param(req, 'qid'), b))) return res.status(404).json({ error: 'not_found' });
    res.json({ ok: true });
  });

  for (const [action, retired] of [['retire', true], ['restore', false]] as const) {
    r.post(`/quicktexts/:qid/${action}`, managers(), async (req, res) => {
      if (!(await setQuickTextRetired(userOf(req).username, param(req, 'qid'), retired))) return res.status(404).json({ error: 'not_found' });
      res.json({ ok: true });
    });
  }
  return notes;
}
