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
import { conversationLangOf, conversationOf, ConversationDoc, conversationStatusOf, saveEnteredState, setConversationBlockedUntil, setConversationStatus } from './store';
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
      const c = await conversationOf(pid);
      return c ? view(c) : null;
    },

    async transition(pid, from, to, set = {}) {
      // Read, check and write under the pid's lock: the check-and-set is then real on FerretDB too.
      return (await withPidLock(pid, async () => {
        const status = await conversationStatusOf(pid);
        if (!status || !from.includes(status)) return false;
        await setConversationStatus(pid, to, set);
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
        const c = await conversationOf(pid);
        const state = c?.state && Object.keys(c.state).length ? (c.state as unknown as ConversationState) : null;
        const options = state ? optionsAt(flows, state, engineConfig, c!.channel as ChannelName) : [];
        if (options.length) last.options = options;
      }
      return outbox.enqueue(pid, outs.map((outbound) => ({ outbound, priority: opts.priority ?? 1 })), { origin });
    },

    async textFor(pid, key, vars) {
      return text(flows, (await conversationLangOf(pid)) ?? engineConfig.defaultLang, key, vars);
    },

    async setBlockedUntil(pid, until) {
      await withPidLock(pid, () => setConversationBlockedUntil(pid, until));
    },
  };

  /** enter() and its replies, under the pid lock (so no other write interleaves). */
  async function enterLocked(pid: string, nodeId: string): Promise<void> {
    const c = await conversationOf(pid);
    if (!c) return;
    const prev = (c.state && Object.keys(c.state).length ? c.state : initialState(engineConfig)) as unknown as ConversationState;
    const status = (c.status === 'closed' ? 'bot' : c.status) as ConversationState['status'];
    const result = enter(flows, { ...prev, status }, nodeId, Date.now(), engineConfig);
    await saveEnteredState(pid, result.state as unknown as Record<string, unknown>, result.state.lang);
    await outbox.enqueue(pid, result.replies.map((r) => ({ outbound: toOutbound(r), priority: r.emergency ? 0 : 1 })), { origin: 'system' });
  }
}

export type { ConversationStatus };
