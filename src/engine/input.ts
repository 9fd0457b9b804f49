/**
 * What an input means at the current node: an option (payload, "2", a typed label), an
 * answer to store, a province, or free text routed to a topic. Anything else gets a gentle
 * re-prompt with the same options: never a dead end.
 */
import type { Ctx } from './context';
import { t } from './context';
import type { CompiledNode } from './flowset';
import { NODES } from './flowset';
import { fold } from './normalize';
import { matchOption } from './match';
import { answerToClarify, goToTopic, routeByMeaning, TOPIC_PAYLOAD } from './freeText';
import { findProvince } from './provinces';
import { formerNameNote, PICKER_NAV, turnPage } from './picker';
import { answerEvents, goBack, goTo, optionsOf, promptOf } from './render';
import type { EngineInput } from './types';

const SKIP_WORDS = ['skip', 'bo qua', 'khong tra loi', 'next'];
/** Free text kept in a variable is capped: we store as little as possible. */
const MAX_STORED = 200;

/** Show the current waiting node again (or the main menu when there is none). */
export function rerender(ctx: Ctx): void {
  const node = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  if (!node) return goTo(ctx, NODES.mainMenu, false);
  ctx.replies.push(promptOf(ctx, node));
}

function reprompt(ctx: Ctx, node: CompiledNode): void {
  const { options } = optionsOf(ctx, node);
  ctx.replies.push(options.length > 0
    ? { key: 'cmd.reprompt', text: t(ctx, 'cmd.reprompt'), options }
    : { key: 'cmd.reprompt', text: t(ctx, 'cmd.reprompt') });
}

/** Store a province and go on. */
function chooseProvince(ctx: Ctx, node: CompiledNode | undefined, code: string): void {
  const name = node?.var ?? 'province';
  ctx.state.vars[name] = code;
  delete ctx.state.vars._page;
  ctx.events.push({ type: 'province', province: code });
  if (node) answerEvents(ctx, { ...node, var: name }, code);
  goTo(ctx, node?.next ?? NODES.services);
}

/**
 * Free text outside a menu (or not matching it): the answer to a clarifying question, a
 * main-menu choice, then what it means (freeText.ts), else the node's options again.
 */
export function handleFreeText(ctx: Ctx, input: EngineInput, atRest: boolean, menuChoices = true): void {
  const typed = input.kind === 'text' ? (input.text ?? '') : '';
  const payload = input.kind === 'choice' ? (input.payload ?? '') : '';
  if (payload.startsWith(TOPIC_PAYLOAD) && goToTopic(ctx, payload.slice(TOPIC_PAYLOAD.length))) return;
  if (answerToClarify(ctx, typed)) return;
  const main = ctx.flows.nodes[NODES.mainMenu];
  // A main-menu choice works from anywhere (stale buttons, "3" typed after an end node).
  if (main && atRest && menuChoices) {
    const opts = main.options ?? [];
    const i = payload ? opts.findIndex((o) => o.payload === payload) : matchOption(optionsOf(ctx, main).options, typed, optionsOf(ctx, main).alt);
    const next = i >= 0 ? opts[i]?.next : undefined;
    if (next) return goTo(ctx, next);
  }
  if (payload.startsWith('p:')) return chooseProvince(ctx, undefined, payload.slice(2));
  if (typed && routeByMeaning(ctx, typed, atRest || !ctx.state.node, (code) => chooseProvince(ctx, undefined, code))) return;
  const node = ctx.state.node ? ctx.flows.nodes[ctx.state.node] : undefined;
  if (atRest || !node) return goTo(ctx, NODES.mainMenu, false);
  reprompt(ctx, node);
}

/** Handle an input at the node the conversation waits on. */
export function handleAtNode(ctx: Ctx, input: EngineInput): void {
  const node = ctx.flows.nodes[ctx.state.node ?? ''];
  if (!node) return handleFreeText(ctx, input, true);
  const typed = input.kind === 'text' ? (input.text ?? '') : '';
  // "2" right after a clarifying question picks its 2nd topic, not the node's 2nd option.
  if (answerToClarify(ctx, typed)) return;
  if (input.kind === 'choice' && (input.payload ?? '').startsWith(TOPIC_PAYLOAD)) return handleFreeText(ctx, input, true);
  const { options, alt } = optionsOf(ctx, node);
  const i = input.kind === 'choice'
    ? options.findIndex((o) => o.payload === input.payload)
    : matchOption(options, typed, alt);
  const chosen = i >= 0 ? options[i] : undefined;
  // End, handoff and wait nodes offer one button ("Main menu" / "Cancel request"); else text is free.
  if (node.type === 'end' || node.type === 'handoff' || node.type === 'wait') {
    if (chosen?.payload === 'menu') return goTo(ctx, NODES.mainMenu, false);
    if (chosen?.payload === 'cancel') {
      ctx.events.push({ type: 'handoff_cancel' });
      ctx.replies.push({ key: 'cmd.handoff_cancelled', text: t(ctx, 'cmd.handoff_cancelled') });
      return goTo(ctx, NODES.mainMenu, false);
    }
    return handleFreeText(ctx, input, true);
  }
  const flowOpt = chosen ? node.options?.find((o) => o.payload === chosen.payload) : undefined;

  if (node.type === 'menu') {
    if (flowOpt?.next) return goTo(ctx, flowOpt.next);
    return handleFreeText(ctx, input, node.id === NODES.mainMenu);
  }
  if (node.type === 'language') {
    const lang = chosen?.payload.startsWith('lang:') ? chosen.payload.slice(5) : undefined;
    if (!lang) return handleFreeText(ctx, input, false);
    ctx.state.lang = lang;
    ctx.events.push({ type: 'language', lang });
    return goTo(ctx, node.next ?? NODES.mainMenu);
  }
  if (node.type === 'province_picker') {
    const nav = chosen?.payload;
    if (nav === PICKER_NAV.next || nav === PICKER_NAV.prev) {
      turnPage(ctx, nav === PICKER_NAV.next ? 1 : -1);
      ctx.replies.push(promptOf(ctx, node));
      return;
    }
    // Tapped, these two are global commands (step.ts); typed as their number they land here.
    if (nav === PICKER_NAV.menu) return goTo(ctx, NODES.mainMenu, false);
    if (nav === PICKER_NAV.back) return goBack(ctx);
    if (nav === PICKER_NAV.skip || (node.skippable && SKIP_WORDS.includes(fold(typed)))) {
      answerEvents(ctx, node, null);
      return goTo(ctx, node.next ?? NODES.mainMenu);
    }
    if (nav?.startsWith('p:')) return chooseProvince(ctx, node, nav.slice(2));
    const found = typed ? findProvince(ctx.flows.provinces, typed) : null;
    if (found) {
      // A name from before the 2025 merger: say where it belongs now, then go on with that province.
      const note = formerNameNote(ctx, found.province, found.phrase);
      if (note) ctx.replies.push(note);
      return chooseProvince(ctx, node, found.province.code);
    }
    return handleFreeText(ctx, input, false);
  }
  // ask
  const skipped = chosen?.payload === 'skip' || (node.skippable && !chosen && SKIP_WORDS.includes(fold(typed)));
  if (skipped) {
    answerEvents(ctx, node, null);
    return goTo(ctx, node.next ?? NODES.mainMenu);
  }
  if (chosen && flowOpt) {
    const value = flowOpt.value ?? flowOpt.payload;
    if (node.var) ctx.state.vars[node.var] = value;
    answerEvents(ctx, node, value);
    return goTo(ctx, flowOpt.next ?? node.next ?? NODES.mainMenu);
  }
  if (node.input === 'text' && typed.trim()) {
    const value = typed.trim().slice(0, MAX_STORED);
    if (node.var) ctx.state.vars[node.var] = value;
    answerEvents(ctx, node, value);
    return goTo(ctx, node.next ?? NODES.mainMenu);
  }
  return handleFreeText(ctx, input, false);
}
