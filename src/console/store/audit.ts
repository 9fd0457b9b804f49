/**
 * The audit log: who did what and when, to which id, never message text (what is written
 * and how a failed log-in's typed name is hashed: ../audit.ts). Entries are deleted after
 * AUDIT_RETENTION_DAYS by the retention job (purgeExpiredAudit).
 */
import { defineModel, Schema } from '../../db/model';
import type { AuditAction } from '../../shared/staff';

/** One audit entry: actor, action, target (ids only). */
export interface AuditDoc {
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

const auditSchema = new Schema<AuditDoc>({
  at: { type: Date, required: true, index: true },
  actor: { type: String, default: null },
  action: { type: String, required: true },
  target: { type: String, default: null },
  detail: { type: Schema.Types.Mixed, default: {} },
}, { versionKey: false, minimize: false });

export const AuditModel = defineModel<AuditDoc>('Audit', 'audit', auditSchema);

/** Filters of the audit page: who, what, from (inclusive) and to (exclusive). */
export interface AuditFilter { actor?: string; action?: AuditAction; from?: Date; to?: Date }

function auditQuery(f: AuditFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.actor) q.actor = f.actor;
  if (f.action) q.action = f.action;
  if (f.from || f.to) q.at = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  return q;
}

/** Write one entry. */
export async function insertAuditEntry(entry: AuditDoc): Promise<void> {
  await AuditModel.create(entry);
}

/** Entries matching the filter, newest first, `skip` then at most `limit` of them. */
export async function findAuditEntries(f: AuditFilter, skip: number, limit: number): Promise<AuditDoc[]> {
  return AuditModel.find(auditQuery(f)).sort({ at: -1 }).skip(skip).limit(limit).lean<AuditDoc[]>();
}

/** How many entries match the filter. */
export async function countAuditEntries(f: AuditFilter): Promise<number> {
  return AuditModel.countDocuments(auditQuery(f));
}

/**
 * Erase on request: audit rows keep who did what, but no longer name the person's pid
 * (a counsellor's "block" names it as its target).
 */
export async function forgetPidInAudit(pid: string): Promise<number> {
  return (await AuditModel.updateMany({ target: pid }, { $set: { target: null } })).modifiedCount ?? 0;
}

/** Retention: delete entries written before `before` (now − AUDIT_RETENTION_DAYS); returns how many. */
export async function purgeExpiredAudit(before: Date): Promise<number> {
  return (await AuditModel.deleteMany({ at: { $lt: before } })).deletedCount;
}
