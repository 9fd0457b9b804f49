/** Danger first: in every state and status, before the privacy notice and before commands. */
import { emergencyReply, step } from '../../../src/engine';
import { at, cfg, cfgHotline, flows, keys, T0, txt, types } from './helpers';

const DANGER = 'cứu tôi với, anh ta cầm dao đòi giết tôi';

describe('danger first', () => {
  it('first message is danger → emergency before the privacy notice, then the counsellor offer', () => {
    const r = step(flows(), null, txt(DANGER), T0, cfg);
    expect(keys(r)).toEqual(['emergency', 'main.privacy', 'danger.offer']);
    expect(r.replies[0]?.emergency).toBe(true);
    expect(types(r)).toEqual(['danger']);
    expect(r.state.node).toBe('danger.offer');
  });

  it('the emergency reply has 113, 115, 111; the hotline only when configured', () => {
    const plain = emergencyReply(flows(), 'vi', cfg).text;
    for (const n of ['113', '115', '111']) expect(plain).toContain(n);
    expect(plain).not.toContain('{hotline}');
    expect(emergencyReply(flows(), 'en', cfgHotline).text).toContain('1800 0000');
    expect(emergencyReply(flows(), 'en', cfg).text).not.toContain('1800 0000');
  });

  it('is checked at every node in status bot, before commands and options', () => {
    for (const id of Object.keys(flows().nodes)) {
      const r = step(flows(), at(id), txt(DANGER), T0, cfg);
      expect(keys(r)[0]).toBe('emergency');
      expect(types(r)).toEqual(['danger']);
      expect(r.state.node).toBe('danger.offer');
    }
  });

  it.each(['queued', 'with_counsellor'] as const)('in status %s: emergency + danger + relay', (status) => {
    const r = step(flows(), at('counsellor.request', { status }), txt(DANGER), T0, cfg);
    expect(keys(r)).toEqual(['emergency']);
    expect(types(r)).toEqual(['danger', 'relay']);
    expect(r.events[1]).toEqual({ type: 'relay', text: DANGER });
  });

  it('a bare "help" is a cry for help, not the help command', () => {
    expect(keys(step(flows(), at('main.menu'), txt('help'), T0, cfg))[0]).toBe('emergency');
  });

  it('works without diacritics', () => {
    expect(types(step(flows(), at('main.menu'), txt('cuu toi voi no cam dao doi giet toi'), T0, cfg))).toContain('danger');
  });

  it('everyday words are not danger', () => {
    for (const t of ['đánh giá dịch vụ', 'dạo này mình buồn', 'dao nay toi met']) {
      expect(types(step(flows(), at('main.menu'), txt(t), T0, cfg))).not.toContain('danger');
    }
  });
});
