/** "Erase my data": typed or tapped anywhere, confirmed first, then one `erase` event (Law 91/2025/QH15). */
import { matchCommand, step } from '../../../src/engine';
import { at, cfg, flows, keys, T0, tap, txt, types } from './helpers';

const waitingNodes = () => Object.values(flows().nodes).filter((n) => ['menu', 'ask', 'province_picker', 'language', 'end'].includes(n.type)).map((n) => n.id);

describe('erase my data', () => {
  it.each(['xóa dữ liệu của tôi', 'xoá dữ liệu của tôi', 'XOA DU LIEU CUA TOI', 'xoá dữ liệu', 'Xóa dữ liệu', 'delete my data', 'Erase my data', '/erase'])('"%s" is the erase command', (typed) => {
    expect(matchCommand(typed)).toEqual({ cmd: 'erase' });
  });

  it('only the whole message counts: a sentence about deleting is not the command', () => {
    expect(matchCommand('anh ấy xoá dữ liệu điện thoại của tôi')).toBeNull();
    expect(matchCommand('how do I delete my data from facebook')).toBeNull();
  });

  it('asks first, from every waiting node, with Yes / No buttons and nothing erased yet', () => {
    for (const node of [null, ...waitingNodes()]) {
      const r = step(flows(), at(node), txt('xóa dữ liệu của tôi'), T0, cfg);
      expect(r.state.node).toBe('erase.start');
      expect(keys(r).at(-1)).toBe('erase.confirm');
      expect(r.replies.at(-1)!.options!.map((o) => o.payload)).toEqual(['erase_yes', 'erase_no']);
      expect(types(r)).not.toContain('erase');
    }
  });

  it('the confirmation says what is erased, that it cannot be undone, and that anonymous counts stay', () => {
    const vi = step(flows(), at(null), txt('xoá dữ liệu'), T0, cfg).replies.at(-1)!;
    expect(vi.text).toMatch(/Không thể hoàn tác/);
    expect(vi.text).toMatch(/thống kê ẩn danh/);
    expect(vi.options!.map((o) => o.label)).toEqual(['Có, xoá', 'Không']);
    const en = step(flows(), at(null, { lang: 'en' }), txt('delete my data'), T0, cfg).replies.at(-1)!;
    expect(en.text).toMatch(/cannot be undone/);
    expect(en.options!.map((o) => o.label)).toEqual(['Yes, erase', 'No']);
  });

  it('yes: one erase event, a fresh state (privacy notice again next time), a reply that ends the web chat and leaves no message id', () => {
    const asked = step(flows(), at('rights_law.start', { lang: 'en', vars: { role: 'self', province: 'ha_noi' }, stack: ['main.menu'] }), txt('erase my data', 'webchat'), T0, cfg);
    const r = step(flows(), asked.state, tap('erase_yes', 'webchat'), T0 + 1000, cfg);
    expect(types(r)).toEqual(['erase']);
    expect(keys(r)).toEqual(['erase.done']);
    expect(r.replies[0]).toMatchObject({ exit: true, forget: true });
    expect(r.replies[0]!.text.split('\n')[0]).toBe('Done. Your data has been erased.');
    expect(r.state).toMatchObject({ node: null, vars: {}, stack: [], privacyShown: false, lang: 'en' });
    const next = step(flows(), r.state, txt('hello', 'webchat'), T0 + 2000, cfg);
    expect(keys(next)[0]).toBe('main.privacy');
  });

  it('no: nothing erased, back to the menu', () => {
    const asked = step(flows(), at('main.menu'), txt('xoá dữ liệu'), T0, cfg);
    const r = step(flows(), asked.state, tap('erase_no'), T0 + 1000, cfg);
    expect(types(r)).toEqual([]);
    expect(r.state.node).toBe('main.menu');
  });

  it('the privacy page offers it', () => {
    const page = step(flows(), at('main.menu'), tap('privacy'), T0, cfg);
    expect(page.replies.at(-1)!.options!.map((o) => o.payload)).toContain('erase_ask');
    expect(keys(step(flows(), page.state, tap('erase_ask'), T0 + 1000, cfg))).toEqual(['erase.confirm']);
  });

  it('works while with a counsellor, and a later "1" in the chat is relayed, never an erase', () => {
    const asked = step(flows(), at(null, { status: 'with_counsellor' }), txt('xóa dữ liệu của tôi'), T0, cfg);
    expect(keys(asked)).toEqual(['erase.confirm']);
    const chat = step(flows(), asked.state, txt('chị ơi'), T0 + 1000, cfg);
    expect(types(chat)).toEqual(['relay']);
    const one = step(flows(), chat.state, txt('1'), T0 + 2000, cfg);
    expect(types(one)).toEqual(['relay']);
    const again = step(flows(), one.state, txt('xóa dữ liệu của tôi'), T0 + 3000, cfg);
    const yes = step(flows(), again.state, tap('erase_yes'), T0 + 4000, cfg);
    expect(types(yes)).toEqual(['erase']);
    expect(yes.state.status).toBe('with_counsellor'); // the caller owns the status (the handoff ends the case)
  });
});
