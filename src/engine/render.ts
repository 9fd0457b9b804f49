/**
 * Moving through the flow graph: entering a node runs it (message, legal, services, goto,
 * handoff…) and follows `next` until a node that waits for the person (menu, ask, picker,
 * language, end). That waiting node's prompt, with its options, is the last reply.
 */
import type { Ctx } from './context';
import { t } from './context';
import type { CompiledNode } from './flowset';
import { NODES } from './flowset';
import { allLabels } from './match';
import { pickerOptions } from './picker';
import { renderLegal, renderServices } from './services';
import { ANSWER_NAMES, type Reply, type ReplyOption } from './types';

/** Node types that stop and wait for input. */
export const WAITING = new Set(['menu', 'ask', 'province_picker', 'language', 'end', 'handoff', 'wait']);
/** Waiting nodes worth returning to with "back". */
const BACKABLE = new Set(['menu', 'ask', 'province_picker', 'language']);
const MAX_HOPS = 40;

/** The options a waiting node offers now (labels resolved), with alternative labels in all languages. */
export function optionsOf(ctx: Ctx, node: CompiledNode): { options: ReplyOption[]; alt: string[][] } {
  if (node.type === 'province_picker') return pickerOptions(ctx, node);
  const options: ReplyOption[] = [];
  const alt: string[][] = [];
  const add = (key: string, payload: string, label?: string) => {
    options.push({ label: label ?? t(ctx, key), payload });
    alt.push(label ? [] : allLabels(ctx.flows, key));
  };
  for (const o of node.type === 'menu' || node.type === 'ask' ? node.options ?? [] : []) {
    // "Back to where I was" only when there is somewhere to go back to (after a danger reply).
    if (o.payload === 'back' && ctx.state.stack.length === 0) continue;
    add(o.label, o.payload);
  }
  if (node.type === 'language') {
    for (const l of ctx.flows.languages) add('', `lang:${l}`, ctx.flows.texts[l]?.['lang.name'] ?? l);
  }
  if (node.type === 'ask' && node.skippable) add('opt.skip', 'skip');
  if (node.type === 'end') add('opt.main_menu', 'menu');
  if (node.type === 'handoff' || node.type === 'wait') add('opt.cancel', 'cancel');
  return { options, alt };
}

/** The prompt of a waiting node. */
export function promptOf(ctx: Ctx, node: CompiledNode, key?: string): Reply {
  const k = key ?? node.text ?? node.id;
  const { options } = optionsOf(ctx, node);
  return options.length > 0 ? { key: k, text: t(ctx, k), options } : { key: k, text: t(ctx, k) };
}

/** Answer events for a stored value, as the node asks. */
export function answerEvents(ctx: Ctx, node: CompiledNode, value: string | null): void {
  const name = node.var ?? '';
  if (node.event === 'safe_time' && value !== null) ctx.events.push({ type: 'safe_time', value });
  if (node.event === 'feedback') {
    const v = value === 'helped' || value === 'not_helped' ? value : 'skipped';
    ctx.events.push({ type: 'feedback', value: v });
  }
  if (node.event === 'answer' && value !== null && (ANSWER_NAMES as readonly string[]).includes(name)) {
    ctx.events.push({ type: 'answer', name: name as (typeof ANSWER_NAMES)[number], value });
  }
}

/** Clear the conversation (keeps language and the caller-owned status) and explain how to delete the chat. */
export function doExit(ctx: Ctx): void {
  const s = ctx.state;
  ctx.state = { lang: s.lang, node: null, vars: {}, stack: [], privacyShown: false, lastActivityAt: ctx.now, status: s.status };
  ctx.events.push({ type: 'exit' });
  ctx.replies.push({ key: `exit.${ctx.channel}`, text: t(ctx, `exit.${ctx.channel}`), exit: true });
}

/**
 * The person confirmed "erase my data": the state starts over (as on first contact, the
 * privacy notice comes again), the caller erases what is kept under the pid, and the reply
 * ends the web chat session as an exit does.
 */
export function doErase(ctx: Ctx): void {
  const s = ctx.state;
  ctx.state = { lang: s.lang, node: null, vars: {}, stack: [], privacyShown: false, lastActivityAt: null, status: s.status };
  ctx.events.push({ type: 'erase' });
  ctx.replies.push({ key: 'erase.done', text: t(ctx, 'erase.done'), exit: true, forget: true });
}

/**
 * When no counsellor can take the chat now (out of hours, or nobody online), say so first,
 * with when the line opens, and return true: the caller then goes to the node's
 * `unavailable` alternatives instead of promising a counsellor.
 */
function lineDown(ctx: Ctx): boolean {
  const line = ctx.line;
  if (!line || (line.open && line.online > 0)) return false;
  const why = line.open ? 'nobody' : 'closed';
  const opens = line.opens
    ? t(ctx, line.opens.inDays === 0 ? 'live.opens_today' : line.opens.inDays === 1 ? 'live.opens_tomorrow' : 'live.opens_on', { time: line.opens.time, date: line.opens.date })
    : t(ctx, 'live.opens_unknown');
  const key = `counsellor.${why}`;
  ctx.replies.push({ key, text: t(ctx, key, { opens }) });
  ctx.events.push({ type: 'line_unavailable', why });
  return true;
}

/** "Back": the waiting node the person came from, or the main menu when there is none. */
export function goBack(ctx: Ctx): void {
  const prev = ctx.state.stack.pop();
  goTo(ctx, prev && ctx.flows.nodes[prev] ? prev : NODES.mainMenu, false);
}

/**
 * Enter a node and run forward to the next waiting node.
 * `push`: remember the node we came from for "back" (false when going back).
 */
export function goTo(ctx: Ctx, target: string, push = true): void {
  const from = ctx.state.node;
  let id: string | undefined = target;
  for (let hop = 0; id !== undefined; hop++) {
    const node: CompiledNode | undefined = ctx.flows.nodes[id];
    if (!node || hop >= MAX_HOPS) {
      // A broken reference survives as an error event and the main menu, never a dead end.
      ctx.events.push({ type: 'error', code: node ? 'too_many_hops' : 'unknown_node' });
      ctx.replies.push({ key: 'cmd.loop_error', text: t(ctx, 'cmd.loop_error') });
      if (id === NODES.mainMenu) return;
      id = NODES.mainMenu;
      continue;
    }
    if (node.topic) ctx.events.push({ type: 'topic', topic: node.topic });
    switch (node.type) {
      case 'message':
        ctx.replies.push({ key: node.text ?? node.id, text: t(ctx, node.text ?? node.id) });
        id = node.next;
        continue;
      case 'goto':
        id = node.next;
        continue;
      case 'legal':
        ctx.replies.push(renderLegal(ctx, node));
        id = node.next;
        continue;
      case 'services':
        if (node.text) ctx.replies.push({ key: node.text, text: t(ctx, node.text) });
        ctx.replies.push(...renderServices(ctx));
        id = node.next;
        continue;
      case 'exit':
        doExit(ctx);
        return;
      case 'erase':
        doErase(ctx);
        return;
      case 'line':
        id = lineDown(ctx) ? node.unavailable : node.next;
        continue;
      case 'handoff': {
        if (lineDown(ctx)) {
          id = node.unavailable;
          continue;
        }
        const answers: Record<string, string> = {};
        for (const n of ANSWER_NAMES) if (ctx.state.vars[n]) answers[n] = ctx.state.vars[n] as string;
        ctx.events.push({ type: 'handoff_requested', answers });
        if (node.next) {
          ctx.replies.push({ key: node.text ?? node.id, text: t(ctx, node.text ?? node.id) });
          id = node.next;
          continue;
        }
        break;
      }
      default:
        break;
    }
    // A waiting node: remember where we came from, show its prompt, wait.
    // Back (from the danger offer) keeps the picker's page; arriving anew starts at page 1.
    if (node.type === 'province_picker' && from !== node.id && push) delete ctx.state.vars._page;
    if (node.id === NODES.mainMenu) ctx.state.stack = [];
    else if (push && from && from !== node.id && BACKABLE.has(ctx.flows.nodes[from]?.type ?? '')) {
      ctx.state.stack = [...ctx.state.stack, from].slice(-20);
    }
    ctx.state.node = node.id;
    ctx.replies.push(promptOf(ctx, node));
    return;
  }
}
