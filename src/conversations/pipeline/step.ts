/**
 * One step of a conversation, under the person's lock: load the conversation, run the pure
 * engine (or the system and blocked paths), save state, version+1 and the step's sealed
 * replies/events in ONE write by `_id`, then move them on (deliver.ts). The caller marks the
 * update seen and takes it out of the inbox afterwards.
 */
import type { Inbound } from '../../channels/types';
import type { ConversationState, EngineConfig, EngineEvent, EngineInput, FlowSet, LineStatus, Reply, StepResult } from '../../engine';
import { dangerOf, emergencyReply, initialState, step, text } from '../../engine';
import { log } from '../../observability/log';
import { metrics } from '../../observability/metrics';
import { localDateTime } from '../../shared/zonedTime';
import { conversationExists, conversationOf, ConversationDoc, forgetMessageIds, messageIdsOf, openConversation, rememberMessageId, saveStep } from '../store';
import { DELETE_CHAT_PAYLOAD, handleSystemPayload, offerDeletion } from '../system';
import { DeliverDeps, finishUnmoved, flush, Pending } from './deliver';

/** Updates remembered on the conversation, so a re-run after a crash is not applied twice. */
const RECENT_UPDATES = 30;

/** What a step needs. */
export interface StepDeps extends DeliverDeps {
  flows: FlowSet;
  engineConfig: EngineConfig;
  /** The counsellor line (handoff's snapshot, and a fresh count), so the bot says the truth before a request. */
  line?: { current(): LineStatus | undefined; fresh(): Promise<LineStatus | undefined> };
  /** Time zone in which a blocked person is told until when. */
  timeZone?: string;
  /** True when the priority lane delivered this update's emergency reply (waits for a send in flight). */
  answeredEarly(inbound: Inbound): Promise<boolean>;
  /** Seal the person's channel address. */
  sealAddress(address: string): string;
}

/** Runs steps; remembers the languages of people seen lately (the danger lane answers in them). */
export class Stepper {
  private readonly langs = new Map<string, string>();

  constructor(private readonly deps: StepDeps) {}

  /** The person's language when this instance saw them lately. */
  langOf(pid: string): string | undefined {
    return this.langs.get(pid);
  }

  /** Apply one update to the person's conversation (idempotent: an update applied before is skipped). */
  async apply(pid: string, inbound: Inbound): Promise<void> {
    // The web chat page's own quick exit (it follows an erase too): with no conversation there
    // is nothing to clear, and creating one would bring back the address just erased.
    if (inbound.channel === 'webchat' && inbound.payload === 'exit' && !(await conversationExists(pid))) return;
    let conv = await this.load(pid, inbound);
    // Pending of an update not in the seen log: a previous run died between saving and
    // moving on. Its replies may already have been delivered (and deleted from the outbox):
    // skip those.
    await finishUnmoved(this.deps, conv);
    if (conv.recentUpdates.includes(inbound.updateId)) return; // applied before a crash; flushed above

    if (inbound.payload === DELETE_CHAT_PAYLOAD) conv = { ...conv, messageIds: await messageIdsOf(pid) };
    // The priority lane may have sent this update's emergency reply already: not twice.
    const early = await this.deps.answeredEarly(inbound);
    let result = this.run(conv, inbound, this.deps.line?.current(), early);
    // "No counsellor can take the chat" is said only after a fresh count: the snapshot may be
    // a few seconds old (a counsellor who just came on duty on another instance). The engine
    // is pure, so running the step again is free.
    if (this.deps.line && result.pending.events.some((e) => e.type === 'line_unavailable')) {
      result = this.run(conv, inbound, await this.deps.line.fresh(), early);
    }
    for (const e of result.pending.events) countEvent(e, inbound.channel, result.pending.lang);
    const saved = await saveStep(pid, {
      state: result.state as unknown as Record<string, unknown>, lang: result.state.lang, lastActivityAt: inbound.at,
      pendingSealed: this.deps.cipher.seal(JSON.stringify(result.pending)),
      recentUpdates: [...conv.recentUpdates, inbound.updateId].slice(-RECENT_UPDATES),
    });
    if (!saved) throw new Error('conversation vanished while processing');
    this.rememberLang(pid, result.state.lang);
    await this.rememberMessageIds(pid, inbound, result.deletes);
    await flush(this.deps, saved);
  }

  private rememberLang(pid: string, lang: string): void {
    this.langs.delete(pid);
    if (this.langs.size >= 10_000) this.langs.delete(this.langs.keys().next().value as string);
    this.langs.set(pid, lang);
  }

  /**
   * Run the engine (or the system/blocked paths) for one inbound on a loaded conversation.
   * `early`: the priority lane delivered this update's emergency reply; leave it out here.
   */
  private run(conv: ConversationDoc, inbound: Inbound, line: LineStatus | undefined, early: boolean): { state: ConversationState; pending: Pending; deletes: boolean } {
    const { flows, engineConfig } = this.deps;
    const prev = (conv.state && Object.keys(conv.state).length ? conv.state : null) as unknown as ConversationState | null;
    const status = conv.status === 'closed' ? 'bot' : conv.status;
    const input: EngineInput = { kind: inbound.kind, text: inbound.text, payload: inbound.payload, channel: inbound.channel, ...(line ? { line } : {}) };
    const base = prev ? { ...prev, status } : { ...initialState(engineConfig), status };

    const system = handleSystemPayload(flows, engineConfig, conv, inbound, base);
    const result = system ?? this.safeStep(conv.pid, base, input, inbound);
    const blocked = !!conv.blockedUntil && conv.blockedUntil.getTime() > inbound.at.getTime();
    // Blocked: always the emergency numbers, a kind word on when they can write again, and
    // the erase-my-data dialogue (a data right no block takes away); nothing else.
    const kept = blocked ? result.replies.filter((r) => r.emergency || r.key.startsWith('erase.')) : result.replies;
    const answered = blocked
      ? [...(kept.some((r) => r.emergency) ? [] : [emergencyReply(flows, result.state.lang, engineConfig)]), ...kept, blockedNotice(flows, result.state.lang, conv.blockedUntil!, this.deps.timeZone)]
      : kept;
    // The priority lane already delivered this message's emergency reply: not twice.
    const finalReplies = early ? answered.filter((r) => !r.emergency) : answered;
    return {
      state: result.state,
      deletes: system !== null,
      pending: {
        updateId: inbound.updateId, at: inbound.at.toISOString(), lang: result.state.lang, vars: result.state.vars,
        status: conv.status,
        items: finalReplies.map((reply) => ({ reply, priority: reply.emergency ? 0 : 1 })),
        events: blocked ? result.events.filter((e) => e.type === 'danger' || e.type === 'exit' || e.type === 'erase') : result.events,
      },
    };
  }

  /** Telegram: keep the person's message id for deletion; after a deletion, forget the deleted ids. */
  private async rememberMessageIds(pid: string, inbound: Inbound, deleted: boolean): Promise<void> {
    if (inbound.channel !== 'telegram') return;
    if (deleted) await forgetMessageIds(pid, inbound.at);
    else if (inbound.messageId) await rememberMessageId(pid, inbound.messageId, inbound.at);
  }

  /**
   * The engine is pure and tested, but content is data: if a step throws, the person still
   * gets an answer (a short apology, the emergency numbers, the way back to the menu) and the
   * state stays as it was, instead of silence and endless retries.
   */
  private safeStep(pid: string, base: ConversationState, input: EngineInput, inbound: Inbound): StepResult {
    const { flows, engineConfig } = this.deps;
    try {
      return offerDeletion(flows, inbound.channel, base.lang, step(flows, base, input, inbound.at.getTime(), engineConfig));
    } catch (err) {
      log.error('engine step failed; fallback reply sent', { pid, err });
      const { danger, kind } = inbound.text ? dangerOf(flows.nlu, inbound.text) : { danger: false, kind: 'self' as const };
      const apology: Reply = { key: 'system.error', text: text(flows, base.lang, 'system.error'), options: [{ label: text(flows, base.lang, 'system.menu'), payload: 'menu' }] };
      const emergency = emergencyReply(flows, base.lang, engineConfig, kind);
      return {
        state: { ...base, lastActivityAt: inbound.at.getTime() },
        replies: danger ? [emergency, apology] : [apology],
        events: [{ type: 'error', code: 'engine_exception' }, ...(danger ? [{ type: 'danger' as const, rule: 'fallback', kind }] : [])],
      };
    }
  }

  /** Load the conversation, creating it on first contact (the address sealed, never plain). */
  private async load(pid: string, inbound: Inbound): Promise<ConversationDoc> {
    const found = await conversationOf(pid);
    if (found && found.addressSealed) return found;
    return openConversation(pid, inbound.channel, this.deps.sealAddress(inbound.channelUserId), this.deps.engineConfig.defaultLang, new Date());
  }
}

function countEvent(e: EngineEvent, channel: Inbound['channel'], lang: string): void {
  if (e.type === 'danger') metrics.danger.inc({ channel });
  // Counted, never kept: which words were not understood is never stored (DESIGN rule 2).
  if (e.type === 'not_understood') metrics.notUnderstood.inc({ channel, lang });
  if (e.type === 'clarify') metrics.clarify.inc({ channel, lang });
  if (e.type === 'handoff_requested') metrics.handoffRequests.inc({ channel });
}

/** "You can write again from 02/12/2026 21:00" in the person's language and the line's time zone. */
function blockedNotice(flows: FlowSet, lang: string, until: Date, timeZone = 'Asia/Ho_Chi_Minh'): Reply {
  return { key: 'live.blocked_notice', text: text(flows, lang, 'live.blocked_notice', { until: localDateTime(until, timeZone) }) };
}
