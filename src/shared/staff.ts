/**
 * The staff vocabulary: console roles and audited actions. It lives here, below every area,
 * because the console enforces it and the label catalogue must label every entry of it
 * (content:check), and the console also reads the catalogue: one home, no import cycle.
 */

/** Roles a console user can have. */
export const STAFF_ROLES = ['counsellor', 'supervisor', 'manager', 'admin'] as const;
/** A console role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Actions we audit (each has a label in content/labels/<lang>.yaml, kind auditAction). */
export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'login_locked', 'logout',
  'claim', 'release', 'transfer', 'reassign', 'close', 'block', 'followup_claim',
  'online', 'offline', 'user_add', 'user_disable', 'user_enable', 'user_unlock', 'password_change', 'note_open',
  'monitor_start', 'monitor_end', 'wrapup_end', 'handover_add', 'handover_delete',
  'quicktext_add', 'quicktext_edit', 'quicktext_retire', 'quicktext_restore', 'unblock',
] as const;
/** An audited action. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
