/**
 * Understanding people's own words (src/engine/nlu, src/engine/freeText.ts): slots, danger
 * kinds, the clarifying question, and the never-a-dead-end rule.
 *
 * The routing tests use a small real model trained from a few examples with thresholds set
 * so that a message lands in the band under test (the real corpus decides bands by its own
 * scores, which would tie these tests to today's corpus); the danger tests use the real corpus.
 */
import {
  ageOf, buildNlu, matchProvince, mentionsChild, relationOf, step, understand, wordsOf,
  type FlowSet, type NluConfig, type NluCorpus,
} from '../../../src/engine';
import { cfg, flows, keys, T0, tap, txt } from './helpers';

const words = (s: string) => wordsOf(s, flows().nlu.abbreviations, flows().danger).slots;

describe('slots', () => {
  it.each([
    ['em 15 tuổi', 15], ['e 13t', 13], ['năm nay cháu 12 tuoi', 12], ["I'm 14", 14], ['she is 9 years old', 9],
    ['con tôi học lớp 7', 13], ['tôi 35 tuổi', 35], ['chồng tôi đánh tôi', null],
  ])('age of "%s" is %p', (text, age) => {
    expect(ageOf(words(text))).toBe(age);
  });
  it.each([
    ['ck e hay chửi e', 'partner'], ['ny e bắt e gửi ảnh', 'dating'], ['người yêu cũ dọa tung ảnh', 'dating'],
    ['sếp nhắn tin gạ gẫm', 'workplace'], ['bố dượng hay sờ soạng', 'family'], ['thầy giáo sàm sỡ con tôi', 'school'],
    ['my boss touches me', 'workplace'], ['hôm nay trời đẹp', null],
  ])('relation in "%s" is %p', (text, rel) => {
    expect(relationOf(words(text))).toBe(rel);
  });
  it('a child is involved with an age under 18 or words for a child', () => {
    expect(mentionsChild(words('con gái tôi bị thầy sàm sỡ'), null)).toBe(true);
    expect(mentionsChild(words('e 13t'), 13)).toBe(true);
    expect(mentionsChild(words('tôi 30 tuổi, chồng chửi tôi'), 30)).toBe(false);
  });
  it('a province anywhere in a sentence; names that are everyday words only after a place word', () => {
    const p = flows().provinces;
    expect(matchProvince(p, 'nhà tạm lánh ở Đà Nẵng', { inSentence: true })?.code).toBe('da-nang');
    expect(matchProvince(p, 'tui ở sai gon, cần chỗ ở', { inSentence: true })?.code).toBe('ho-chi-minh');
    expect(matchProvince(p, 'tôi chỉ muốn hòa bình với chồng', { inSentence: true })).toBeNull();
    expect(matchProvince(p, 'tôi ở Hòa Bình', { inSentence: true })?.code).toBe('phu-tho');
    expect(matchProvince(p, 'hn chồng lại say', { inSentence: true })).toBeNull();
    expect(matchProvince(p, 'em ở hn', { inSentence: true })?.code).toBe('ha-noi');
    expect(matchProvince(p, 'thuê hai phòng trọ', { inSentence: true })).toBeNull();
  });
});

describe('danger kinds (real corpus)', () => {
  const kind = (text: string) => {
    const u = understand(flows().nlu, text);
    return u.danger ? u.dangerKind : null;
  };
  it.each([
    ['nó đang cầm dao, em sợ lắm', 'self'],
    ['tôi không muốn sống nữa', 'selfharm'],
    ['em 12 tuổi, bố dượng đang đánh em', 'child'],
  ])('"%s" → %s', (text, k) => {
    expect(kind(text)).toBe(k);
  });
  it('each kind gets its own emergency reply, then the counsellor offer', () => {
    const r = step(flows(), null, txt('tôi không muốn sống nữa'), T0, cfg);
    expect(keys(r)).toEqual(['emergency.selfharm', 'main.privacy', 'danger.offer']);
    expect(r.replies[0]?.emergency).toBe(true);
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'danger', kind: 'selfharm' }));
    const child = step(flows(), null, txt('em 12 tuổi, bố dượng đang đánh em'), T0, cfg);
    expect(child.replies[0]?.key).toBe('emergency.child');
    expect(child.replies[0]?.text.split('\n')[1]).toMatch(/111/);
  });
  it('everyday idioms and questions about the law are not danger', () => {
    for (const t of ['mệt muốn chết', 'đánh giá ứng dụng 5 sao', 'đánh vợ bị phạt bao nhiêu tiền']) expect(kind(t)).toBeNull();
  });
});

/** The real flows with a small model whose thresholds put messages in the band under test. */
function withModel(thresholds: Partial<NluConfig['thresholds']>): FlowSet {
  const f = flows();
  const corpus: NluCorpus = {
    vi: [
      { intent: 'dv_physical', examples: ['chồng đánh tôi', 'ck hay đánh e', 'bị chồng tát', 'nó đánh tôi bầm tím'] },
      { intent: 'report', examples: ['báo công an ở đâu', 'muốn tố cáo chồng', 'trình báo thế nào', 'đi báo công an'] },
      { intent: 'penalties', examples: ['đánh vợ bị phạt bao nhiêu', 'bị phạt thế nào', 'có bị đi tù không', 'mức phạt là gì'] },
      { intent: 'greeting', examples: ['xin chào', 'chào bạn', 'alo', 'hello'] },
      { intent: 'smalltalk', examples: ['hôm nay trời đẹp', 'ăn cơm chưa', 'giá vàng hôm nay', 'đi chơi không'] },
    ],
  };
  const config: NluConfig = {
    ...f.nlu.config,
    dangerIntents: {},
    thresholds: { ...f.nlu.config.thresholds, danger: 1, strong: 1, contextual: 1, ...thresholds },
  };
  return { ...f, nlu: buildNlu(corpus, config, f.nlu.abbreviations, f.danger) };
}
const atMenu = { lang: 'vi', node: 'main.menu', vars: {}, stack: [], privacyShown: true, lastActivityAt: T0, status: 'bot' as const };

describe('free text by meaning', () => {
  it('a confident topic goes straight there', () => {
    const f = withModel({ direct: 0.3, clarify: 0.1 });
    const r = step(f, atMenu, txt('chồng tôi đánh tôi bầm tím'), T0 + 1000, cfg);
    expect(r.events).toContainEqual({ type: 'topic', topic: 'dv_physical' });
    expect(r.events).toContainEqual({ type: 'understood', intent: 'dv_physical' });
    expect(r.state.node).toBe('is_violence.after');
  });
  it('a middle band asks a short question with the likeliest topics and a counsellor, and "1" picks', () => {
    const f = withModel({ direct: 0.99, clarify: 0.01 });
    const r = step(f, atMenu, txt('chồng tôi đánh tôi, tôi muốn báo công an'), T0 + 1000, cfg);
    expect(keys(r)).toEqual(['nlu.clarify']);
    const opts = r.replies[0]?.options ?? [];
    expect(opts.length).toBeGreaterThanOrEqual(3);
    expect(opts.length).toBeLessThanOrEqual(4);
    expect(opts.map((o) => o.payload)).toContain('topic:counsellor');
    expect(opts.map((o) => o.payload)).toEqual(expect.arrayContaining(['topic:dv_physical', 'topic:report']));
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'clarify' }));
    // "1" answers the question, not the main menu's option 1 (danger).
    const first = opts[0]!.payload.slice('topic:'.length);
    const pick = step(f, r.state, txt('1'), T0 + 2000, cfg);
    expect(pick.events).toContainEqual({ type: 'topic', topic: first });
    // The buttons work too, even later.
    const tapped = step(f, atMenu, tap('topic:report'), T0 + 3000, cfg);
    expect(tapped.events).toContainEqual({ type: 'topic', topic: 'report' });
    // The question is answered in the next message or not at all: "1" later is the menu's 1.
    const later = step(f, pick.state, txt('menu'), T0 + 4000, cfg);
    expect(later.state.vars._clarify).toBeUndefined();
  });
  it('never a dead end: not understood gets an acknowledgement, the menu (with a counsellor) and 111 for a child', () => {
    const f = withModel({ direct: 0.999, clarify: 0.999 });
    const r = step(f, atMenu, txt('con gái tôi mới 9 tuổi, tôi không biết làm sao'), T0 + 1000, cfg);
    expect(keys(r)).toEqual(['nlu.not_understood', 'nlu.child_111', 'main.menu']);
    expect(r.events).toContainEqual({ type: 'not_understood' });
    expect(r.replies.at(-1)?.options?.map((o) => o.payload)).toContain('counsellor');
    const adult = step(f, atMenu, txt('hôm nay trời đẹp quá'), T0 + 1000, cfg);
    expect(keys(adult)).toEqual(['nlu.not_understood', 'main.menu']);
  });
  it('everyday talk, understood as such, gets the acknowledgement and the menu, not a question about topics', () => {
    const f = withModel({ direct: 0.3, clarify: 0.01 });
    const r = step(f, atMenu, txt('hôm nay trời đẹp quá'), T0 + 1000, cfg);
    expect(keys(r)).toEqual(['nlu.not_understood', 'main.menu']);
    expect(r.events).toContainEqual({ type: 'not_understood' });
  });
  it('a province in the sentence goes straight to the services there', () => {
    const f = withModel({ direct: 0.999, clarify: 0.999 });
    const r = step(f, atMenu, txt('nhà tạm lánh ở Đà Nẵng'), T0 + 1000, cfg);
    expect(r.events).toContainEqual({ type: 'province', province: 'da-nang' });
    expect(r.events).toContainEqual({ type: 'topic', topic: 'find_help' });
    expect(keys(r)[0]).toBe('services.header');
  });
  it('an age under 18 turns an abuse topic into the child route; a boss into the workplace route', () => {
    const f = withModel({ direct: 0.3, clarify: 0.1 });
    const child = step(f, atMenu, txt('em 14 tuổi, bố em hay đánh em'), T0 + 1000, cfg);
    expect(child.events).toContainEqual({ type: 'topic', topic: 'child_abuse' });
    const work = step(f, atMenu, txt('sếp đánh tôi'), T0 + 1000, cfg);
    expect(work.events).toContainEqual({ type: 'topic', topic: 'workplace_harassment' });
  });
  it('a sentence typed where an option was expected is understood (unless it matches an option)', () => {
    const f = withModel({ direct: 0.3, clarify: 0.1 });
    const atRights = { ...atMenu, node: 'rights_law.start' };
    const r = step(f, atRights, txt('chồng tôi đánh tôi bầm tím'), T0 + 1000, cfg);
    expect(r.events).toContainEqual({ type: 'topic', topic: 'dv_physical' });
    const option = step(f, atRights, txt('2'), T0 + 1000, cfg);
    expect(option.events).toContainEqual({ type: 'topic', topic: 'protection_measures' });
  });
});
