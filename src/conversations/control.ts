/**
 * ConversationControl: what the handoff area may do to a conversation (status moves,
 * putting the person at a node, sending texts). Status moves are conditional updates,
 * so two counsellors (or two instances) can never both win the same move.
 */
import type { ChannelName } from '../channels/types';
import type { ConversationState, EngineConfig, FlowSet } from '../engine';
import { enter, initialState, text } from '../engine';
import type { Outbox } from '../outbox';
import { toOutbound } from './outbound';
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
      const c = await ConversationModel.findOne({ pid }).lean<ConversationDoc>();
      return c ? view(c) : null;
    },

    async transition(pid, from, to, set = {}) {
      const res = await ConversationModel.updateOne({ pid, status: { $in: from } }, { $set: { status: to, ...set } });
      return res.modifiedCount === 1 || (res.matchedCount === 1 && from.includes(to));
    },

    async enterNode(pid, nodeId) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const c = await ConversationModel.findOne({ pid }).lean<ConversationDoc>();
        if (!c) return;
        const prev = (c.state && Object.keys(c.state).length ? c.state : initialState(engineConfig)) as unknown as ConversationState;
        const status = (c.status === 'closed' ? 'bot' : c.status) as ConversationState['status'];
        const now = Date.now();
        const result = enter(flows, { ...prev, status }, nodeId, now, engineConfig);
        const saved = await ConversationModel.updateOne(
          { pid, version: c.version }, { $set: { state: result.state, lang: result.state.lang }, $inc: { version: 1 } },
        );
        if (saved.modifiedCount !== 1) continue;
        await outbox.enqueue(pid, result.replies.map((r) => ({ outbound: toOutbound(r), priority: r.emergency ? 0 : 1 })), { origin: 'system' });
        return;
      }
      throw new Error('enterNode kept conflicting');
    },

    async sendTexts(pid, texts, origin, opts = {}) {
      return outbox.enqueue(pid, texts.map((t) => ({ outbound: { text: t }, priority: opts.priority ?? 1 })), { origin });
    },

    async textFor(pid, key, vars) {
      const c = await ConversationModel.findOne({ pid }, { lang: 1 }).lean<ConversationDoc>();
      return text(flows, c?.lang ?? engineConfig.defaultLang, key, vars);
    },

    async setBlockedUntil(pid, until) {
      await ConversationModel.updateOne({ pid }, { $set: { blockedUntil: until } });
    },
  };
}

export type { ConversationStatus };
