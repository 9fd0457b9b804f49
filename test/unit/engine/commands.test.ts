/** Global commands in every state and status, vi + en, with and without diacritics. */
import { step } from '../../../src/engine';
import { at, cfg, flows, keys, last, T0, tap, txt, types } from './helpers';

const waitingNodes = () => Object.values(flows().nodes).filter((n) => ['menu', 'ask', 'province_picker', 'language', 'end', 'handoff'].includes(n.type)).map((n) => n.id);
const states = () => [null, ...waitingNodes()];

describe('global commands in status bot, at every waiting node', () => {
  it.each(['menu', '0', '/start', '/menu', 'MENU', 'Menu chính'])('"%s" → main menu from everywhere', (cmd) => {
    for (const node of states()) {
      const r = step(flows(), at(node), txt(cmd), T0, cfg);
      expect(r.state.node).toBe('main.menu');
      expect(keys(r)).toContain('main.menu');
      expect(r.state.stack).toEqual([]);
    }
  });

  it.each(['thoát', 'thoat', 'exit', '/stop', '/exit', 'THOÁT'])('"%s" exits everywhere, keeping the language', (cmd) => {
    for (const node of states()) {
      const r = step(flows(), at(node, { lang: 'en', vars: { role: 'self' } }), txt(cmd, 'zalo'), T0, cfg);
      expect(types(r)).toEqual(['exit']);
      expect(keys(r)).toEqual(['exit.zalo']);
      expect(r.state).toMatchObject({ node: null, vars: {}, stack: [], lang: 'en', privacyShown: false });
    }
  });

  it('exit explains deletion on the channel in use', () => {
    expect(keys(step(flows(), at(null), txt('exit', 'telegram'), T0, cfg))).toEqual(['exit.telegram']);
    expect(keys(step(flows(), at(null), txt('exit', 'webchat'), T0, cfg))).toEqual(['exit.webchat']);
    expect(keys(step(flows(), at(null), tap('exit', 'zalo'), T0, cfg))).toEqual(['exit.zalo']);
  });

  it.each(['back', 'quay lại', 'quay lai', 'Quay Lại'])('"%s" returns to the previous menu', (cmd) => {
    const r = last([txt('hi'), tap('rights'), tap('protection'), tap('more_rights'), txt(cmd)]);
    expect(r.state.node).toBe('rights_law.after');
    const r2 = last([txt('hi'), tap('rights'), txt(cmd)]);
    expect(r2.state.node).toBe('main.menu');
    for (const node of states()) expect(step(flows(), at(node), txt(cmd), T0, cfg).replies.length).toBeGreaterThan(0);
  });

  it.each(['/lang', 'language', 'ngôn ngữ', 'ngon ngu'])('"%s" shows the language picker', (cmd) => {
    for (const node of states()) {
      const r = step(flows(), at(node), txt(cmd), T0, cfg);
      expect(r.state.node).toBe('main.language');
      expect(r.replies.at(-1)?.options?.map((o) => o.payload)).toEqual(['lang:vi', 'lang:en']);
    }
  });

  it.each([['english', 'en'], ['tiếng việt', 'vi'], ['tieng viet', 'vi'], ['English', 'en']])('"%s" switches to %s and re-shows where the person was', (cmd, lang) => {
    for (const node of states()) {
      const r = step(flows(), at(node, { lang: lang === 'en' ? 'vi' : 'en' }), txt(cmd), T0, cfg);
      expect(r.state.lang).toBe(lang);
      expect(r.events).toContainEqual({ type: 'language', lang });
      expect(r.replies.length).toBeGreaterThan(0);
      if (node && flows().nodes[node]?.type !== 'language') expect(r.state.node).toBe(node);
    }
  });

  // Bare "help" is a cry for help: the danger lexicon answers it first (see danger.test.ts).
  it.each(['/help', 'trợ giúp', 'tro giup', 'hướng dẫn'])('"%s" explains the commands and re-shows the node', (cmd) => {
    for (const node of states()) {
      const r = step(flows(), at(node), txt(cmd), T0, cfg);
      expect(keys(r)[0]).toBe('cmd.help');
      expect(r.state.node).toBe(node ?? 'main.menu');
    }
  });
});

describe('status queued', () => {
  const queued = () => at('counsellor.request', { status: 'queued' });
  it('exit → exit event, state cleared, status left to the caller', () => {
    const r = step(flows(), queued(), txt('thoát'), T0, cfg);
    expect(types(r)).toEqual(['exit']);
    expect(r.state.status).toBe('queued');
  });
  it.each(['huỷ', 'huy', 'cancel', 'HUỶ'])('"%s" → handoff_cancel + reply', (cmd) => {
    const r = step(flows(), queued(), txt(cmd), T0, cfg);
    expect(types(r)).toEqual(['handoff_cancel']);
    expect(keys(r)).toEqual(['cmd.handoff_cancelled', 'main.menu']);
  });
  it('cancel button works too', () => {
    expect(types(step(flows(), queued(), tap('cancel'), T0, cfg))).toEqual(['handoff_cancel']);
  });
  it.each(['menu', '0', 'back', '/help', 'english', 'xin chào', '1'])('"%s" is relayed, no bot reply', (t) => {
    const r = step(flows(), queued(), txt(t), T0, cfg);
    expect(r.events).toEqual([{ type: 'relay', text: t }]);
    expect(r.replies).toEqual([]);
  });
  it('media gets a kind answer, nothing relayed', () => {
    const r = step(flows(), queued(), { kind: 'media', channel: 'zalo' }, T0, cfg);
    expect(keys(r)).toEqual(['cmd.media_counsellor']);
    expect(r.events).toEqual([]);
  });
});

describe('status with_counsellor', () => {
  const talking = () => at('counsellor.request', { status: 'with_counsellor' });
  it('exit → exit', () => {
    expect(types(step(flows(), talking(), txt('exit'), T0, cfg))).toEqual(['exit']);
  });
  it.each(['menu', 'huỷ', 'back', '/lang', 'cảm ơn chị'])('"%s" is relayed with no bot reply', (t) => {
    const r = step(flows(), talking(), txt(t), T0, cfg);
    expect(r.events).toEqual([{ type: 'relay', text: t }]);
    expect(r.replies).toEqual([]);
  });
});

describe('cancel outside a handoff', () => {
  it('"huỷ" at the handoff node (status still bot) cancels', () => {
    expect(types(step(flows(), at('counsellor.request'), txt('huỷ'), T0, cfg))).toEqual(['handoff_cancel']);
  });
  it('"huỷ" elsewhere is ordinary text: a re-prompt', () => {
    const r = last([txt('huỷ')], at('rights_law.start'));
    expect(keys(r)).toEqual(['cmd.reprompt']);
  });
});
