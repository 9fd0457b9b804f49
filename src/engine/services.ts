/**
 * Rendering of content-backed nodes: the service directory for a province and legal entries.
 * Every reply starts with one of our own neutral header lines, because a directory entry's
 * name ("Công an …") must never be the first line a lock screen shows.
 */
import type { Ctx } from './context';
import { t } from './context';
import type { CompiledNode } from './flowset';
import { REFERENCE_LANG } from './flowset';
import { displayDate } from './dates';
import { formatService, servicesFor, type DirectoryEntry } from './directory';
import type { Reply } from './types';

/** Channel limit for one message (Zalo's 2000 characters is the smallest). */
export const MAX_TEXT = 2000;

/** Pack blocks under a header into replies of at most MAX_TEXT characters, each starting with the header. */
function pack(key: string, header: string, blocks: string[]): Reply[] {
  const out: Reply[] = [];
  let cur = header;
  for (const b of blocks) {
    if (cur.length + 2 + b.length > MAX_TEXT && cur !== header) {
      out.push({ key, text: cur });
      cur = header;
    }
    cur += '\n\n' + b;
  }
  out.push({ key, text: cur });
  return out;
}

/** Province name in the person's language (Vietnamese names are used by both by default). */
export function provinceName(ctx: Ctx, code: string): string {
  const p = ctx.flows.provinces.find((x) => x.code === code);
  if (!p) return code;
  return ctx.state.lang === 'en' ? p.name.en : p.name.vi;
}

/** Three-digit numbers are the emergency lines (113, 115, 111): they lead the national numbers. */
const EMERGENCY_CODE = /^\d{3}$/;

/**
 * The national list: the numbers (emergency lines, then our hotline once HOTLINE_NUMBER is set,
 * then the rest in file order) under one short header, so they fit one message; the places
 * without a phone (commune police, Women's Union…) follow in a second message of their own.
 */
function renderNational(ctx: Ctx, national: DirectoryEntry[]): Reply[] {
  const f = (e: DirectoryEntry) => formatService(e, ctx.state.lang);
  const numbers = national.filter((e) => e.phone);
  const emergency = numbers.filter((e) => EMERGENCY_CODE.test(e.phone ?? ''));
  const others = numbers.filter((e) => !EMERGENCY_CODE.test(e.phone ?? ''));
  const hotline = t(ctx, 'services.hotline'); // empty until the number is configured: never invented
  const blocks = [...emergency.map(f), ...(hotline ? [hotline] : []), ...others.map(f)];
  const replies = pack('services.national', t(ctx, 'services.national'), blocks);
  const places = national.filter((e) => !e.phone);
  if (places.length > 0) replies.push(...pack('services.national_places', t(ctx, 'services.national_places'), places.map(f)));
  return replies;
}

/**
 * Replies listing the services for vars.province, then the commune route (services.commune:
 * commune police, the commune chair's no-contact order, the commune Women's Union, which every
 * commune has had since the two-level local government of 1/7/2025), then the national numbers.
 */
export function renderServices(ctx: Ctx): Reply[] {
  const code = ctx.state.vars.province;
  const lang = ctx.state.lang;
  const { local, national } = servicesFor(ctx.flows.directory, code ?? 'national');
  const replies: Reply[] = [];
  if (code) {
    const header = t(ctx, 'services.header', { province: provinceName(ctx, code) });
    const blocks = local.length > 0 ? local.map((e) => formatService(e, lang)) : [t(ctx, 'services.none')];
    replies.push(...pack('services.header', header, blocks));
  } else {
    replies.push({ key: 'services.no_province', text: t(ctx, 'services.no_province') });
  }
  replies.push({ key: 'services.commune', text: t(ctx, 'services.commune') });
  replies.push(...renderNational(ctx, national));
  const categories = [...new Set([...local, ...national].map((e) => e.category))].sort();
  ctx.events.push({ type: 'referral', province: code ?? 'national', categories });
  return replies;
}

function localised(ctx: Ctx, v: string | Record<string, string | undefined>, isKey: boolean): string {
  if (typeof v === 'string') return isKey ? t(ctx, v) : v;
  return v[ctx.state.lang] ?? v[REFERENCE_LANG] ?? '';
}

/** A legal entry with its source (law + article) and the date it was last checked. */
export function renderLegal(ctx: Ctx, node: CompiledNode): Reply {
  const entry = ctx.flows.legal[node.entry ?? ''];
  if (!entry) {
    ctx.events.push({ type: 'error', code: 'legal_missing' });
    return { key: 'cmd.loop_error', text: t(ctx, 'cmd.loop_error') };
  }
  const body = localised(ctx, entry.text, true);
  const source = localised(ctx, entry.source, false);
  const key = typeof entry.text === 'string' ? entry.text : `legal.${entry.id}`;
  return { key, text: `${body}\n\n${t(ctx, 'legal.source', { source, date: displayDate(entry.lastChecked) })}` };
}
