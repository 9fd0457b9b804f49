/**
 * The province picker: today's 34 provinces in alphabetical order (Vietnamese collation, or
 * the English names in English), a page at a time, with the same way on and out on every page:
 * next page, back (the previous page, or the previous screen from page 1), skip where the
 * question may be skipped, and the main menu. A province typed by its name from before the
 * July 2025 merger is accepted, and the person is told where it belongs now.
 * The input side (what a tap or a typed number does) is in input.ts.
 */
import type { Ctx } from './context';
import { t } from './context';
import type { CompiledNode } from './flowset';
import { allLabels } from './match';
import { formerNameOf, provincesInOrder, withoutDiacritics, type Province } from './provinces';
import type { Reply, ReplyOption } from './types';

/** Provinces per page: 8 + next, back, skip and main menu = 12 options, the most the web chat shows. */
export const PAGE_SIZE = 8;

/**
 * Navigation payloads. "back" (offered on page 1) and "menu" are also global commands, so a
 * tapped button works like the typed word; "prev" is the picker's own previous page.
 */
export const PICKER_NAV = { next: 'more', prev: 'prev', back: 'back', skip: 'skip', menu: 'menu' } as const;

/** Options on one page of a picker node (the validator holds this against the channels' limit). */
export function pickerOptionCount(node: Pick<CompiledNode, 'skippable'>): number {
  return PAGE_SIZE + 3 + (node.skippable ? 1 : 0);
}

function pageCount(ctx: Ctx): number {
  return Math.max(1, Math.ceil(ctx.flows.provinces.length / PAGE_SIZE));
}

/** The page shown now (0-based); engine bookkeeping in vars._page. */
function pageOf(ctx: Ctx): number {
  return Number(ctx.state.vars._page ?? '0') % pageCount(ctx);
}

/** Move `by` pages; past the last page comes the first again, so "next" always shows something. */
export function turnPage(ctx: Ctx, by: number): void {
  const pages = pageCount(ctx);
  ctx.state.vars._page = String((pageOf(ctx) + by + pages) % pages);
}

/** The options of the current page, with alternative labels (both languages) for typed matching. */
export function pickerOptions(ctx: Ctx, node: CompiledNode): { options: ReplyOption[]; alt: string[][] } {
  const options: ReplyOption[] = [];
  const alt: string[][] = [];
  const lang = ctx.state.lang === 'en' ? 'en' : 'vi';
  const page = pageOf(ctx);
  for (const p of provincesInOrder(ctx.flows.provinces, lang).slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)) {
    options.push({ label: p.name[lang], payload: `p:${p.code}` });
    alt.push([p.name.vi, p.name.en]);
  }
  const nav = (key: string, payload: string) => {
    options.push({ label: t(ctx, key), payload });
    alt.push(allLabels(ctx.flows, key));
  };
  nav('opt.more', PICKER_NAV.next);
  if (page === 0) nav('opt.back', PICKER_NAV.back);
  else nav('opt.prev_page', PICKER_NAV.prev);
  if (node.skippable) nav('opt.skip', PICKER_NAV.skip);
  nav('opt.main_menu', PICKER_NAV.menu);
  return { options, alt };
}

/** "Quảng Bình nay thuộc Quảng Trị…" when `phrase` (from findProvince) is a former name of `p`, else null. */
export function formerNameNote(ctx: Ctx, p: Province, phrase: string): Reply | null {
  const former = formerNameOf(p, phrase);
  if (!former) return null;
  const en = ctx.state.lang === 'en';
  const vars = { former: en ? withoutDiacritics(former) : former, province: en ? p.name.en : p.name.vi };
  return { key: 'province.former_name', text: t(ctx, 'province.former_name', vars) };
}
