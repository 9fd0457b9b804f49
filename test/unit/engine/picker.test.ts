/** The province picker: alphabetical pages, the same way on and out on every page, former names. */
import { step, type StepResult } from '../../../src/engine';
import { PAGE_SIZE } from '../../../src/engine/picker';
import { at, cfg, flows, keys, last, T0, tap, txt } from './helpers';

const pickerAt = (lang = 'vi') => at('find_help.start', { lang, stack: ['main.menu'] });
const optionsOf = (r: StepResult) => r.replies.at(-1)!.options!;
const payloads = (r: StepResult) => optionsOf(r).map((o) => o.payload);
const provincesOn = (r: StepResult) => optionsOf(r).filter((o) => o.payload.startsWith('p:')).map((o) => o.label);
/** The picker shown again (/help re-renders it), as the person sees it now. */
function enterPicker(node: string, lang: string, stack = ['main.menu']): StepResult {
  return step(flows(), at(node, { lang, stack }), txt('/help'), T0, cfg);
}
/** Every page, from the first, following "more" until it wraps around. */
function allPages(lang: string): StepResult[] {
  const pages: StepResult[] = [];
  let r = last([tap('find_help')], at('main.menu', { lang }));
  for (let i = 0; i < 10; i++) {
    pages.push(r);
    r = step(flows(), r.state, tap('more'), T0 + i * 1000, cfg);
    if ((r.state.vars._page ?? '0') === '0') break;
  }
  return pages;
}

describe('order', () => {
  it('lists the 34 provinces alphabetically in Vietnamese collation, Đ after D, TP Hồ Chí Minh under H', () => {
    const names = allPages('vi').flatMap(provincesOn);
    expect(names).toHaveLength(34);
    expect(names.slice(0, PAGE_SIZE)).toEqual(['An Giang', 'Bắc Ninh', 'Cà Mau', 'Cao Bằng', 'Cần Thơ', 'Đà Nẵng', 'Đắk Lắk', 'Điện Biên']);
    const sortKey = (n: string) => n.replace(/^TP /, '');
    expect(names).toEqual([...names].sort((a, b) => sortKey(a).localeCompare(sortKey(b), 'vi')));
    expect(names.indexOf('TP Hồ Chí Minh')).toBe(names.indexOf('Hải Phòng') + 1);
    expect(names.indexOf('TP Hồ Chí Minh')).toBe(names.indexOf('Huế') - 1);
  });
  it('uses the English names, in English order, in English', () => {
    const names = allPages('en').flatMap(provincesOn);
    expect(names).toHaveLength(34);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(names).toContain('Ho Chi Minh City');
  });
});

describe('every page', () => {
  it('offers more, back (previous page after page 1) and the main menu; at most 12 options', () => {
    const pages = allPages('vi');
    expect(pages.length).toBe(Math.ceil(34 / PAGE_SIZE));
    pages.forEach((r, i) => {
      const nav = payloads(r).filter((p) => !p.startsWith('p:'));
      expect(nav).toEqual(['more', i === 0 ? 'back' : 'prev', 'menu']);
      expect(optionsOf(r).length).toBeLessThanOrEqual(12);
    });
    expect(optionsOf(pages[1]!).find((o) => o.payload === 'prev')?.label).toBe('Trang trước');
    expect(optionsOf(pages[0]!).find((o) => o.payload === 'back')?.label).toBe('Quay lại');
  });
  it('offers skip too where the question may be skipped, still within 12', () => {
    const skippable = Object.values(flows().nodes).filter((n) => n.type === 'province_picker' && n.skippable);
    expect(skippable.length).toBeGreaterThan(0);
    for (const n of skippable) {
      const r = enterPicker(n.id, 'vi');
      expect(payloads(r).filter((p) => !p.startsWith('p:'))).toEqual(['more', 'back', 'skip', 'menu']);
      expect(optionsOf(r)).toHaveLength(12);
    }
  });
});

describe('moving', () => {
  it('more → next page, previous page → back, more on the last page → the first again', () => {
    const first = enterPicker('find_help.start', 'vi');
    const second = step(flows(), first.state, tap('more'), T0, cfg);
    expect(provincesOn(second)[0]).not.toBe(provincesOn(first)[0]);
    const backAgain = step(flows(), second.state, tap('prev'), T0, cfg);
    expect(provincesOn(backAgain)).toEqual(provincesOn(first));
    expect(backAgain.state.node).toBe('find_help.start');
    const pages = allPages('vi');
    const wrapped = step(flows(), pages.at(-1)!.state, tap('more'), T0, cfg);
    expect(provincesOn(wrapped)).toEqual(provincesOn(pages[0]!));
  });
  it('typed numbers work for the navigation options too', () => {
    const first = enterPicker('find_help.start', 'vi');
    const n = (r: StepResult, payload: string) => String(payloads(r).indexOf(payload) + 1);
    const second = step(flows(), first.state, txt(n(first, 'more')), T0, cfg);
    expect(provincesOn(second)[0]).toBe(provincesOn(step(flows(), first.state, tap('more'), T0, cfg))[0]);
    expect(provincesOn(step(flows(), second.state, txt(n(second, 'prev')), T0, cfg))).toEqual(provincesOn(first));
    expect(step(flows(), second.state, txt(n(second, 'menu')), T0, cfg).state.node).toBe('main.menu');
    expect(step(flows(), first.state, txt(n(first, 'back')), T0, cfg).state.node).toBe('main.menu');
    expect(step(flows(), second.state, txt('Trang trước'), T0, cfg).state.vars._page).toBe('0');
  });
  it('back on page 1 returns to the previous screen, tapped or typed as its number', () => {
    const first = enterPicker('find_help.start', 'vi', ['main.menu', 'is_violence.menu']);
    expect(step(flows(), first.state, tap('back'), T0, cfg).state.node).toBe('is_violence.menu');
    expect(step(flows(), first.state, txt(String(payloads(first).indexOf('back') + 1)), T0, cfg).state.node).toBe('is_violence.menu');
  });
  it('tapped main menu and back are the global commands', () => {
    const first = enterPicker('find_help.start', 'vi');
    expect(step(flows(), first.state, tap('menu'), T0, cfg).state.node).toBe('main.menu');
    expect(step(flows(), first.state, tap('back'), T0, cfg).state.node).toBe('main.menu');
  });
});

describe('former names (the July 2025 merger)', () => {
  it('are accepted, and the reply says where the province belongs now before the services', () => {
    const r = step(flows(), pickerAt(), txt('Quảng Bình'), T0, cfg);
    expect(keys(r).slice(0, 2)).toEqual(['province.former_name', 'services.header']);
    expect(r.replies[0]!.text).toMatch(/^Quảng Bình nay thuộc Quảng Trị/);
    expect(r.events).toContainEqual({ type: 'province', province: 'quang-tri' });
    const noDiacritics = step(flows(), pickerAt(), txt('binh duong'), T0, cfg);
    expect(noDiacritics.replies[0]!.text).toMatch(/^Bình Dương nay thuộc TP Hồ Chí Minh/);
    expect(step(flows(), pickerAt(), txt('Bà Rịa - Vũng Tàu'), T0, cfg).replies[0]!.key).toBe('province.former_name');
  });
  it('in English, with the names as English readers write them', () => {
    const r = step(flows(), pickerAt('en'), txt('Quảng Bình'), T0, cfg);
    expect(r.replies[0]!.text).toMatch(/^Quang Binh is now part of Quang Tri/);
  });
  it('today\'s names and aliases get no note', () => {
    for (const typed of ['Quảng Trị', 'ho chi minh', 'vung tau', 'Huế', '1']) {
      expect(keys(step(flows(), pickerAt(), txt(typed), T0, cfg))).not.toContain('province.former_name');
    }
  });
  it('typed as free text anywhere, the same note comes first', () => {
    const r = step(flows(), at(null), txt('Bình Dương'), T0, cfg);
    expect(keys(r)[0]).toBe('province.former_name');
    expect(keys(r)).toContain('services.header');
  });
});
