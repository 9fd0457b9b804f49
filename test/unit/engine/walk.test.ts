/**
 * A walk that visits every node in every language: from the main menu, tap every option of
 * every waiting node reached (breadth first), and enter every node directly. No reply may be
 * empty or show a missing key, and every step must leave the person with options (no dead end).
 */
import { enter, step, type ConversationState, type LineStatus, type StepResult } from '../../../src/engine';
import { at, cfg, cfgHotline, flows, T0, tap } from './helpers';

function checkNoDeadEnd(r: StepResult, where: string): void {
  expect(r.replies.length).toBeGreaterThan(0);
  for (const rep of r.replies) {
    expect(rep.text.trim()).not.toBe('');
    if (/\[[a-z_.]+\]/.test(rep.text)) throw new Error(`${where}: missing text ${rep.text.match(/\[[a-z_.]+\]/)?.[0]}`);
    expect(rep.text.length).toBeLessThanOrEqual(2000);
    expect(rep.text).not.toMatch(/\{[a-z]+\}/);
  }
  const lastReply = r.replies.at(-1)!;
  const exited = r.events.some((e) => e.type === 'exit' || e.type === 'erase');
  if (!exited && !(lastReply.options && lastReply.options.length > 0)) throw new Error(`${where}: dead end (no options) at ${r.state.node}`);
}

const CLOSED: LineStatus = { open: false, online: 0, waiting: 0, opens: { time: '07:00', inDays: 1, date: '30/11/2026' } };

describe.each(['vi', 'en'])('walk in %s', (lang) => {
  it('tapping every option from the main menu reaches every waiting node, never a dead end', () => {
    const seen = new Set<string>();
    const visited = new Set<string>();
    const queue: ConversationState[] = [enter(flows(), at(null, { lang }), 'main.menu', T0, cfg).state];
    while (queue.length) {
      const s = queue.shift()!;
      if (!s.node || seen.has(s.node + (s.vars._page ?? ''))) continue;
      seen.add(s.node + (s.vars._page ?? ''));
      visited.add(s.node);
      const r0 = enter(flows(), s, s.node, T0, cfg);
      for (const opt of r0.replies.at(-1)?.options ?? []) {
        // With the hotline configured or not, and the counsellor line open or closed.
        for (const [c, line] of [[cfg, undefined], [cfgHotline, CLOSED]] as const) {
          const r = step(flows(), s, { ...tap(opt.payload), ...(line ? { line } : {}) }, T0 + 1000, c);
          checkNoDeadEnd(r, `${s.node} → ${opt.payload}`);
          expect(r.state.lang).toBe(opt.payload.startsWith('lang:') ? opt.payload.slice(5) : lang);
          if (r.state.node) queue.push({ ...r.state, lang });
        }
      }
    }
    // A handoff node with `next` (the one-tap request) is passed through, never waited at.
    const waiting = Object.values(flows().nodes).filter((n) => ['menu', 'ask', 'province_picker', 'language', 'handoff', 'wait'].includes(n.type) && !n.entryPoint && !(n.type === 'handoff' && n.next)).map((n) => n.id);
    for (const id of waiting) expect([id, visited.has(id)]).toEqual([id, true]);
  });

  it('entering any node directly renders real texts and leaves options', () => {
    for (const id of Object.keys(flows().nodes)) {
      const r = enter(flows(), at(null, { lang, vars: { province: flows().provinces[0]!.code } }), id, T0, cfg);
      if (flows().nodes[id]!.type === 'exit') {
        expect(r.events).toEqual([{ type: 'exit' }]);
        continue;
      }
      checkNoDeadEnd(r, id);
    }
  });
});
