/** The national numbers as a person sees them, and dates written as people in Viet Nam write them. */
import { enter, step, type Reply } from '../../../src/engine';
import { displayDate } from '../../../src/engine/dates';
import { at, cfg, cfgHotline, flows, T0, tap } from './helpers';

/** The replies after choosing a province in the picker. */
function services(lang: string, c = cfg): Reply[] {
  return step(flows(), at('find_help.start', { lang }), tap('p:ha-noi'), T0, c).replies;
}
const national = (replies: Reply[]) => replies.filter((r) => r.key === 'services.national');
/** Phone numbers in the order they appear ("113", "1800 0000" …). */
const phonesIn = (text: string) => [...text.matchAll(/: (\d[\d ]*\d)$/gm)].map((m) => m[1]);

describe('national numbers', () => {
  it.each(['vi', 'en'])('%s: one short header, one message; 113, 115, 111, our hotline, then Peace House', (lang) => {
    const [list, ...more] = national(services(lang, cfgHotline));
    expect(more).toEqual([]);
    expect(list!.text.split('\n')[0]).toBe(lang === 'vi' ? 'Các số toàn quốc:' : 'National numbers:');
    expect(phonesIn(list!.text).slice(0, 6)).toEqual(['113', '115', '111', '111', '1800 0000', '1900 969680']);
    expect(list!.text.length).toBeLessThanOrEqual(2000);
  });
  it('without a configured hotline there is no hotline line and no placeholder', () => {
    const [list] = national(services('vi'));
    expect(phonesIn(list!.text).slice(0, 5)).toEqual(['113', '115', '111', '111', '1900 969680']);
    expect(list!.text).not.toMatch(/Tổng đài hỗ trợ:|\{hotline\}/);
  });
  it('fire (114) and search and rescue (112) are not in the list for violence', () => {
    const all = services('vi', cfgHotline).map((r) => r.text).join('\n');
    expect(all).not.toMatch(/\b11[42]\b/);
    expect(all).not.toMatch(/Cứu hỏa|Tìm kiếm cứu nạn/);
  });
  it('places without a phone follow in their own message with a neutral header', () => {
    const replies = services('vi');
    const places = replies.find((r) => r.key === 'services.national_places')!;
    expect(replies.indexOf(places)).toBe(replies.indexOf(national(replies)[0]!) + 1);
    expect(places.text.split('\n')[0]).toBe('Bạn cũng có thể tìm đến:');
    expect(places.text).toContain('Trung tâm Công tác xã hội');
  });
});

describe('the commune route', () => {
  it.each(['vi', 'en'])('%s: shown after the local services and before the national numbers, neutral first line', (lang) => {
    const replies = services(lang);
    const commune = replies.find((r) => r.key === 'services.commune')!;
    const header = replies.findIndex((r) => r.key === 'services.header');
    expect(replies.indexOf(commune)).toBeGreaterThan(header);
    expect(replies.indexOf(commune)).toBeLessThan(replies.indexOf(national(replies)[0]!));
    expect(commune.text.split('\n')[0]).toBe(lang === 'vi' ? 'Ở xã, phường, đặc khu nơi bạn sống, bạn cũng có thể tìm đến:' : 'In your commune, ward or special zone you can also turn to:');
    expect(commune.text).toMatch(lang === 'vi' ? /Công an xã[\s\S]*Chủ tịch Ủy ban nhân dân xã[\s\S]*Điều 25[\s\S]*Hội Liên hiệp Phụ nữ xã/ : /police[\s\S]*Chair[\s\S]*Article 25[\s\S]*Women's Union/);
    expect(phonesIn(commune.text)).toEqual([]);
  });
  it('is shown for every province, and without one', () => {
    for (const p of flows().provinces) {
      const r = step(flows(), at('find_help.start', { lang: 'vi' }), tap(`p:${p.code}`), T0, cfg).replies;
      expect(r.filter((x) => x.key === 'services.commune')).toHaveLength(1);
    }
  });
  it('the national numbers are not promised as always answering (1800 1233 is office hours only)', () => {
    const f = flows();
    expect(f.directory.find((e) => e.phone === '1800 1233')?.hours?.vi).toMatch(/8:00–17:00/);
    for (const lang of ['vi', 'en']) expect(f.texts[lang]?.['services.none']).not.toMatch(/luôn|always/i);
  });
});

describe('dates a person reads', () => {
  it('displayDate turns the stored ISO form into dd/mm/yyyy and leaves anything else alone', () => {
    expect(displayDate('2026-11-23')).toBe('23/11/2026');
    expect(displayDate('2025-07-01')).toBe('01/07/2025');
    expect(displayDate('1/7/2025')).toBe('1/7/2025');
  });
  it.each(['vi', 'en'])('%s: every legal page shows its last-checked date as dd/mm/yyyy', (lang) => {
    const legalNodes = Object.values(flows().nodes).filter((n) => n.type === 'legal');
    expect(legalNodes.length).toBeGreaterThan(5);
    for (const n of legalNodes) {
      const entry = flows().legal[n.entry ?? '']!;
      const page = enter(flows(), at(null, { lang }), n.id, T0, cfg).replies.map((x) => x.text).join('\n');
      expect(page).toContain(displayDate(entry.lastChecked));
      expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
  });
});
