/**
 * Console routes for a night shift (issue #15, "nobody is missed" and Block): the on-duty
 * state as the server has it, the list of current blocks, and lifting a block. Mounted by
 * createConsole next to routes.ts; codes map to HTTP statuses here.
 */
import type { HandoffService } from '../handoff';
import { audit } from './audit';
import { anyUser, requireRole, SafeRouter, userOf } from './guard';
import { fail, param } from './http';


/** Register the routes on the console API router. */
export function registerAlertRoutes(r: SafeRouter, deps: { handoff: HandoffService }): void {
  const { handoff } = deps;

  // The on-duty switch shows this after a reload (not the browser's memory).
  r.get('/presence', anyUser(), async (req, res) => {
    res.json(await handoff.presenceOf(userOf(req).username));
  });

  // Who is blocked until when, for what coded reason (no text about the person, no pid).
  r.get('/blocks', requireRole('counsellor', 'supervisor', 'manager'), async (_req, res) => {
    res.json({ blocks: await handoff.blocks() });
  });

  // Any counsellor, supervisor or manager may lift a block (the one who set it may be off shift).
  r.post('/cases/:hid/unblock', requireRole('counsellor', 'supervisor', 'manager'), async (req, res) => {
    const u = userOf(req);
    const out = await handoff.unblock(u.username, param(req, 'hid'));
    if (!out.ok) return fail(res, out.code);
    await audit(u.username, 'unblock', out.pid, { hid: param(req, 'hid') });
    res.json({ ok: true });
  });
}
