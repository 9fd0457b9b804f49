/**
 * Conversations and the inbox of received updates.
 *
 * Every hot-path read and write addresses a document by its `_id` alone, because that is
 * the one filter the embedded FerretDB hands to SQLite's index: any other filter (even
 * `{_id, version}`) reads and decodes the whole collection, so the cost of a message grew
 * with the number of people and updates ever seen (measured: see README, Performance).
 * - conversations: `_id` = pid; the engine state and handoff status; the channel address
 *   sealed (AES-GCM). Writes run under the pid's lock (pidLock.ts); `version` counts saves.
 * - inbox: updates received and not yet processed, `_id` = "<channel>:<updateId>" (unique,
 *   so a redelivery while pending is recognised). The sealed inbound is kept only until
 *   processed, so an update acknowledged before a crash is still processed after restart.
 *   Processed rows leave the inbox for the insert-only `inbox_seen` log, which keeps the
 *   inbox (scanned by the per-pid and recovery queries) as small as the work in flight.
 */
import { GroupInsert } from '../db/groupInsert';
import { defineModel, Schema } from '../db/model';

/** Stored conversation. */
export interface ConversationDoc {
  /** The pid (see the module comment). */
  _id?: string;
  pid: string;
  channel: string;
  addressSealed: string | null;
  lang: string;
  state: Record<string, unknown>;
  status: 'bot' | 'queued' | 'with_counsellor' | 'closed';
  version: number;
  /** Telegram message ids of this conversation (bot and person), for leave-no-trace deletion. */
  messageIds: { id: string; at: Date }[];
  caseId: string | null;
  episodeStartedAt: Date | null;
  lastActivityAt: Date;
  createdAt: Date;
  blockedUntil: Date | null;
  handoff: Record<string, unknown> | null;
  /** Counter for outbox seq numbers of this conversation (allocated with $inc). */
  outSeq: number;
  /** Ids of the last updates applied to the state, so a re-run after a crash is not applied twice. */
  recentUpdates: string[];
  /**
   * Replies and events of the last step, sealed, written in the same atomic update as the
   * state, then moved to the outbox and the event sinks and cleared. If the process dies
   * in between, the next processing of this pid finishes the move (the outbox dedupe key
   * makes that idempotent).
   */
  pendingSealed: string | null;
}

const conversationSchema = new Schema<ConversationDoc>({
  _id: { type: String },
  pid: { type: String, required: true, unique: true },
  channel: { type: String, required: true },
  addressSealed: { type: String, default: null },
  lang: { type: String, default: 'vi' },
  state: { type: Schema.Types.Mixed, default: {} },
  status: { type: String, default: 'bot', index: true },
  version: { type: Number, default: 0 },
  messageIds: { type: [{ id: String, at: Date, _id: false }], default: [] },
  caseId: { type: String, default: null },
  episodeStartedAt: { type: Date, default: null },
  lastActivityAt: { type: Date, required: true, index: true },
  createdAt: { type: Date, required: true },
  blockedUntil: { type: Date, default: null },
  handoff: { type: Schema.Types.Mixed, default: null },
  outSeq: { type: Number, default: 0 },
  recentUpdates: { type: [String], default: [] },
  pendingSealed: { type: String, default: null },
}, { versionKey: false, minimize: false });

// A conversation created through the model (tests, tools) gets its _id from its pid.
conversationSchema.pre('validate', function setIdFromPid() { if (this._id === undefined || this._id === null) this._id = this.pid; });

export const ConversationModel = defineModel<ConversationDoc>('Conversation', 'conversations', conversationSchema);

/** A received update: deduplication key plus the sealed inbound until it is processed. */
export interface InboxDoc {
  /** inboxKey(channel, updateId). */
  _id: string;
  channel: string;
  updateId: string;
  pid: string;
  inboundSealed: string | null;
  status: 'pending' | 'processing' | 'done' | 'failed';
  attempts: number;
  lockedUntil: Date | null;
  receivedAt: Date;
  processedAt: Date | null;
}

const inboxSchema = new Schema<InboxDoc>({
  _id: { type: String },
  channel: { type: String, required: true },
  updateId: { type: String, required: true },
  pid: { type: String, required: true },
  inboundSealed: { type: String, default: null },
  status: { type: String, default: 'pending' },
  attempts: { type: Number, default: 0 },
  lockedUntil: { type: Date, default: null },
  receivedAt: { type: Date, required: true },
  processedAt: { type: Date, default: null },
}, { versionKey: false });
inboxSchema.index({ channel: 1, updateId: 1 }, { unique: true });
inboxSchema.index({ status: 1, receivedAt: 1 });
inboxSchema.index({ pid: 1, receivedAt: 1 });

export const InboxModel = defineModel<InboxDoc>('Inbox', 'inbox', inboxSchema);

/** Inbox rows are inserted in groups (group commit): many webhooks recorded in one write. */
export const inboxInserts = new GroupInsert(() => InboxModel as never);

/** The inbox `_id` of an update: unique per channel. */
export function inboxKey(channel: string, updateId: string): string {
  return `${channel}:${updateId}`;
}

/**
 * Updates already processed (insert-only, `_id` = inboxKey), kept a few days so a late
 * redelivery is still answered once. Read by `_id` only.
 */
export interface InboxSeenDoc { _id: string; at: Date }
const inboxSeenSchema = new Schema<InboxSeenDoc>({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
export const InboxSeenModel = defineModel<InboxSeenDoc>('InboxSeen', 'inbox_seen', inboxSeenSchema);
/** Seen-log rows are inserted in groups (group commit). */
export const seenInserts = new GroupInsert(() => InboxSeenModel as never);

/** Lean reads skip schema defaults, and an upsert may not store empty arrays: fill them in. */
function withArrays(c: ConversationDoc): ConversationDoc {
  return { ...c, recentUpdates: c.recentUpdates ?? [], messageIds: c.messageIds ?? [], outSeq: c.outSeq ?? 0, pendingSealed: c.pendingSealed ?? null, blockedUntil: c.blockedUntil ?? null };
}

// --- The message path (pipeline): every read and write by `_id`, except the inbox scans. ---

/** True when the update was processed before (the seen log). */
export async function seenBefore(key: string): Promise<boolean> {
  return !!(await InboxSeenModel.exists({ _id: key }));
}

/** Record an update as processed (idempotent: a duplicate key means it was marked before). */
export async function markSeenRow(key: string, at: Date): Promise<void> {
  await seenInserts.insert({ _id: key, at });
}

/** Record a received update (group commit); 'duplicate' when it is in flight already. */
export function recordInbox(row: InboxDoc): Promise<'inserted' | 'duplicate'> {
  return inboxInserts.insert(row as unknown as Record<string, unknown>);
}

/**
 * The oldest pending update of a pid, from any instance. On the embedded database this filter
 * reads the whole inbox (only `{_id}` uses an index there), so the pipeline asks it only when
 * another instance may hold updates of the same person (claimNext in pipeline/index.ts); on MongoDB the
 * {pid, receivedAt} index answers it.
 */
export function oldestPendingOf(pid: string): Promise<InboxDoc | null> {
  return InboxModel.findOne({ pid, status: 'pending' }).sort({ receivedAt: 1, _id: 1 }).lean<InboxDoc>().exec();
}

/** Pending updates received before `before` (the recovery scan), oldest first: pid and key only. */
export function pendingBefore(before: Date, limit: number): Promise<Pick<InboxDoc, '_id' | 'pid' | 'receivedAt'>[]> {
  return InboxModel.find({ status: 'pending', receivedAt: { $lt: before } }, { pid: 1, receivedAt: 1 }).sort({ receivedAt: 1 }).limit(limit).lean<Pick<InboxDoc, '_id' | 'pid' | 'receivedAt'>[]>().exec();
}

/** An inbox row by key (an adopted update's sealed inbound). */
export function inboxRow(key: string): Promise<InboxDoc | null> {
  return InboxModel.findOne({ _id: key }).lean<InboxDoc>().exec();
}

/** Count a failed attempt; `failed` gives the update up (its sealed text goes). */
export async function recordAttempt(key: string, attempts: number, failed: boolean): Promise<void> {
  await InboxModel.updateOne({ _id: key }, { $set: { attempts, ...(failed ? { status: 'failed', inboundSealed: null } : {}) } });
}

/** Processed: the update leaves the inbox (its key is in the seen log already). */
export async function removeFromInbox(key: string): Promise<void> {
  await InboxModel.deleteOne({ _id: key });
}

/** True when a conversation exists for the pid. */
export async function conversationExists(pid: string): Promise<boolean> {
  return !!(await ConversationModel.exists({ _id: pid }));
}

/** A conversation by pid, arrays filled in; null when there is none. */
export async function conversationOf(pid: string): Promise<ConversationDoc | null> {
  const found = await ConversationModel.findOne({ _id: pid }).lean<ConversationDoc>();
  return found ? withArrays(found) : null;
}

/** Create the conversation on first contact, or give an erased one its address back. */
export async function openConversation(pid: string, channel: string, addressSealed: string, lang: string, now: Date): Promise<ConversationDoc> {
  const created = await ConversationModel.findOneAndUpdate(
    { _id: pid },
    {
      $set: { addressSealed },
      $setOnInsert: {
        pid, channel, lang, state: {}, status: 'bot', version: 0,
        lastActivityAt: now, createdAt: now, outSeq: 0, recentUpdates: [], messageIds: [], pendingSealed: null,
        blockedUntil: null, handoff: null, caseId: null, episodeStartedAt: null,
      },
    },
    { upsert: true, new: true },
  ).lean<ConversationDoc>();
  return withArrays(created!);
}

/**
 * Save one step: state, its sealed replies/events and the updates applied, in ONE update by
 * `_id` (the caller holds the pid's lock, so nobody else writes the conversation: no version
 * in the filter, which would make the embedded database scan the collection).
 */
export async function saveStep(pid: string, set: Pick<ConversationDoc, 'state' | 'lang' | 'lastActivityAt' | 'pendingSealed' | 'recentUpdates'>): Promise<ConversationDoc | null> {
  const saved = await ConversationModel.findOneAndUpdate({ _id: pid }, { $set: set, $inc: { version: 1 } }, { new: true }).lean<ConversationDoc>();
  return saved ? withArrays(saved) : null;
}

// --- The console's control of a conversation (control.ts; writes under the pid's lock). ---

/** The status of a conversation, or null when there is none. */
export async function conversationStatusOf(pid: string): Promise<ConversationDoc['status'] | null> {
  return (await ConversationModel.findOne({ _id: pid }, { status: 1 }).lean<ConversationDoc>())?.status ?? null;
}

/** The language of a conversation, or null. */
export async function conversationLangOf(pid: string): Promise<string | null> {
  return (await ConversationModel.findOne({ _id: pid }, { lang: 1 }).lean<ConversationDoc>())?.lang ?? null;
}

/** Set the status (and other handoff fields) of a conversation. */
export async function setConversationStatus(pid: string, status: ConversationDoc['status'], set: Record<string, unknown>): Promise<void> {
  await ConversationModel.updateOne({ _id: pid }, { $set: { status, ...set } });
}

/** Block (or unblock, null) a person until then. */
export async function setConversationBlockedUntil(pid: string, until: Date | null): Promise<void> {
  await ConversationModel.updateOne({ _id: pid }, { $set: { blockedUntil: until } });
}

/** Save a state the console moved the person to (no step: no pending, no update id). */
export async function saveEnteredState(pid: string, state: Record<string, unknown>, lang: string): Promise<void> {
  await ConversationModel.updateOne({ _id: pid }, { $set: { state, lang }, $inc: { version: 1 } });
}

/** The Telegram message ids kept for a pid (leave-no-trace deletion). */
export function messageIdsOf(pid: string): Promise<{ id: string; at: Date }[]> {
  return ChatMessageModel.find({ pid }, { id: 1, at: 1 }).lean<{ id: string; at: Date }[]>().exec();
}

/** Forget a pid's message ids up to `until` (they were deleted). */
export async function forgetMessageIds(pid: string, until: Date): Promise<void> {
  await ChatMessageModel.deleteMany({ pid, at: { $lte: until } });
}

/** Keep one message id of a pid (group commit). */
export async function rememberMessageId(pid: string, id: string, at: Date): Promise<void> {
  await chatMessageInserts.insert({ pid, id, at });
}

/**
 * Instances running the pipeline: a heartbeat row each (`_id` = instance id, until when it is
 * alive). An instance alone on the database keeps each person's work in memory and never
 * asks the inbox per message (pipeline/membership.ts); with two or more alive they order
 * each person's updates through the inbox, as the database is the only thing they share.
 */
interface InstanceDoc { _id: string; until: Date }
const InstanceModel = defineModel<InstanceDoc>('PipelineInstance', 'pipeline_instances', new Schema<InstanceDoc>({ _id: { type: String }, until: { type: Date, required: true } }, { versionKey: false }));

/** Say this instance is alive until `until`. */
export async function beat(instance: string, until: Date): Promise<void> {
  await InstanceModel.updateOne({ _id: instance }, { $set: { until } }, { upsert: true });
}

/** Ids of the instances alive at `now` (a small collection: one row per running process). */
export async function aliveInstances(now: Date): Promise<string[]> {
  return (await InstanceModel.find({ until: { $gt: now } }, { _id: 1 }).lean<{ _id: string }[]>()).map((r) => r._id);
}

/** Leave (shutdown), and forget instances dead for an hour. */
export async function leave(instance: string, now: Date): Promise<void> {
  await InstanceModel.deleteOne({ _id: instance });
  await InstanceModel.deleteMany({ until: { $lt: new Date(now.getTime() - 3_600_000) } });
}

/**
 * Telegram message ids of a conversation (the bot's and the person's), kept only so the bot
 * can delete them on request ("leave no trace"; Telegram allows it for 48 hours) and erased
 * with the conversation. Insert-only rows, not an array on the conversation: the sending
 * worker adds ids while the pipeline saves the conversation.
 */
export interface ChatMessageDoc { pid: string; id: string; at: Date }
const chatMessageSchema = new Schema<ChatMessageDoc>({
  pid: { type: String, required: true, index: true },
  id: { type: String, required: true },
  at: { type: Date, required: true },
}, { versionKey: false });
export const ChatMessageModel = defineModel<ChatMessageDoc>('ChatMessage', 'chat_message_ids', chatMessageSchema);
/** Message ids are inserted in groups (group commit). */
export const chatMessageInserts = new GroupInsert(() => ChatMessageModel as never);

/**
 * Erase on request (Law 91/2025/QH15): the conversation (state, sealed channel address) and
 * the Telegram message ids of a pid. The next message from the person starts afresh.
 */
export async function eraseByPid(pid: string): Promise<number> {
  const [conv, ids] = await Promise.all([ConversationModel.deleteOne({ _id: pid }), ChatMessageModel.deleteMany({ pid })]);
  return (conv.deletedCount ?? 0) + (ids.deletedCount ?? 0);
}

// --- for the outbox (injected in wiring.ts) ---

/**
 * The channel and sealed reply address of a pid's conversation (outbox ConversationRows.addressOf).
 * Read only: FerretDB rewrites a document whole on update, so a write here would race with
 * the pipeline's saves of the same conversation. One read by _id.
 */
export async function conversationAddress(pid: string): Promise<{ channel: string; addressSealed: string | null } | null> {
  return ConversationModel.findOne({ _id: pid }, { channel: 1, addressSealed: 1 }).lean<{ channel: string; addressSealed: string | null }>();
}

/**
 * When the person last wrote: the conversation's lastActivityAt is the time of their last
 * processed message (outbox ConversationRows.lastInboundAt). One read by _id.
 */
export async function lastInboundAt(pid: string): Promise<Date | null> {
  const conv = await ConversationModel.findOne({ _id: pid }, { lastActivityAt: 1 }).lean<{ lastActivityAt?: Date }>();
  return conv?.lastActivityAt ?? null;
}

/** Keep the Telegram message ids of replies sent to a pid, for leave-no-trace deletion (outbox ConversationRows.keepMessageIds). */
export async function keepSentMessageIds(pid: string, ids: string[], at: Date): Promise<void> {
  await ChatMessageModel.insertMany(ids.map((id) => ({ pid, id, at })));
}

// --- for the retention purge (jobs/retention.ts) ---

/**
 * Conversations inactive since before `before` (the sealed channel address goes with them),
 * except those waiting for or talking with a counsellor. Returns how many were deleted.
 */
export async function purgeInactiveConversations(before: Date): Promise<number> {
  return (await ConversationModel.deleteMany({ lastActivityAt: { $lt: before }, status: { $nin: ['queued', 'with_counsellor'] } })).deletedCount;
}

/** The pids of the conversations waiting for or talking with a counsellor. */
export async function pidsWithCounsellorOrQueued(): Promise<string[]> {
  return (await ConversationModel.find({ status: { $in: ['queued', 'with_counsellor'] } }, { pid: 1, _id: 0 }).lean<{ pid: string }[]>()).map((c) => c.pid);
}

/** Inbox rows done or failed, received before `before` (processed updates leave the inbox at once; what stays failed for good). */
export async function purgeFinishedInboxRows(before: Date): Promise<number> {
  return (await InboxModel.deleteMany({ status: { $in: ['done', 'failed'] }, receivedAt: { $lt: before } })).deletedCount;
}

/** Entries of the seen-updates log older than `before`. */
export async function purgeSeenUpdates(before: Date): Promise<number> {
  return (await InboxSeenModel.deleteMany({ at: { $lt: before } })).deletedCount;
}

/** Telegram message ids kept since before `before` (Telegram lets a bot delete messages for 48 hours only). */
export async function purgeChatMessageIds(before: Date): Promise<number> {
  return (await ChatMessageModel.deleteMany({ at: { $lt: before } })).deletedCount;
}
