/**
 * Supervision and wrap-up routes (mounted at /console/api with the other routes):
 * - a supervisor views a live case read-only: POST .../watch starts the view (audited, and the
 *   counsellor sees "supervisor X is viewing" in their chat), GET .../messages reads it while
 *   the view lasts, POST .../unwatch ends it (audited, shown too);
 * - a counsellor or supervisor reads their wrap-up time and may end it early (audited).
 * Managers and admins never reach message text here.
 */
import { z } from 'zod';
import type { HandoffService } from '../handoff';
import { audit } from './audit';
import { requireRole, SafeRouter, userOf } from './guard';
import { fail, param } from './http';

const AfterQuery = z.object({ after: z.string().regex(/^\d{1,7}$/).transform(Number).optional() });

/** Register the supervision and wrap-up routes. */
export function registerSupervisionRoutes(r: SafeRouter, handoff: HandoffService): void {
  const sup = handoff.supervision;
  const supervisor = () => requireRole('supervisor');

  r.post('/supervision/cases/:hid/watch', supervisor(), async (req, res) => {
    const u = userOf(req);
    const out = await sup.watch(u.username, param(req, 'hid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'monitor_start', param(req, 'hid'), { counsellor: out.counsellorId });
    res.json({ ok: true, counsellorId: out.counsellorId });
  });

  r.get('/supervision/cases/:hid/messages', supervisor(), async (req, res) => {
    const q = AfterQuery.safeParse(req.query ?? {});
    if (!q.success) return fail(res, 'invalid');
    const out = await sup.messages(userOf(req).username, param(req, 'hid'), q.data.after ?? 0);
    if (!out.ok) return fail(res, out.code);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ messages: out.messages, counsellorId: out.counsellorId, readOnly: true });
  });

  r.post('/supervision/cases/:hid/unwatch', supervisor(), async (req, res) => {
    const u = userOf(req);
    const out = await sup.unwatch(u.username, param(req, 'hid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'monitor_end', param(req, 'hid'), { counsellor: out.counsellorId });
    res.json({ ok: true });
  });

  const counselling = () => requireRole('counsellor', 'supervisor');
  r.get('/wrapup', counselling(), async (req, res) => {
    const until = await sup.wrapUpOf(userOf(req).username);
    res.json({ until, leftMs: until ? until.getTime() - Date.now() : 0 });
  });

  r.post('/wrapup/end', counselling(), async (req, res) => {
    const u = userOf(req);
    const ended = await sup.endWrapUp(u.username);
    if (ended) await audit(u.username, 'wrapup_end');
    res.json({ ok: true, ended });
  });
}
