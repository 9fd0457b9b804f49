/**
 * The working context of one step: inputs, the state being built, and the replies and
 * events collected so far. Internal to the engine.
 */
import type { FlowSet } from './flowset';
import type { ConversationState, EngineConfig, EngineEvent, EngineInput, LineStatus, Reply } from './types';
import { configVars, text } from './text';
import type { Understanding } from './nlu/understand';

/** Mutable scratchpad of one step() call. */
export interface Ctx {
  flows: FlowSet;
  cfg: EngineConfig;
  now: number;
  channel: EngineInput['channel'];
  state: ConversationState;
  replies: Reply[];
  events: EngineEvent[];
  /** What the typed text means (null for taps and media); computed once per step. */
  understanding: Understanding | null;
  /** Topics offered by a clarifying question in the previous step ("1", "2" pick them now). */
  clarifyOffer: string[];
  /** The counsellor line as the caller saw it; undefined = not known (treated as available). */
  line?: LineStatus;
}

/** Build a context around a copy of the state (the caller's object is never mutated). */
export function makeCtx(flows: FlowSet, state: ConversationState, cfg: EngineConfig, now: number, channel: EngineInput['channel'], line?: LineStatus): Ctx {
  const copy: ConversationState = { ...state, vars: { ...state.vars }, stack: [...state.stack] };
  return { flows, cfg, now, channel, state: copy, replies: [], events: [], understanding: null, clarifyOffer: [], ...(line ? { line } : {}) };
}

/** Resolve a key in the person's language with config placeholders ({hotline}) and extra vars. */
export function t(ctx: Ctx, key: string, vars: Record<string, string> = {}): string {
  // {waiting}: people already in the queue, so the consent can say it; its line is dropped when none.
  const waiting: Record<string, string> = ctx.line && ctx.line.waiting > 0 ? { waiting: String(ctx.line.waiting) } : {};
  return text(ctx.flows, ctx.state.lang, key, { ...configVars(ctx.cfg), ...waiting, ...vars });
}
