/** Province matching: the 34 current units, typed with/without diacritics, former names, aliases. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { findProvince, formerNameOf, matchProvince, provincesInOrder, ProvincesFileSchema, withoutDiacritics, type Province } from '../../src/engine/provinces';
import { fold } from '../../src/engine/normalize';

const file = ProvincesFileSchema.parse(
  YAML.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'content', 'directory', 'provinces.yaml'), 'utf8')),
);
const provinces: Province[] = file.provinces;
const code = (text: string): string | null => matchProvince(provinces, text)?.code ?? null;

describe('provinces file', () => {
  it('lists exactly the 34 current provinces/cities with unique codes', () => {
    expect(provinces).toHaveLength(34);
    expect(new Set(provinces.map((p) => p.code)).size).toBe(34);
  });
  it('maps each of the 29 former provinces to exactly one current one (vn-facts §7.2)', () => {
    const former = provinces.flatMap((p) => p.formerNames.filter((n) => fold(n) !== fold(p.name.vi)));
    // 63 → 34: 29 provinces merged into others, plus Thừa Thiên Huế, now named Huế.
    expect(former).toHaveLength(30);
    expect(new Set(former.map(fold)).size).toBe(30);
  });
  it('rejects a file where two provinces share a name', () => {
    const bad = { version: 1, provinces: [provinces[0], { ...provinces[1]!, aliases: ['hn'] }] };
    expect(ProvincesFileSchema.safeParse(bad).success).toBe(false);
  });
});

describe('matchProvince', () => {
  it.each(provinces.map((p) => [p.name.vi, p.code]))('%s (with diacritics)', (name, c) => {
    expect(code(name)).toBe(c);
  });
  it.each(provinces.map((p) => [fold(p.name.vi), p.code]))('%s (no diacritics)', (name, c) => {
    expect(code(name)).toBe(c);
  });
  it.each(provinces.map((p) => [p.name.en.toUpperCase(), p.code]))('%s (English, upper case)', (name, c) => {
    expect(code(name)).toBe(c);
  });
  it.each(provinces.flatMap((p) => p.formerNames.map((n) => [n, p.code])))('former name %s → %s', (name, c) => {
    expect(code(name)).toBe(c);
    expect(code(fold(name))).toBe(c);
  });
  it.each([
    ['Quảng Bình', 'quang-tri'], ['quang binh', 'quang-tri'], ['Bình Dương', 'ho-chi-minh'], ['binh duong', 'ho-chi-minh'],
    ['Vũng Tàu', 'ho-chi-minh'], ['Bà Rịa - Vũng Tàu', 'ho-chi-minh'], ['hcm', 'ho-chi-minh'], ['tphcm', 'ho-chi-minh'],
    ['TP.HCM', 'ho-chi-minh'], ['sai gon', 'ho-chi-minh'], ['Sài Gòn', 'ho-chi-minh'], ['hn', 'ha-noi'], ['hanoi', 'ha-noi'],
    ['Thành phố Hà Nội', 'ha-noi'], ['tỉnh Nghệ An', 'nghe-an'], ['Thừa Thiên Huế', 'hue'], ['Bình Định', 'gia-lai'],
    ['Long An', 'tay-ninh'], ['Kiên Giang', 'an-giang'], ['Hà Giang', 'tuyen-quang'], ['Bắc Cạn', 'thai-nguyen'],
    ['daklak', 'dak-lak'], ['Đắk Nông', 'lam-dong'], ['Hòa Bình', 'phu-tho'], ['Hoà Bình', 'phu-tho'], ['Hải Dương', 'hai-phong'],
    ['Tiền Giang', 'dong-thap'], ['Bạc Liêu', 'ca-mau'], ['Quảng Nam', 'da-nang'], ['Kon Tum', 'quang-ngai'],
    ['Thái Bình', 'hung-yen'], ['Nam Định', 'ninh-binh'], ['Hà Nam', 'ninh-binh'], ['Bình Phước', 'dong-nai'],
  ])('%s → %s', (text, c) => {
    expect(code(text)).toBe(c);
  });
  it('finds a province inside a sentence, preferring the longest name', () => {
    expect(code('em đang ở Vũng Tàu ạ')).toBe('ho-chi-minh');
    expect(code('toi o quang binh, can giup')).toBe('quang-tri');
    expect(code('I live in Da Nang')).toBe('da-nang');
    expect(code('nha em o ba ria vung tau')).toBe('ho-chi-minh');
  });
  it('returns null for unknown text', () => {
    for (const t of ['', 'xin chào', 'menu', 'Paris', 'quảng', 'bình', 'hanoiville', '12']) expect(matchProvince(provinces, t)).toBeNull();
  });
});

describe('former names and order', () => {
  const former = (text: string) => {
    const f = findProvince(provinces, text);
    return f ? formerNameOf(f.province, f.phrase) : null;
  };
  it.each(provinces.flatMap((p) => p.formerNames.map((n) => [n])))('%s is recognised as a former name', (name) => {
    expect(former(name)).toBe(name);
    expect(former(fold(name))).toBe(name);
  });
  it("today's names and aliases are not former names", () => {
    for (const t of ['Quảng Trị', 'Huế', 'hcm', 'vung tau', 'Đà Nẵng', 'sa pa']) expect(former(t)).toBeNull();
    expect(former('tỉnh Quảng Bình')).toBe('Quảng Bình');
  });
  it('withoutDiacritics keeps case and punctuation', () => {
    expect(withoutDiacritics('Bà Rịa – Vũng Tàu')).toBe('Ba Ria – Vung Tau');
    expect(withoutDiacritics('Đắk Nông')).toBe('Dak Nong');
  });
  it('provincesInOrder sorts by Vietnamese collation, ignoring "TP", and by English names in English', () => {
    const vi = provincesInOrder(provinces, 'vi').map((p) => p.name.vi);
    expect(vi.slice(0, 3)).toEqual(['An Giang', 'Bắc Ninh', 'Cà Mau']);
    expect(vi.indexOf('Điện Biên')).toBeLessThan(vi.indexOf('Gia Lai'));
    expect(vi.indexOf('TP Hồ Chí Minh')).toBeLessThan(vi.indexOf('Huế'));
    const en = provincesInOrder(provinces, 'en').map((p) => p.name.en);
    expect(en).toEqual([...en].sort((a, b) => a.localeCompare(b, 'en')));
    expect(provincesInOrder(provinces, 'vi')).toBe(provincesInOrder(provinces, 'vi')); // computed once
    expect(provinces[0]!.code).toBe('ha-noi'); // the file order itself is untouched
  });
});
