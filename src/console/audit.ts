/**
 * The audit log: who did what, when, to which id. Never message text, never a note.
 * Managers and admins read it in the console.
 */
import { log } from '../observability/log';
import { AuditModel } from './store';

/** Actions we audit. */
export type AuditAction =
  | 'login' | 'login_failed' | 'login_locked' | 'logout'
  | 'claim' | 'release' | 'transfer' | 'reassign' | 'close' | 'block' | 'followup_claim'
  | 'online' | 'offline' | 'user_add' | 'user_disable' | 'user_enable' | 'password_change';

/** Record one action. An audit failure is logged, never thrown at the person acting. */
export async function audit(actor: string | null, action: AuditAction, target: string | null = null, detail: Record<string, unknown> = {}): Promise<void> {
  try {
    await AuditModel.create({ at: new Date(), actor, action, target, detail });
  } catch (err) {
    log.error('audit write failed', { action, err });
  }
}

/** One audit row as the console shows it. */
export interface AuditEntry { at: Date; actor: string | null; action: string; target: string | null; detail: Record<string, unknown> }

/** The newest entries first. */
export async function listAudit(limit = 200, skip = 0): Promise<AuditEntry[]> {
  const n = (x: number, max: number, dflt: number) => (Number.isSafeInteger(x) && x >= 0 ? Math.min(x, max) : dflt);
  const rows = await AuditModel.find({}).sort({ at: -1 }).skip(n(skip, 1_000_000, 0)).limit(n(limit, 1000, 200) || 200).lean();
  return rows.map((r) => ({ at: r.at, actor: r.actor ?? null, action: r.action, target: r.target ?? null, detail: r.detail ?? {} }));
}
