/**
 * step(): one input in, next state + replies + events out. The order is the safety order:
 * understanding and the danger check → counsellor statuses → inactivity → privacy notice →
 * media → global commands → the current node → free text by what it means (a topic, a
 * clarifying question, or an acknowledgement with the menu: never a dead end).
 */
import type { Ctx } from './context';
import { makeCtx, t } from './context';
import { understand } from './nlu/understand';
import type { FlowSet } from './flowset';
import { NODES } from './flowset';
import { commandFromPayload, matchCommand, matchOption, type Command } from './match';
import { handleAtNode, handleFreeText, rerender } from './input';
import { doExit, goTo, optionsOf } from './render';
import { matchProvince } from './provinces';
import { emergencyReply } from './text';
import type { ConversationState, EngineConfig, EngineInput, ReplyOption, StepResult } from './types';

/** A fresh conversation in the default language. */
export function initialState(cfg: EngineConfig): ConversationState {
  return { lang: cfg.defaultLang, node: null, vars: {}, stack: [], privacyShown: false, lastActivityAt: null, status: 'bot' };
}

function done(ctx: Ctx): StepResult {
  return { state: ctx.state, replies: ctx.replies, events: ctx.events };
}

/** Show the welcome + privacy notice once per conversation. */
function privacy(ctx: Ctx): void {
  if (ctx.state.privacyShown) return;
  const node = ctx.flows.nodes[NODES.privacy];
  const key = node?.text ?? 'privacy';
  ctx.replies.push({ key, text: t(ctx, key) });
  ctx.state.privacyShown = true;
}

/** Queued / with a counsellor: the bot steps aside, only exit, erase, cancel (queued) and danger act. */
function counsellorStatus(ctx: Ctx, input: EngineInput, cmd: Command | null): void {
  if (cmd?.cmd === 'exit') return doExit(ctx);
  if (cmd?.cmd === 'erase') return goTo(ctx, NODES.eraseConfirm);
  if (answerErase(ctx, input)) return;
  if (ctx.state.status === 'queued' && cmd?.cmd === 'cancel') {
    ctx.events.push({ type: 'handoff_cancel' });
    ctx.replies.push({ key: 'cmd.handoff_cancelled', text: t(ctx, 'cmd.handoff_cancelled') });
    goTo(ctx, NODES.mainMenu, false);
    return;
  }
  if (input.kind === 'media') {
    ctx.replies.push({ key: 'cmd.media_counsellor', text: t(ctx, 'cmd.media_counsellor') });
    return;
  }
  if (answerWhileWaiting(ctx, input)) return;
  const relayed = input.kind === 'text' ? (input.text ?? '') : (input.payload ?? '');
  if (relayed.trim()) ctx.events.push({ type: 'relay', text: relayed });
}

/**
 * After a one-tap request (from the danger offer) the optional questions come while the
 * person already waits in the queue: an answer to them (a button, "2", a province name, "bỏ
 * qua") is taken as an answer; anything else is a message for the counsellor.
 */
function answerWhileWaiting(ctx: Ctx, input: EngineInput): boolean {
  const node = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  if (ctx.state.status !== 'queued' || !node || (node.type !== 'ask' && node.type !== 'province_picker')) return false;
  const typed = input.kind === 'text' ? (input.text ?? '') : '';
  const { options, alt } = optionsOf(ctx, node);
  const picked = input.kind === 'choice' ? options.some((o) => o.payload === input.payload) : matchOption(options, typed, alt) >= 0;
  const province = node.type === 'province_picker' && typed.trim() !== '' && matchProvince(ctx.flows.provinces, typed) !== null;
  if (!picked && !province) return false;
  handleAtNode(ctx, input);
  return true;
}

/** At the erase confirmation (asked while queued or with a counsellor): a Yes/No answer is taken as one. */
function answerErase(ctx: Ctx, input: EngineInput): boolean {
  const node = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  if (node?.id !== NODES.eraseConfirm) return false;
  const { options, alt } = optionsOf(ctx, node);
  const picked = input.kind === 'choice' ? options.some((o) => o.payload === input.payload) : matchOption(options, input.text ?? '', alt) >= 0;
  if (picked) handleAtNode(ctx, input);
  // Anything else is a message for the counsellor, and the question is dropped: a "1" typed
  // later in the chat must not erase anything.
  else ctx.state.node = null;
  return picked;
}

/** The text picks an option of the node the person is at, or is a global command. */
function typedChoice(ctx: Ctx, typed: string): boolean {
  if (matchCommand(typed)) return true;
  const node = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  if (!node) return false;
  const { options, alt } = optionsOf(ctx, node);
  return matchOption(options, typed, alt) >= 0;
}

function setLang(ctx: Ctx, lang: string): void {
  if (!ctx.flows.languages.includes(lang)) return;
  ctx.state.lang = lang;
  ctx.events.push({ type: 'language', lang });
}

/** Run a global command in status 'bot'. */
function runCommand(ctx: Ctx, cmd: Command, input: EngineInput): void {
  const here = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  switch (cmd.cmd) {
    case 'menu':
      return goTo(ctx, NODES.mainMenu, false);
    case 'back': {
      const prev = ctx.state.stack.pop();
      return goTo(ctx, prev && ctx.flows.nodes[prev] ? prev : NODES.mainMenu, false);
    }
    case 'exit':
      return doExit(ctx);
    case 'erase':
      return goTo(ctx, NODES.eraseConfirm);
    case 'help':
      ctx.replies.push({ key: 'cmd.help', text: t(ctx, 'cmd.help') });
      return rerender(ctx);
    case 'cancel':
      if (here?.type === 'handoff' || here?.type === 'wait') {
        ctx.events.push({ type: 'handoff_cancel' });
        ctx.replies.push({ key: 'cmd.handoff_cancelled', text: t(ctx, 'cmd.handoff_cancelled') });
        return goTo(ctx, NODES.mainMenu, false);
      }
      // Outside a handoff "huỷ" is just a word: let the node handle it.
      return handleAtNode(ctx, input);
    case 'lang':
      if (!cmd.lang) return goTo(ctx, NODES.language);
      setLang(ctx, cmd.lang);
      if (here?.type === 'language') return goTo(ctx, here.next ?? NODES.mainMenu, false);
      ctx.replies.push({ key: 'cmd.language_changed', text: t(ctx, 'cmd.language_changed') });
      return rerender(ctx);
  }
}

/**
 * Process one input.
 * @param state null for a person never seen (or whose state expired).
 * @param now epoch ms of the input (the engine never reads the clock).
 */
export function step(flows: FlowSet, state: ConversationState | null, input: EngineInput, now: number, cfg: EngineConfig): StepResult {
  const ctx = makeCtx(flows, state ?? initialState(cfg), cfg, now, input.channel, input.line);
  const s = ctx.state;
  const last = s.lastActivityAt;
  s.lastActivityAt = now;
  const typed = input.kind === 'text' ? (input.text ?? '') : '';

  // A clarifying question is answered in the very next message or not at all.
  ctx.clarifyOffer = (s.vars._clarify ?? '').split(',').filter(Boolean);
  delete s.vars._clarify;

  // 1. Danger first, in every state and status, before the privacy notice.
  if (typed.trim()) {
    const u = understand(flows.nlu, typed, { isChoice: typedChoice(ctx, typed) });
    ctx.understanding = u;
    if (u.danger) {
      const kind = u.dangerKind ?? 'self';
      ctx.replies.push(emergencyReply(flows, s.lang, cfg, kind));
      ctx.events.push({ type: 'danger', rule: u.dangerRule ?? 'unknown', kind });
      if (s.status !== 'bot') {
        ctx.events.push({ type: 'relay', text: typed });
        return done(ctx);
      }
      privacy(ctx);
      goTo(ctx, NODES.dangerOffer);
      return done(ctx);
    }
  }

  const cmd = input.kind === 'choice' ? commandFromPayload(input.payload ?? '') : typed ? matchCommand(typed) : null;

  // 2. The counsellor owns the conversation.
  if (s.status !== 'bot') {
    counsellorStatus(ctx, input, cmd);
    return done(ctx);
  }

  // 3. Inactivity: start over at the main menu (someone else may be holding the phone now).
  const restarted = last !== null && now - last > cfg.inactivityMs && s.node !== null;
  if (restarted) {
    ctx.state = { ...s, node: null, vars: {}, stack: [] };
    ctx.clarifyOffer = [];
    ctx.replies.push({ key: 'cmd.restart', text: t(ctx, 'cmd.restart') });
  }

  // 4. First contact: the privacy notice comes before anything else.
  privacy(ctx);

  // 5. Voice notes, stickers, images: a kind answer, never silence.
  if (input.kind === 'media') {
    ctx.replies.push({ key: 'cmd.media', text: t(ctx, 'cmd.media') });
    rerender(ctx);
    return done(ctx);
  }

  // 6. Global commands, 7. the current node, 8. free text.
  if (cmd) runCommand(ctx, cmd, input);
  else if (ctx.state.node) handleAtNode(ctx, input);
  // After a restart, a number or button meant for the old screen must not pick a main-menu option.
  else handleFreeText(ctx, input, true, !restarted);
  return done(ctx);
}

/**
 * Render a node as if the person had just arrived (the caller enters 'feedback.start' when a
 * counsellor closes a case, or 'counsellor.unavailable' when a request finds nobody to take it).
 */
export function enter(flows: FlowSet, state: ConversationState, nodeId: string, now: number, cfg: EngineConfig): StepResult {
  const ctx = makeCtx(flows, state, cfg, now, 'webchat');
  goTo(ctx, nodeId);
  return done(ctx);
}

/**
 * The options the person has now (the waiting node's), for a message the caller sends on
 * its own (e.g. a resume code) so that the person's buttons stay on screen after it.
 */
export function optionsAt(flows: FlowSet, state: ConversationState, cfg: EngineConfig, channel: EngineInput['channel']): ReplyOption[] {
  const node = state.node ? flows.nodes[state.node] : undefined;
  return node ? optionsOf(makeCtx(flows, state, cfg, state.lastActivityAt ?? 0, channel), node).options : [];
}
