/**
 * Free text by what it means (DESIGN rule 9): the understood topic, a short clarifying
 * question with the likeliest topics and a counsellor, or an acknowledgement with the menu
 * and the counsellor option (and 111 whenever a child is involved). Never a bare "I did not
 * understand". Slots from the same message act at once: a province goes straight to the
 * services there; an age under 18 leads to the child routes.
 */
import type { Ctx } from './context';
import { t } from './context';
import { NODES } from './flowset';
import { matchOption } from './match';
import { formerNameNote } from './picker';
import { findProvince } from './provinces';
import { goTo } from './render';
import type { ReplyOption } from './types';

/** Topics that describe what happened to someone; a child's age or a teacher turns them into the child route. */
const ABUSE_TOPICS = new Set(['dv_forms', 'dv_physical', 'dv_psychological', 'dv_sexual', 'dv_economic', 'workplace_harassment']);
const DV_TOPICS = new Set(['dv_forms', 'dv_physical', 'dv_psychological', 'dv_sexual', 'dv_economic']);
const CHILD_TOPIC = 'child_abuse';
const WORKPLACE_TOPIC = 'workplace_harassment';
const FIND_HELP_TOPIC = 'find_help';
const COUNSELLOR_TOPIC = 'counsellor';
/** Clarifying options are payloads "topic:<id>", valid from anywhere (a stale button still works). */
export const TOPIC_PAYLOAD = 'topic:';

/** Go to the node that carries a topic; false when no node does. */
export function goToTopic(ctx: Ctx, topic: string): boolean {
  const node = ctx.flows.topics[topic];
  if (!node) return false;
  goTo(ctx, node);
  return true;
}

/** The person picked one of the topics the last clarifying question offered ("2", its label, or the button). */
export function answerToClarify(ctx: Ctx, typed: string): boolean {
  if (ctx.clarifyOffer.length === 0 || !typed) return false;
  const options = clarifyOptions(ctx, ctx.clarifyOffer);
  const i = matchOption(options, typed);
  const topic = i >= 0 ? options[i]?.payload.slice(TOPIC_PAYLOAD.length) : undefined;
  return topic !== undefined && goToTopic(ctx, topic);
}

function clarifyOptions(ctx: Ctx, topics: string[]): ReplyOption[] {
  return topics.map((id) => ({ label: t(ctx, `topic.${id}`), payload: `${TOPIC_PAYLOAD}${id}` }));
}

/** The topic after the slots have had their say (age, relation). */
function adjustedTopic(ctx: Ctx, intent: string): string {
  const u = ctx.understanding;
  if (!u) return intent;
  const minor = u.age !== null && u.age < 18;
  if ((minor || u.relation === 'school') && ABUSE_TOPICS.has(intent) && ctx.flows.topics[CHILD_TOPIC]) return CHILD_TOPIC;
  if (u.relation === 'workplace' && DV_TOPICS.has(intent) && ctx.flows.topics[WORKPLACE_TOPIC]) return WORKPLACE_TOPIC;
  return intent;
}

/** 111 for a child, before the page itself, unless the page is the child route (it has it). */
function childLine(ctx: Ctx, topic: string | null): void {
  if (ctx.understanding?.child && topic !== CHILD_TOPIC) ctx.replies.push({ key: 'nlu.child_111', text: t(ctx, 'nlu.child_111') });
}

/**
 * Route typed free text by its meaning. `atRest`: at the main menu or with nothing asked
 * (else the caller re-prompts the current node's options when nothing fits).
 * Returns false when the caller should fall back (nothing understood and not at rest).
 */
export function routeByMeaning(ctx: Ctx, typed: string, atRest: boolean, chooseProvince: (code: string) => void): boolean {
  const u = ctx.understanding;
  // A number that picked no option is a stale or mistyped choice, not words to understand.
  if (!u || !typed.trim() || /^\d{1,3}$/.test(typed.trim())) return false;
  const found = findProvince(ctx.flows.provinces, typed, { inSentence: true });
  const province = found?.province ?? null;
  const intent = u.intent && !ctx.flows.nlu.config.noTopic.includes(u.intent) ? adjustedTopic(ctx, u.intent) : u.intent;

  // "nhà tạm lánh ở Đà Nẵng": the services there, at once.
  if (province && (intent === FIND_HELP_TOPIC || u.band !== 'direct' || intent === null)) {
    ctx.events.push({ type: 'understood', intent: FIND_HELP_TOPIC }, { type: 'topic', topic: FIND_HELP_TOPIC });
    // "Bình Dương" typed anywhere: first where it belongs since the 2025 merger, then its services.
    const note = found ? formerNameNote(ctx, province, found.phrase) : null;
    if (note) ctx.replies.push(note);
    chooseProvince(province.code);
    return true;
  }
  if (u.band === 'direct' && intent === ctx.flows.nlu.config.greeting) {
    ctx.events.push({ type: 'understood', intent });
    goTo(ctx, NODES.mainMenu, false);
    return true;
  }
  if (u.band === 'direct' && intent && ctx.flows.topics[intent]) {
    if (province) {
      ctx.state.vars.province = province.code;
      ctx.events.push({ type: 'province', province: province.code });
    }
    ctx.events.push({ type: 'understood', intent });
    childLine(ctx, intent);
    return goToTopic(ctx, intent);
  }
  // Everyday talk, understood as such: no question about topics it is not about.
  const everyday = u.band === 'direct' && intent !== null && ctx.flows.nlu.config.noTopic.includes(intent);
  const candidates = [...new Set(u.candidates.map((c) => adjustedTopic(ctx, c)))].filter((c) => ctx.flows.topics[c]).slice(0, 3);
  if (!everyday && u.band !== 'unknown' && candidates.length > 0) {
    const offer = candidates.includes(COUNSELLOR_TOPIC) ? candidates : [...candidates, COUNSELLOR_TOPIC];
    ctx.events.push({ type: 'clarify', topics: candidates });
    childLine(ctx, null);
    ctx.replies.push({ key: 'nlu.clarify', text: t(ctx, 'nlu.clarify'), options: clarifyOptions(ctx, offer) });
    ctx.state.vars._clarify = offer.join(',');
    return true;
  }
  if (!atRest) return false;
  ctx.events.push({ type: 'not_understood' });
  ctx.replies.push({ key: 'nlu.not_understood', text: t(ctx, 'nlu.not_understood') });
  childLine(ctx, null);
  goTo(ctx, NODES.mainMenu, false);
  return true;
}
