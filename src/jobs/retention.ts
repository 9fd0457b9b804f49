/**
 * The daily retention purge (DESIGN safety rule 2): a cron job, not TTL indexes (FerretDB
 * v1 has none). Each step is one deleteMany on an indexed date field; counts are logged,
 * never contents.
 *
 * Every collection that holds personal data is named here, in one place an auditor can
 * read, with how long it is kept; each area deletes its own rows through its store.
 */
import {
  pidsWithCounsellorOrQueued, purgeChatMessageIds, purgeFinishedInboxRows, purgeInactiveConversations, purgeSeenUpdates,
} from '../conversations/store';
import { purgeClosedCaseMessages } from '../handoff';
import { purgeDeliveredMarks, purgeFinishedRows } from '../outbox';
import { purgeExpiredAudit, purgeExpiredSessions } from '../console';
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
  counts.conversations = await purgeInactiveConversations(new Date(now.getTime() - cfg.retentionDays * DAY));
  // The messages of a case stay while its conversation is queued or with a counsellor, or a counsellor holds the case.
  counts.handoffMessages = await purgeClosedCaseMessages(await pidsWithCounsellorOrQueued(), new Date(now.getTime() - HANDOFF_GRACE_MS));

  const queueBefore = new Date(now.getTime() - QUEUE_KEEP_DAYS * DAY);
  // Processed updates leave the inbox at once; what stays is only what failed for good.
  counts.inbox = await purgeFinishedInboxRows(queueBefore);
  counts.inboxSeen = await purgeSeenUpdates(queueBefore);
  // Telegram lets a bot delete messages for 48 hours only; older ids are of no use.
  counts.chatMessageIds = await purgeChatMessageIds(new Date(now.getTime() - 2 * DAY));
  counts.delivered = await purgeDeliveredMarks(queueBefore);
  counts.outbox = await purgeFinishedRows(queueBefore);

  counts.sessions = await purgeExpiredSessions(now);
  counts.audit = await purgeExpiredAudit(new Date(now.getTime() - (cfg.auditRetentionDays ?? AUDIT_RETENTION_DEFAULT_DAYS) * DAY));

  const notesBefore = new Date(now.getTime() - cfg.caseNoteRetentionDays * DAY);
  for (const p of extra) counts[p.name] = await p.run(notesBefore, now);
  log.info('retention purge', counts);
  return counts;
}
