/** The lock-screen check: first lines that would tell an onlooker what the chat is about. */
import path from 'node:path';
import { buildFlowSet, formatIssue, loadFlowSet, readSources } from '../../../src/flowset';
import { firstLine, LOCK_SCREEN_EXEMPT, revealingWord } from '../../../src/flowset/lockScreen';

const ROOT = path.resolve(__dirname, '../../..');

describe('revealingWord', () => {
  it.each([
    ['Về tình dục\nVí dụ: …', 'tinh duc'],
    ['About sex\nExamples: …', 'sex'],
    ['Cảm ơn bạn. Nếu nguy hiểm, hãy gọi 113.', '113'],
    ['📞 111 (miễn phí, 24/7)', '111'],
    ['Chồng tôi đánh tôi', 'đánh'],
    ['Bị cưỡng hiếp', 'hiếp'],
    ['Thông tin về bạo lực gia đình', 'bao luc'],
    ['Lam dung tre em', 'lam dung'],
    ['If he beats you', 'beat'],
    ['Sexual harassment at work', 'sexual'],
    ['What counts as abuse?', 'abuse'],
    ['\n\nVề tình dục', 'tinh duc'],
  ])('%j → %s', (text, word) => {
    expect(revealingWord(text)).toBe(word);
  });
  it.each([
    'Về sự đồng ý\nVí dụ về ép buộc tình dục: …',
    'Một điều nên biết:\nNếu việc này liên quan đến một em dưới 18 tuổi, tổng đài 📞 111 …',
    'Danh sách dành cho bạn', // "danh", "dành": everyday words once folded, not "đánh"
    'Hãy đánh giá cuộc trò chuyện', // "đánh giá" = assess
    'Hiệp hội', // not "hiếp"
    'Gọi 1800 1133 nhé', // a number that merely contains 113
    'Mình có thể giúp gì cho bạn?',
  ])('%j is neutral', (text) => {
    expect(revealingWord(text)).toBeNull();
  });
  it('firstLine skips leading blank lines', () => {
    expect(firstLine('\n  \nXin chào\nB')).toBe('Xin chào');
  });
});

describe('in content:check', () => {
  it('flags a text whose first line is an emergency number', () => {
    const { sources } = readSources(ROOT);
    sources.texts.push({ file: 'content/texts/vi/extra.yaml', lang: 'vi', data: { extra: { one_line: 'Cảm ơn bạn. Nếu nguy hiểm, hãy gọi 113.' } } });
    const errs = buildFlowSet(sources).errors.map(formatIssue);
    expect(errs).toContain("content/texts/vi/extra.yaml: key 'extra.one_line': first line is not neutral ('113'): someone else may see it on the lock screen");
  });
  it('flags an ISO date in a text a person reads', () => {
    const { sources } = readSources(ROOT);
    sources.texts.push({ file: 'content/texts/vi/extra.yaml', lang: 'vi', data: { extra: { dated: 'Xin chào\nCập nhật 2026-11-23.' } } });
    const errs = buildFlowSet(sources).errors.map(formatIssue);
    expect(errs).toContain("content/texts/vi/extra.yaml: key 'extra.dated': date '2026-11-23' written as YYYY-MM-DD: write it as people read it, dd/mm/yyyy");
  });
  it('the real texts pass: only the documented exemptions, each with its reason, have a revealing first line', () => {
    for (const reason of Object.values(LOCK_SCREEN_EXEMPT)) expect(reason.length).toBeGreaterThan(20);
    const texts = loadFlowSet(ROOT).texts;
    const isLabel = (k: string) => k.startsWith('topic.') || k.startsWith('opt.') || k.includes('.opt.') || k === 'lang.name';
    const flagged = Object.values(texts).flatMap((tx) => Object.entries(tx).filter(([k, v]) => !isLabel(k) && revealingWord(v) !== null).map(([k]) => k));
    expect([...new Set(flagged)].sort()).toEqual(Object.keys(LOCK_SCREEN_EXEMPT).sort());
  });
});
