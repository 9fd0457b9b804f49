/** Directory content: schema of every file, coverage of every province, unverified entries marked. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DirectoryFileSchema, formatService, hasSourcedPhone, servicesFor, type DirectoryEntry } from '../../src/engine/directory';
import { ProvincesFileSchema } from '../../src/engine/provinces';

const dir = path.join(__dirname, '..', '..', 'content', 'directory');
const read = (p: string): unknown => YAML.parse(fs.readFileSync(p, 'utf8'));
const provinces = ProvincesFileSchema.parse(read(path.join(dir, 'provinces.yaml'))).provinces;
const serviceFiles = fs.readdirSync(path.join(dir, 'services')).filter((f) => f.endsWith('.yaml'));
const national = DirectoryFileSchema.parse(read(path.join(dir, 'national.yaml'))).entries;
const local = serviceFiles.flatMap((f) => {
  const parsed = DirectoryFileSchema.parse(read(path.join(dir, 'services', f)));
  return parsed.entries.map((e) => ({ ...e, file: f }));
});
const all: DirectoryEntry[] = [...national, ...local];

describe('directory content', () => {
  it.each(['national.yaml', ...serviceFiles.map((f) => `services/${f}`)])('%s is valid and has a version', (f) => {
    const raw = read(path.join(dir, f)) as { version?: unknown };
    expect(raw.version).toBeDefined();
    const r = DirectoryFileSchema.safeParse(raw);
    expect(r.success ? 'ok' : JSON.stringify(r.error.issues)).toBe('ok');
  });
  it('provinces.yaml has a version', () => {
    expect((read(path.join(dir, 'provinces.yaml')) as { version?: unknown }).version).toBeDefined();
  });
  it('service files are named after province codes and hold only that province', () => {
    const codes = new Set(provinces.map((p) => p.code));
    for (const e of local) {
      expect(codes.has(e.province)).toBe(true);
      expect(e.file).toBe(`${e.province}.yaml`);
    }
  });
  it('national entries are all national and include the emergency and child numbers', () => {
    expect(national.every((e) => e.province === 'national')).toBe(true);
    const phones = national.map((e) => e.phone);
    for (const n of ['113', '115', '111', '1900 969680', '1800 1233']) expect(phones).toContain(n);
  });
  it('national numbers matter for violence: 113, 115, 111, then Peace House; no fire (114) or rescue (112)', () => {
    const phones = national.filter((e) => e.phone).map((e) => e.phone);
    expect(phones.slice(0, 5)).toEqual(['113', '115', '111', '111', '1900 969680']);
    expect(phones).not.toContain('114');
    expect(phones).not.toContain('112');
  });
  it('every entry names a source and a check date no earlier than the research (23/11/2026) and not in the future', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const e of all) {
      expect(e.source).toMatch(/^https?:\/\//);
      for (const d of [e.lastChecked, e.contactChecked].filter((x): x is string => !!x)) {
        expect(d >= '2026-11-23' && d <= today).toBe(true);
      }
    }
  });
  it('every phone and address comes with the page that shows it and the day it was read', () => {
    for (const e of all.filter((x) => x.phone || x.address)) {
      expect(e.contactSource).toMatch(/^https?:\/\//);
      expect(e.contactChecked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(hasSourcedPhone(e) || !e.phone).toBe(true);
    }
  });
  it('no local number is a Hà Nội (024) number outside Hà Nội', () => {
    for (const e of local.filter((x) => x.phone && x.province !== 'ha-noi')) expect(e.phone).not.toMatch(/^024/);
  });
  it('ids are unique', () => {
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('every province has local entries or falls back to national ones', () => {
    for (const p of provinces) {
      const s = servicesFor(all, p.code);
      expect(s.local.length + s.national.length).toBeGreaterThan(0);
      expect(s.national.length).toBe(national.length);
    }
    expect(servicesFor(all, 'no-such-province').local).toEqual([]);
  });
  it('an address is shown under the name, before the hours', () => {
    const e: DirectoryEntry = { ...national[0]!, address: 'Số 1, phố A', hours: { vi: 'Giờ hành chính', en: 'Office hours' } };
    expect(formatService(e, 'vi').split('\n').slice(1, 3)).toEqual(['Địa chỉ: Số 1, phố A', 'Giờ: Giờ hành chính']);
    expect(formatService(e, 'en').split('\n')[1]).toBe('Address: Số 1, phố A');
  });
  it('entries without a phone say where to ask instead', () => {
    for (const e of all.filter((x) => !x.phone)) expect(e.what.vi).toMatch(/hỏi|Hỏi|Đến|đến|Khẩn cấp/);
  });
  it('unverified entries exist and are marked when shown', () => {
    const unverified = all.filter((e) => !e.verified);
    expect(unverified.length).toBeGreaterThan(0);
    for (const e of unverified) {
      expect(formatService(e, 'vi')).toContain('chưa xác minh');
      expect(formatService(e, 'en')).toContain('not verified');
    }
  });
  it('rejects a verified entry without a source and a malformed phone', () => {
    const base = { id: 'x.y', province: 'ha-noi', category: 'police', name: { vi: 'a', en: 'a' }, what: { vi: 'a', en: 'a' }, lastChecked: '2026-11-23' };
    expect(DirectoryFileSchema.safeParse({ version: 1, entries: [{ ...base, verified: true }] }).success).toBe(false);
    expect(DirectoryFileSchema.safeParse({ version: 1, entries: [{ ...base, verified: false, phone: '+84 abc' }] }).success).toBe(false);
    expect(DirectoryFileSchema.safeParse({ version: 1, entries: [{ ...base, verified: false, category: 'nope' }] }).success).toBe(false);
  });
});

describe('formatService', () => {
  const police = national.find((e) => e.phone === '113')!;
  it('shows name, phone, hours and what, in the language asked', () => {
    expect(formatService(police, 'vi')).toBe(`${police.name.vi}: 113\nGiờ: ${police.hours!.vi}\n${police.what.vi}`);
    expect(formatService(police, 'en')).toBe(`${police.name.en}: 113\nHours: ${police.hours!.en}\n${police.what.en}`);
  });
  it('falls back to Vietnamese for other languages', () => {
    expect(formatService(police, 'fr')).toBe(formatService(police, 'vi'));
  });
  it('does not mark verified entries', () => {
    expect(formatService(police, 'vi')).not.toContain('chưa xác minh');
  });
});
