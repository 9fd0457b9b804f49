/**
 * Cross-checks that follow the schemas (STYLE habit 5): references, text keys, channel
 * limits, reachability, a way back to the menu, neutral first lines, legal sources.
 */
import { ENGINE_TEXT_KEYS, MAX_TEXT, NODES, REFERENCE_LANG, pickerOptionCount, type CompiledNode, type FlowSet } from '../engine';
import type { Origins } from './compile';
import { checkDirectory } from './directoryCheck';
import type { Issue } from './issues';
import { LOCK_SCREEN_EXEMPT, revealingWord } from './lockScreen';

export { NON_NEUTRAL } from './lockScreen';

/** Most options any channel shows well (Zalo numbered lines, Telegram keyboards). */
export const MAX_OPTIONS = 10;
/**
 * A province picker page may hold more: it is a list of names plus the same four ways on and
 * out (next, back, skip, main menu), and the web chat shows up to 12 buttons.
 */
export const MAX_PICKER_OPTIONS = 12;

/** An ISO date ("2026-11-23") in a text: people read day/month/year (src/engine/dates.ts). */
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

/** Keys whose text is never the first line of a reply (button labels, topic labels). */
function neverFirstLine(key: string, labelKeys: Set<string>): boolean {
  return key.startsWith('topic.') || labelKeys.has(key) || key === 'lang.name';
}

const REQUIRED: Record<string, Array<'text' | 'next' | 'options' | 'entry' | 'unavailable'>> = {
  message: ['text', 'next'], menu: ['text', 'options'], ask: ['text'], handoff: ['text', 'unavailable'], wait: ['text'], line: ['next', 'unavailable'], goto: ['next'],
  end: ['text'], exit: [], erase: [], services: ['next'], legal: ['entry', 'next'], province_picker: ['text', 'next'], language: ['text', 'next'],
};

/** Outgoing edges of a node; end, exit, erase and a final handoff lead back to the menu by design. */
export function edges(n: CompiledNode): string[] {
  const out = [n.next, n.unavailable, ...(n.options ?? []).map((o) => o.next)].filter((x): x is string => !!x);
  if (n.type === 'end' || n.type === 'exit' || n.type === 'erase' || n.type === 'wait' || (n.type === 'handoff' && !n.next)) out.push(NODES.mainMenu);
  return out;
}

function reach(starts: string[], adj: Record<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length) {
    const id = todo.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(adj[id] ?? []));
  }
  return seen;
}

/** Run every cross-check. Returns errors and warnings; never throws. */
export function validate(fs: FlowSet, o: Origins): { errors: Issue[]; warnings: Issue[]; coverage: Record<string, number> } {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const vi = fs.texts[REFERENCE_LANG] ?? {};
  const viFile = `content/texts/${REFERENCE_LANG}`;
  const at = (id: string) => ({ file: o.nodeFile[id] ?? 'flows', where: `node '${id.split('.').slice(1).join('.')}'` });
  const used = new Map<string, Issue>();
  const labelKeys = new Set<string>(['opt.main_menu', 'opt.back', 'opt.prev_page', 'opt.skip', 'opt.more', 'opt.cancel']);
  const useKey = (key: string, where: Issue) => {
    if (!used.has(key)) used.set(key, where);
  };

  for (const k of ENGINE_TEXT_KEYS) useKey(k, { file: viFile, message: 'engine text' });
  for (const n of Object.values(fs.nodes)) {
    const w = at(n.id);
    for (const f of REQUIRED[n.type] ?? []) {
      const v = n[f];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) errors.push({ ...w, message: `${n.type} node needs '${f}'` });
    }
    if (n.type === 'ask' && !n.next && (n.options ?? []).some((op) => !op.next)) errors.push({ ...w, message: "ask node needs 'next' (or a next on every option)" });
    if (n.type === 'ask' && !n.options?.length && n.input !== 'text') errors.push({ ...w, message: "ask node needs options or input: text" });
    if (n.type === 'menu') (n.options ?? []).forEach((op, i) => { if (!op.next) errors.push({ ...w, message: `option ${i + 1} ('${op.payload}') needs 'next'` }); });
    if (n.text) useKey(n.text, { ...w, message: '' });
    const refs: Array<[string, string | undefined]> = [['next', n.next], ['unavailable', n.unavailable], ...(n.options ?? []).map((op, i) => [`option ${i + 1}`, op.next] as [string, string | undefined])];
    for (const [what, ref] of refs) if (ref && !fs.nodes[ref]) errors.push({ ...w, message: `${what}: unknown node '${ref}'` });
    const payloads = new Set<string>();
    for (const op of n.options ?? []) {
      useKey(op.label, { ...w, message: '' });
      labelKeys.add(op.label);
      if (payloads.has(op.payload)) errors.push({ ...w, message: `duplicate payload '${op.payload}'` });
      payloads.add(op.payload);
    }
    const count = n.type === 'province_picker' ? pickerOptionCount(n) : (n.options?.length ?? 0) + (n.skippable ? 1 : 0);
    const max = n.type === 'province_picker' ? MAX_PICKER_OPTIONS : MAX_OPTIONS;
    if (count > max) errors.push({ ...w, message: `${count} options: channels allow at most ${max}` });
    if (n.type === 'legal' && n.entry && !fs.legal[n.entry]) errors.push({ ...w, message: `unknown legal entry '${n.entry}'` });
    if (n.type === 'menu' || n.type === 'ask') {
      for (const [lang, tx] of Object.entries(fs.texts)) {
        const len = (tx[n.text ?? ''] ?? '').length + (n.options ?? []).reduce((s, op) => s + (tx[op.label] ?? vi[op.label] ?? '').length + 5, 0);
        if (len > MAX_TEXT) errors.push({ ...w, message: `${lang}: text with numbered options is ${len} characters (limit ${MAX_TEXT})` });
      }
    }
  }
  checkNlu(fs, o, errors);
  for (const [id, e] of Object.entries(fs.legal)) {
    const w = { file: o.nodeFile[`legal:${id}`] ?? 'content/legal', where: `entry '${id}'` };
    if (typeof e.text === 'string') useKey(e.text, { ...w, message: '' });
    for (const [lang, tx] of Object.entries(fs.texts)) {
      const body = typeof e.text === 'string' ? (tx[e.text] ?? vi[e.text] ?? '') : (e.text[lang] ?? e.text.vi);
      if (body.length + 200 > MAX_TEXT) errors.push({ ...w, message: `${lang}: text with source line is over ${MAX_TEXT} characters` });
      if (typeof e.text !== 'string') checkText(`legal.${id}`, body, { ...w, message: lang }, errors);
    }
  }

  // Text keys: exist in vi, no key only in another language, channel limit, neutral first line.
  for (const [key, where] of used) {
    if (vi[key] === undefined) errors.push({ ...where, message: `unknown text key '${key}' (no ${REFERENCE_LANG} text)` });
  }
  for (const [lang, tx] of Object.entries(fs.texts)) {
    const file = (k: string) => o.textFile[lang]?.[k] ?? `content/texts/${lang}`;
    for (const [key, value] of Object.entries(tx)) {
      if (lang !== REFERENCE_LANG && vi[key] === undefined) errors.push({ file: file(key), where: `key '${key}'`, message: `missing ${REFERENCE_LANG} text` });
      if (value.length > MAX_TEXT) errors.push({ file: file(key), where: `key '${key}'`, message: `${value.length} characters (limit ${MAX_TEXT})` });
      if (!neverFirstLine(key, labelKeys)) checkText(key, value, { file: file(key), where: `key '${key}'`, message: '' }, errors);
    }
  }
  // An exemption whose text is neutral again (or gone) should leave the list.
  for (const key of Object.keys(LOCK_SCREEN_EXEMPT)) {
    const flagged = Object.values(fs.texts).some((tx) => tx[key] !== undefined && revealingWord(tx[key] ?? '') !== null);
    if (!flagged) warnings.push({ file: 'src/flowset/lockScreen.ts', where: `key '${key}'`, message: 'lock-screen exemption no longer needed' });
  }
  const coverage: Record<string, number> = {};
  for (const lang of fs.languages.filter((l) => l !== REFERENCE_LANG)) {
    const keys = Object.keys(vi);
    const have = keys.filter((k) => fs.texts[lang]?.[k] !== undefined);
    coverage[lang] = keys.length ? Math.round((have.length / keys.length) * 1000) / 10 : 100;
    for (const k of keys) if (fs.texts[lang]?.[k] === undefined) warnings.push({ file: `content/texts/${lang}`, where: `key '${k}'`, message: `missing ${lang} text (falls back to ${REFERENCE_LANG})` });
  }
  if (!fs.texts.en) warnings.push({ file: 'content/texts/en', message: 'no English texts' });

  // Graph: every well-known node exists; everything reachable; everything leads back to the menu.
  for (const id of Object.values(NODES)) if (!fs.nodes[id]) errors.push({ file: `flows/${id.split('.')[0]}.yaml`, where: `node '${id.split('.')[1]}'`, message: 'required node missing' });
  const adj: Record<string, string[]> = {};
  const rev: Record<string, string[]> = {};
  for (const n of Object.values(fs.nodes)) {
    adj[n.id] = edges(n);
    for (const to of adj[n.id] ?? []) (rev[to] ??= []).push(n.id);
  }
  const roots = [...Object.values(NODES), ...Object.values(fs.nodes).filter((n) => n.entryPoint).map((n) => n.id), ...Object.values(fs.topics)];
  const reachable = reach(roots, adj);
  const back = reach([NODES.mainMenu], rev);
  for (const n of Object.values(fs.nodes)) {
    if (!reachable.has(n.id)) errors.push({ ...at(n.id), message: 'unreachable node (no path from the main menu or an entry point)' });
    if (!back.has(n.id)) errors.push({ ...at(n.id), message: `no way back to the menu (${NODES.mainMenu})` });
  }

  for (const e of fs.directory) {
    const shown = [...Object.values(e.name), ...Object.values(e.what), ...Object.values(e.hours ?? {})].join('\n');
    const iso = ISO_DATE.exec(shown);
    if (iso) errors.push({ file: o.directoryFile[e.id] ?? 'content/directory', where: `entry '${e.id}'`, message: `date '${iso[0]}' written as YYYY-MM-DD: write it as people read it, dd/mm/yyyy` });
    if (!e.verified) warnings.push({ file: o.directoryFile[e.id] ?? 'content/directory', where: `entry '${e.id}'`, message: 'unverified directory entry (shown marked as unverified)' });
  }
  errors.push(...checkDirectory(fs.directory, o.directoryFile));
  return { errors, warnings, coverage };
}

/** A text a person reads: a neutral first line (unless exempt, lockScreen.ts) and no ISO dates. */
function checkText(key: string, value: string, where: Issue, errors: Issue[]): void {
  const prefix = where.message ? where.message + ': ' : '';
  const bad = LOCK_SCREEN_EXEMPT[key] === undefined ? revealingWord(value) : null;
  if (bad) errors.push({ ...where, message: `${prefix}first line is not neutral ('${bad}'): someone else may see it on the lock screen` });
  const iso = ISO_DATE.exec(value);
  if (iso) errors.push({ ...where, message: `${prefix}date '${iso[0]}' written as YYYY-MM-DD: write it as people read it, dd/mm/yyyy` });
}

/** Examples an intent needs per language (the understanding issue's floor). */
export const MIN_EXAMPLES: Record<string, number> = { vi: 40, en: 15 };

/**
 * The understanding corpus against the flows: every intent leads somewhere (a danger kind,
 * a no-topic intent, or the one node that carries its topic), has a label for the clarifying
 * question, and enough examples in each language.
 */
function checkNlu(fs: FlowSet, o: Origins, errors: Issue[]): void {
  const cfg = fs.nlu.config;
  const file = (lang: string, intent: string) => `content/nlu/${lang}/${intent}.yaml`;
  for (const [intent, perLang] of Object.entries(o.nluExamples)) {
    const special = cfg.dangerIntents[intent] !== undefined || cfg.noTopic.includes(intent);
    const anyLang = Object.keys(perLang)[0] ?? REFERENCE_LANG;
    if (!special && !fs.topics[intent]) errors.push({ file: file(anyLang, intent), message: `intent '${intent}' leads nowhere: no node has "topic: ${intent}"` });
    if (!special && fs.texts[REFERENCE_LANG]?.[`topic.${intent}`] === undefined) errors.push({ file: file(anyLang, intent), message: `no label 'topic.${intent}' for the clarifying question` });
    for (const [lang, min] of Object.entries(MIN_EXAMPLES)) {
      const n = perLang[lang] ?? 0;
      if (n < min) errors.push({ file: file(lang, intent), message: `${n} examples in ${lang} (at least ${min})` });
    }
  }
  for (const intent of [...Object.keys(cfg.dangerIntents), ...cfg.noTopic]) {
    if (!o.nluExamples[intent]) errors.push({ file: 'content/nlu/config.yaml', message: `intent '${intent}' has no examples` });
  }
}
