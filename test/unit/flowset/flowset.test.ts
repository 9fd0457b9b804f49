/** Content validation: the real content passes; broken fixtures give precise errors naming file and node. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { buildFlowSet, checkContent, ContentError, formatDirectoryReport, formatIssue, loadFlowSet, readSources } from '../../../src/flowset';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'test/fixtures/flows-broken');
const fixture = (name: string) => YAML.parse(fs.readFileSync(path.join(FIX, name), 'utf8'));

/** Real content plus one broken piece; returns formatted errors. */
function errorsWith(mutate: (s: ReturnType<typeof readSources>['sources']) => void): string[] {
  const { sources } = readSources(ROOT);
  mutate(sources);
  return buildFlowSet(sources).errors.map(formatIssue);
}
const withFlow = (name: string) => errorsWith((s) => s.flows.push({ file: `flows/${name}`, id: name.replace('.yaml', ''), data: fixture(name) }));

describe('real content', () => {
  it('has no errors, full English coverage', () => {
    const r = checkContent(ROOT);
    expect(r.errors.map(formatIssue)).toEqual([]);
    expect(r.coverage.en).toBe(100);
  });
  it('loadFlowSet builds all flows with the 34 provinces', () => {
    const f = loadFlowSet(ROOT);
    expect(f.provinces).toHaveLength(34);
    expect(f.nodes['main.menu']?.type).toBe('menu');
  });
});

describe('broken fixtures', () => {
  it('unknown node', () => {
    expect(withFlow('flow_unknown_node.yaml')).toContain("flows/flow_unknown_node.yaml: node 'start': option 1: unknown node 'flow_unknown_node.nowhere'");
  });
  it('unknown text key', () => {
    expect(withFlow('flow_unknown_key.yaml')).toContain("flows/flow_unknown_key.yaml: node 'start': unknown text key 'no.such.key' (no vi text)");
  });
  it('too many options', () => {
    expect(withFlow('flow_too_many_options.yaml')).toContain("flows/flow_too_many_options.yaml: node 'start': 11 options: channels allow at most 10");
  });
  it('unreachable node', () => {
    expect(withFlow('flow_unreachable.yaml')).toContain("flows/flow_unreachable.yaml: node 'orphan': unreachable node (no path from the main menu or an entry point)");
  });
  it('no way back to the menu', () => {
    const errs = withFlow('flow_no_way_back.yaml');
    expect(errs).toContain("flows/flow_no_way_back.yaml: node 'start': no way back to the menu (main.menu)");
    expect(errs).toContain("flows/flow_no_way_back.yaml: node 'loop': no way back to the menu (main.menu)");
  });
  it('unknown node type and missing options', () => {
    const errs = withFlow('flow_bad_type.yaml');
    expect(errs.some((e) => e.startsWith("flows/flow_bad_type.yaml: node 'start': type:"))).toBe(true);
  });
  it('menu without options', () => {
    const data = fixture('flow_bad_type.yaml');
    data.nodes = data.nodes.filter((n: { id: string }) => n.id === 'empty');
    const errs = errorsWith((s) => s.flows.push({ file: 'flows/x.yaml', id: 'x', data }));
    expect(errs).toContain("flows/x.yaml: node 'empty': menu node needs 'options'");
  });
  it('legal entry without source, bad date', () => {
    const errs = errorsWith((s) => s.legal.push({ file: 'content/legal/broken.yaml', data: fixture('legal_no_source.yaml') }));
    expect(errs.some((e) => e.startsWith("content/legal/broken.yaml: entry 'broken_entry': source:"))).toBe(true);
    expect(errs).toContain("content/legal/broken.yaml: entry 'broken_entry': lastChecked: lastChecked must be YYYY-MM-DD");
  });
  it('missing vi text', () => {
    const errs = errorsWith((s) => s.texts.push({ file: 'content/texts/en/extra.yaml', lang: 'en', data: fixture('texts_en_only.yaml') }));
    expect(errs).toContain("content/texts/en/extra.yaml: key 'only.english': missing vi text");
  });
  it('non-neutral first line', () => {
    const errs = errorsWith((s) => s.texts.push({ file: 'content/texts/vi/extra.yaml', lang: 'vi', data: fixture('texts_non_neutral.yaml') }));
    expect(errs.some((e) => e.startsWith("content/texts/vi/extra.yaml: key 'bad.first_line': first line is not neutral ('bao luc')"))).toBe(true);
  });
  it('text longer than the channel limit', () => {
    const errs = errorsWith((s) => s.texts.push({ file: 'content/texts/vi/long.yaml', lang: 'vi', data: { long: 'a'.repeat(2100) } }));
    expect(errs).toContain("content/texts/vi/long.yaml: key 'long': 2100 characters (limit 2000)");
  });
  it('loadFlowSet throws a ContentError listing every error', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-'));
    fs.mkdirSync(path.join(tmp, 'flows'));
    fs.copyFileSync(path.join(FIX, 'flow_unknown_node.yaml'), path.join(tmp, 'flows/main.yaml'));
    expect(() => loadFlowSet(tmp)).toThrow(ContentError);
    try { loadFlowSet(tmp); } catch (e) {
      expect((e as ContentError).issues.length).toBeGreaterThan(3);
      expect((e as Error).message).toContain("flows/main.yaml: node 'start': option 1: unknown node 'main.nowhere'");
    }
  });
  it('a phone number or an address without its source page and check date is an error', () => {
    const entry = { id: 'ha-noi.test-unsourced', province: 'ha-noi', category: 'health', name: { vi: 'Bệnh viện thử', en: 'Test hospital' }, what: { vi: 'Khám', en: 'Care' }, verified: false, source: 'https://example.org/about', lastChecked: '2026-11-29' };
    const file = 'content/directory/services/zz-test.yaml';
    const withEntry = (e: object) => errorsWith((s) => s.directory.push({ file, data: { version: 1, entries: [e] } }));
    expect(withEntry({ ...entry, phone: '0123 456 789' })).toContain(
      `${file}: entry 'ha-noi.test-unsourced': phone '0123 456 789' without a source: add contactSource (the page that shows it) and contactChecked (the day it was read there)`,
    );
    expect(withEntry({ ...entry, address: 'Số 1', contactSource: 'https://example.org/contact' })).toContain(
      `${file}: entry 'ha-noi.test-unsourced': address without a source: add contactChecked (the day it was read there)`,
    );
    expect(withEntry({ ...entry, phone: '0123 456 789', contactSource: 'https://example.org/contact', contactChecked: '2026-11-29' })).toEqual([]);
    expect(withEntry(entry)).toEqual([]);
  });
  it('the directory report counts entries, sourced phones and verified entries per province, with totals', () => {
    const { sources } = readSources(ROOT);
    const e = (id: string, extra: object) => ({ id, province: 'lai-chau', category: 'health', name: { vi: 'a', en: 'a' }, what: { vi: 'a', en: 'a' }, lastChecked: '2026-11-29', source: 'https://example.org', verified: false, ...extra });
    sources.directory = sources.directory.filter((d) => !d.file.includes('/services/'));
    sources.directory.push({ file: 'content/directory/services/lai-chau.yaml', data: { version: 1, entries: [
      e('lai-chau.a', { phone: '0123 456 789', contactSource: 'https://example.org/c', contactChecked: '2026-11-29', verified: true }),
      e('lai-chau.b', { phone: '0123 456 780', contactSource: 'https://example.org/c', contactChecked: '2026-11-29' }),
      e('lai-chau.c', {}),
    ] } });
    const r = buildFlowSet(sources);
    expect(r.errors).toEqual([]);
    expect(r.directory.rows.find((x) => x.province === 'lai-chau')).toEqual({ province: 'lai-chau', name: 'Lai Châu', entries: 3, sourcedPhone: 2, verified: 1 });
    expect(r.directory.rows).toHaveLength(34);
    expect(r.directory.totals).toEqual({ entries: 3, sourcedPhone: 2, verified: 1, provinces: 34, provincesWithThreePhones: 0 });
    const text = formatDirectoryReport(r.directory).join('\n');
    expect(text).toMatch(/Lai Châu\s+3\s+2\s+1/);
    expect(text).toMatch(/total\s+3\s+2\s+1/);
  });
  it('missing English is a warning, not an error; unverified entries warn', () => {
    const { sources } = readSources(ROOT);
    sources.texts.push({ file: 'content/texts/vi/extra.yaml', lang: 'vi', data: { 'extra.only_vi': 'Xin chào' } });
    const r = buildFlowSet(sources);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(formatIssue)).toContain("content/texts/en: key 'extra.only_vi': missing en text (falls back to vi)");
    expect(r.coverage.en).toBeLessThan(100);
  });
});
