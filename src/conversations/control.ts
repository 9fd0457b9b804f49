/**
 * ConversationControl: what the handoff area may do to a conversation (status moves,
 * putting the person at a node, sending texts). Status moves are conditional updates,
 * so two counsellors (or two instances) can never both win the same move.
 */
import type { ChannelName, Outbound } from '../channels/types';
import type { ConversationState, EngineConfig, FlowSet } from '../engine';
import { enter, initialState, optionsAt, text } from '../engine';
import type { Outbox } from '../outbox';
import { toOutbound } from './outbound';
import { withPidLock } from './pidLock';
import { ConversationDoc, ConversationModel } from './store';
import type { ConversationControl, ConversationStatus, ConversationView } from './types';

/** Build the control over the real store. */
export function createConversationControl(deps: { flows: FlowSet; engineConfig: EngineConfig; outbox: Outbox }): ConversationControl {
  const { flows, engineConfig, outbox } = deps;

  const view = (c: ConversationDoc): ConversationView => ({
    pid: c.pid, channel: c.channel as ChannelName, lang: c.lang, status: c.status,
    vars: ((c.state as { vars?: Record<string, string> })?.vars) ?? {}, handoff: c.handoff,
    createdAt: c.createdAt, lastActivityAt: c.lastActivityAt, blockedUntil: c.blockedUntil,
  });

  return {
    async get(pid) {
      const c = await ConversationModel.findOne({ _id: pid }).lean<ConversationDoc>();
      return c ? view(c) : null;
    },

    async transition(pid, from, to, set = {}) {
      // Read, check and write under the pid's lock: the check-and-set is then real on FerretDB too.
      return (await withPidLock(pid, async () => {
        const c = await ConversationModel.findOne({ _id: pid }, { status: 1 }).lean<ConversationDoc>();
        if (!c || !from.includes(c.status)) return false;
        await ConversationModel.updateOne({ _id: pid }, { $set: { status: to, ...set } });
        return true;
      })) ?? false;
    },

    async enterNode(pid, nodeId) {
      await withPidLock(pid, () => enterLocked(pid, nodeId));
    },

    async sendTexts(pid, texts, origin, opts = {}) {
      const outs: Outbound[] = texts.map((t) => ({ text: t, ...(opts.resume ? { resume: opts.resume } : {}) }));
      const last = outs[outs.length - 1];
      if (opts.keepOptions && last) {
        const c = await ConversationModel.findOne({ _id: pid }).lean<ConversationDoc>();
        const state = c?.state && Object.keys(c.state).length ? (c.state as unknown as ConversationState) : null;
        const options = state ? optionsAt(flows, state, engineConfig, c!.channel as ChannelName) : [];
        if (options.length) last.options = options;
      }
      return outbox.enqueue(pid, outs.map((outbound) => ({ outbound, priority: opts.priority ?? 1 })), { origin });
    },

    async textFor(pid, key, vars) {
      const c = await ConversationModel.findOne({ _id: pid }, { lang: 1 }).lean<ConversationDoc>();
      return text(flows, c?.lang ?? engineConfig.defaultLang, key, vars);
    },

    async setBlockedUntil(pid, until) {
      await withPidLock(pid, async () => { await ConversationModel.updateOne({ _id: pid }, { $set: { blockedUntil: until } }); });
    },
  };

  /** enter() and its replies, under the pid lock (so no other write interleaves). */
  async function enterLocked(pid: string, nodeId: string): Promise<void> {
    const c = await ConversationModel.findOne({ _id: pid }).lean<ConversationDoc>();
    if (!c) return;
    const prev = (c.state && Object.keys(c.state).length ? c.state : initialState(engineConfig)) as unknown as ConversationState;
    const status = (c.status === 'closed' ? 'bot' : c.status) as ConversationState['status'];
    const result = enter(flows, { ...prev, status }, nodeId, Date.now(), engineConfig);
    await ConversationModel.updateOne({ _id: pid }, { $set: { state: result.state, lang: result.state.lang }, $inc: { version: 1 } });
    await outbox.enqueue(pid, result.replies.map((r) => ({ outbound: toOutbound(r), priority: r.emergency ? 0 : 1 })), { origin: 'system' });
  }
}

export type { ConversationStatus };
