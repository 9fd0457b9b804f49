/**
 * The daily retention purge (DESIGN safety rule 2): a cron job, not TTL indexes (FerretDB
 * v1 has none). Each step is one deleteMany on an indexed date field; counts are logged,
 * never contents.
 *
 * Why this file reads other areas' models: the purge must see every collection that
 * holds personal data, in one place an auditor can read. It only deletes; the areas
 * still own their schemas.
 */
import { ChatMessageModel, ConversationModel, InboxModel, InboxSeenModel } from '../conversations/store';
import { HandoffCaseModel, HandoffMessageModel } from '../handoff/store';
import { DeliveredModel, OutboxModel } from '../outbox/store';
import { AuditModel, SessionModel } from '../console/store';
import { log } from '../observability/log';

/** What the purge needs from the Config. */
export interface RetentionConfig {
  retentionDays: number;
  caseNoteRetentionDays: number;
  /** Days audit entries are kept (AUDIT_RETENTION_DAYS); AUDIT_RETENTION_DEFAULT_DAYS when not given. */
  auditRetentionDays?: number;
}

/** The default of AUDIT_RETENTION_DAYS. */
export const AUDIT_RETENTION_DEFAULT_DAYS = 365;

/** An extra purge another area plugs in (e.g. case notes): deletes what is older than `before`, returns the count. */
export interface ExtraPurge {
  name: string;
  run(before: Date, now: Date): Promise<number>;
}

/** Counts deleted per collection. */
export type PurgeCounts = Record<string, number>;

const DAY = 86_400_000;
/** Inbox and outbox rows are kept this long after they are done, for dedupe and a short audit. */
export const QUEUE_KEEP_DAYS = 3;
/** A handoff message is never purged younger than this, so a case being opened right now is not raced. */
const HANDOFF_GRACE_MS = 60 * 60_000;

/**
 * Purge what has outlived its purpose:
 * - conversations inactive for more than retentionDays (the sealed channel address goes with them),
 *   except those waiting for or talking with a counsellor;
 * - handoff messages of conversations that are no longer queued or with a counsellor and whose
 *   case no counsellor still holds (closed cases);
 * - failed inbox rows and the seen-updates log after 3 days, outbox rows sent/dead for more than 3 days;
 * - expired console sessions, and audit log entries older than auditRetentionDays;
 * - case notes older than caseNoteRetentionDays, through the `extra` purges of their owner.
 */
export async function purgeExpired(cfg: RetentionConfig, now: Date, extra: ExtraPurge[] = []): Promise<PurgeCounts> {
  const counts: PurgeCounts = {};
  const open = { $in: ['queued', 'with_counsellor'] };
  const convBefore = new Date(now.getTime() - cfg.retentionDays * DAY);
  counts.conversations = (await ConversationModel.deleteMany({ lastActivityAt: { $lt: convBefore }, status: { $nin: ['queued', 'with_counsellor'] } })).deletedCount;

  const openPids = (await ConversationModel.find({ status: open }, { pid: 1, _id: 0 }).lean<{ pid: string }[]>()).map((c) => c.pid);
  // A person who left while a counsellor held the case: the transcript stays readable until
  // the counsellor has filled in the close form (the handoff purges it then).
  openPids.push(...(await HandoffCaseModel.find({ status: 'active' }, { pid: 1, _id: 0 }).lean<{ pid: string }[]>()).map((c) => c.pid));
  counts.handoffMessages = (await HandoffMessageModel.deleteMany({
    pid: { $nin: openPids }, at: { $lt: new Date(now.getTime() - HANDOFF_GRACE_MS) },
  })).deletedCount;

  const queueBefore = new Date(now.getTime() - QUEUE_KEEP_DAYS * DAY);
  // Processed updates leave the inbox at once; what stays is only what failed for good.
  counts.inbox = (await InboxModel.deleteMany({ status: { $in: ['done', 'failed'] }, receivedAt: { $lt: queueBefore } })).deletedCount;
  counts.inboxSeen = (await InboxSeenModel.deleteMany({ at: { $lt: queueBefore } })).deletedCount;
  // Telegram lets a bot delete messages for 48 hours only; older ids are of no use.
  counts.chatMessageIds = (await ChatMessageModel.deleteMany({ at: { $lt: new Date(now.getTime() - 2 * DAY) } })).deletedCount;
  counts.delivered = (await DeliveredModel.deleteMany({ at: { $lt: queueBefore } })).deletedCount;
  counts.outbox = (await OutboxModel.deleteMany({ status: { $in: ['sent', 'dead'] }, createdAt: { $lt: queueBefore } })).deletedCount;
  counts.sessions = (await SessionModel.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
  const auditBefore = new Date(now.getTime() - (cfg.auditRetentionDays ?? AUDIT_RETENTION_DEFAULT_DAYS) * DAY);
  counts.audit = (await AuditModel.deleteMany({ at: { $lt: auditBefore } })).deletedCount;

  const notesBefore = new Date(now.getTime() - cfg.caseNoteRetentionDays * DAY);
  for (const p of extra) counts[p.name] = await p.run(notesBefore, now);
  log.info('retention purge', counts);
  return counts;
}
