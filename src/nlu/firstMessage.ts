/**
 * What the bot does with a message typed as the first free text at the main menu: the
 * answer of `npm run understand` and what the held-out evaluation scores. It runs the real
 * engine step, so it measures routing as people meet it (slots, clarifying, danger kinds).
 */
import { initialState, NODES, step, understand, type DangerKind, type EngineConfig, type FlowSet } from '../engine';

/** One line of `npm run understand`. */
export interface FirstMessage {
  text: string;
  danger: boolean;
  dangerKind: DangerKind | null;
  /** The topic page the person reached, or null (clarifying question, menu, greeting). */
  topic: string | null;
  province: string | null;
  confidence: number;
  /** The topics a clarifying question offered, when one was asked. */
  clarify?: string[];
  /** The acknowledgement with the menu was shown (not understood). */
  notUnderstood?: boolean;
}

const T0 = 1_700_000_000_000;
const CFG: EngineConfig = { inactivityMs: 30 * 60_000, defaultLang: 'vi' };

/** Topic events that are steps inside a page, not the page the person asked for. */
const INNER = new Set(['danger_steps']);

export function firstMessage(flows: FlowSet, text: string, cfg: EngineConfig = CFG): FirstMessage {
  const state = { ...initialState(cfg), node: NODES.mainMenu, privacyShown: true, lastActivityAt: T0 };
  const r = step(flows, state, { kind: 'text', text, channel: 'webchat' }, T0 + 60_000, cfg);
  const u = understand(flows.nlu, text);
  const danger = r.events.find((e) => e.type === 'danger');
  const topic = r.events.find((e) => e.type === 'topic' && !INNER.has(e.topic));
  const province = r.events.find((e) => e.type === 'province');
  const clarify = r.events.find((e) => e.type === 'clarify');
  const out: FirstMessage = {
    text,
    danger: !!danger,
    dangerKind: danger?.type === 'danger' ? danger.kind : null,
    topic: danger ? null : topic?.type === 'topic' ? topic.topic : null,
    province: province?.type === 'province' ? province.province : null,
    confidence: Math.round((danger ? (u.dangerRule && u.dangerRule !== 'model' ? 1 : u.dangerScore) : u.confidence) * 1000) / 1000,
  };
  if (clarify?.type === 'clarify') out.clarify = clarify.topics;
  if (r.events.some((e) => e.type === 'not_understood')) out.notUnderstood = true;
  return out;
}
