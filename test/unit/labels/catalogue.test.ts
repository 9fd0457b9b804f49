/**
 * The label catalogue (content/labels/): every code staff may see has a vi and an en label,
 * topics included; a missing one is reported by name; times read as Vietnamese readers write them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../../src/db/devdb';
import { loadFlowSet } from '../../../src/flowset';
import { checkLabels, CODE_LISTS, formatLocalTime, label, LABEL_LANGS, missingLabels, readCatalogue } from '../../../src/labels';
import { startOfLocalDay } from '../../../src/console/localDay';

const topics = Object.keys(loadFlowSet(REPO_ROOT).topics);

describe('the label catalogue', () => {
  it('labels every code of every list, and every flow topic, in vi and in en', () => {
    const { catalogue, issues } = readCatalogue(REPO_ROOT);
    expect(issues).toEqual([]);
    expect(missingLabels(catalogue, topics)).toEqual([]);
    expect(topics.length).toBeGreaterThan(20);
    for (const lang of LABEL_LANGS) {
      for (const [kind, codes] of Object.entries({ ...CODE_LISTS, topic: topics })) {
        for (const code of codes) expect([lang, kind, code, typeof catalogue[lang][kind]?.[code]]).toEqual([lang, kind, code, 'string']);
      }
    }
  });

  it('names the codes that lack a label, per file and kind', () => {
    const { catalogue } = readCatalogue(REPO_ROOT);
    const broken = JSON.parse(JSON.stringify(catalogue)) as typeof catalogue;
    delete broken.en.violence!.rape;
    delete broken.vi.topic!.dv_physical;
    expect(missingLabels(broken, topics)).toEqual([
      { file: 'content/labels/vi.yaml', where: 'labels.topic', message: 'no label for dv_physical' },
      { file: 'content/labels/en.yaml', where: 'labels.violence', message: 'no label for rape' },
    ]);
  });

  it('reports a catalogue file that is missing or malformed (content:check runs the same check)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-'));
    fs.mkdirSync(path.join(root, 'content/labels'), { recursive: true });
    fs.mkdirSync(path.join(root, 'content/directory'), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, 'content/directory/provinces.yaml'), path.join(root, 'content/directory/provinces.yaml'));
    fs.writeFileSync(path.join(root, 'content/labels/vi.yaml'), 'version: 1\nlang: vi\nlabels: { violence: { rape: "" } }\n');
    const issues = checkLabels(root, []);
    expect(issues.some((i) => i.file === 'content/labels/en.yaml' && /cannot read/.test(i.message))).toBe(true);
    expect(issues.some((i) => i.file === 'content/labels/vi.yaml' && /labels\.violence\.rape/.test(i.message))).toBe(true);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives labels by language, province names from the province data, and the code itself when unknown', () => {
    expect(label('vi', 'outcome', 'abandoned')).toBe('Rời đi hoặc ngừng trả lời giữa cuộc trò chuyện');
    expect(label('en', 'province', 'ho-chi-minh')).toBe('Ho Chi Minh City');
    expect(label('vi', 'province', 'ho-chi-minh')).toMatch(/Hồ Chí Minh/);
    expect(label('vi', 'answer', 'helping_other')).toBe('Giúp người khác');
    expect(label('vi', 'violence', 'not_a_code')).toBe('not_a_code');
  });
});

describe('local times', () => {
  it('writes 29/11/2026 13:45 in Viet Nam time for 06:45 UTC', () => {
    expect(formatLocalTime(new Date('2026-11-29T06:45:00Z'))).toBe('29/11/2026 13:45');
    expect(formatLocalTime('2026-12-31T17:05:00Z', 'Asia/Ho_Chi_Minh')).toBe('01/01/2027 00:05');
  });
  it('finds the start of a local day for the audit filter', () => {
    expect(startOfLocalDay('2026-11-29', 'Asia/Ho_Chi_Minh').toISOString()).toBe('2026-11-28T17:00:00.000Z');
    expect(startOfLocalDay('2026-11-29', 'Asia/Ho_Chi_Minh', 1).toISOString()).toBe('2026-11-29T17:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'Europe/Paris').toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });
});
