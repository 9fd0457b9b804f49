/**
 * The small HTTP helpers every console router shares: a route parameter as a string, and a
 * handoff failure code answered with its status (one table, so the same code gets the same
 * status from every route).
 */
import type { Request, Response } from 'express';
import type { FailCode } from '../handoff';

/** HTTP status of each handoff failure code. */
export const FAIL_STATUS: Record<FailCode, number> = {
  not_found: 404, conflict: 409, forbidden: 403, caseload_full: 409, not_online: 409, closed_hours: 409, outside_window: 409, invalid: 400, in_wrapup: 409,
};

/** Answer a failure code (an unknown code is a 400). */
export const fail = (res: Response, code: FailCode | string) => res.status(FAIL_STATUS[code as FailCode] ?? 400).json({ error: code });

/** A route parameter, '' when absent. */
export const param = (req: Request, name: string) => String(req.params[name] ?? '');
