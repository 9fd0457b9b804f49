/** Shared helpers for engine unit tests: the real content, a config, and a small driver. */
import path from 'node:path';
import { loadFlowSet } from '../../../src/flowset';
import { step, type ConversationState, type EngineConfig, type EngineInput, type FlowSet, type StepResult } from '../../../src/engine';

export const ROOT = path.resolve(__dirname, '../../..');
let cached: FlowSet | undefined;
/** The real flows and content, loaded once. */
export function flows(): FlowSet {
  cached ??= loadFlowSet(ROOT);
  return cached;
}
export const cfg: EngineConfig = { inactivityMs: 30 * 60_000, defaultLang: 'vi' };
export const cfgHotline: EngineConfig = { ...cfg, hotlineNumber: '1800 0000' };
export const T0 = 1_700_000_000_000;

export const txt = (text: string, channel: EngineInput['channel'] = 'telegram'): EngineInput => ({ kind: 'text', text, channel });
export const tap = (payload: string, channel: EngineInput['channel'] = 'telegram'): EngineInput => ({ kind: 'choice', payload, channel });
export const media = (channel: EngineInput['channel'] = 'telegram'): EngineInput => ({ kind: 'media', channel });

/** Run inputs one after the other (a second apart); returns every result. */
export function run(inputs: EngineInput[], state: ConversationState | null = null, c: EngineConfig = cfg): StepResult[] {
  const out: StepResult[] = [];
  let s = state;
  inputs.forEach((input, i) => {
    const r = step(flows(), s, input, T0 + i * 1000, c);
    out.push(r);
    s = r.state;
  });
  return out;
}
/** The last result of a run. */
export function last(inputs: EngineInput[], state: ConversationState | null = null, c: EngineConfig = cfg): StepResult {
  const all = run(inputs, state, c);
  return all[all.length - 1]!;
}
export const keys = (r: StepResult) => r.replies.map((x) => x.key);
export const types = (r: StepResult) => r.events.map((e) => e.type);

/** A state parked at a node, privacy already shown. */
export function at(node: string | null, extra: Partial<ConversationState> = {}): ConversationState {
  return { lang: 'vi', node, vars: {}, stack: [], privacyShown: true, lastActivityAt: T0 - 1000, status: 'bot', ...extra };
}
