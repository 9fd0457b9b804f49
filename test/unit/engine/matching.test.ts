/** Option matching: payload, "1", "2" …, labels typed with or without diacritics, in either language. */
import { matchCommand, matchOption, step, text, fill } from '../../../src/engine';
import { at, cfg, flows, T0, txt } from './helpers';

const opts = [
  { label: 'Tôi đang gặp nguy hiểm', payload: 'danger' },
  { label: 'Quyền của tôi và pháp luật', payload: 'rights' },
  { label: 'Tìm hỗ trợ gần tôi', payload: 'find_help' },
];

describe('matchOption', () => {
  it('numbers pick the n-th option, out of range is no match', () => {
    expect(matchOption(opts, '1')).toBe(0);
    expect(matchOption(opts, ' 3 ')).toBe(2);
    expect(matchOption(opts, '4')).toBe(-1);
    expect(matchOption(opts, '0')).toBe(-1);
  });
  it('labels with or without diacritics, any case, stretched letters', () => {
    expect(matchOption(opts, 'Quyền của tôi và pháp luật')).toBe(1);
    expect(matchOption(opts, 'quyen cua toi va phap luat')).toBe(1);
    expect(matchOption(opts, 'TIM HO TRO GAN TOI!!!')).toBe(2);
    expect(matchOption(opts, 'tim ho tro gan toiiiii')).toBe(2);
    expect(matchOption(opts, 'something else')).toBe(-1);
  });
  it('alternative labels (other languages)', () => {
    expect(matchOption(opts, 'my rights and the law', [[], ['My rights and the law'], []])).toBe(1);
  });
});

describe('in the engine', () => {
  it('a menu label typed without diacritics, or the English label while in Vietnamese', () => {
    expect(step(flows(), at('main.menu'), txt('ke hoach an toan'), T0, cfg).state.node).toBe('safety_planning.start');
    expect(step(flows(), at('main.menu'), txt('Safety planning'), T0, cfg).state.node).toBe('safety_planning.start');
    expect(step(flows(), at('main.menu', { lang: 'en' }), txt('7'), T0, cfg).state.node).toBe('safety_planning.start');
  });
  it('a province typed without diacritics in the picker', () => {
    const r = step(flows(), at('find_help.start'), txt('ha noi'), T0, cfg);
    expect(r.events.some((e) => e.type === 'province')).toBe(true);
  });
});

describe('commands, texts', () => {
  it('commands are whole-message only', () => {
    expect(matchCommand('Thoát')).toEqual({ cmd: 'exit' });
    expect(matchCommand('/start ref123')).toEqual({ cmd: 'menu' });
    expect(matchCommand('tôi muốn thoát khỏi anh ta')).toBeNull();
  });
  it('text(): vi fallback per message, placeholders, lines without a value dropped', () => {
    const f = { ...flows(), texts: { ...flows().texts, fr: { 'opt.back': 'Retour' } }, languages: [...flows().languages, 'fr'] };
    expect(text(f, 'fr', 'opt.back')).toBe('Retour');
    expect(text(f, 'fr', 'opt.skip')).toBe('Bỏ qua');
    expect(fill('a\nb {hotline}\nc', {})).toBe('a\nc');
    expect(fill('call {hotline}', { hotline: '1800' })).toBe('call 1800');
    expect(text(flows(), 'vi', 'no.such.key')).toBe('[no.such.key]');
  });
});
