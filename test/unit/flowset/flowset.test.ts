/** Content validation: the real content passes; broken fixtures give precise errors naming file and node. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { buildFlowSet, checkContent, ContentError, formatIssue, loadFlowSet, readSources } from '../../../src/flowset';

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
  it('missing English is a warning, not an error; unverified entries warn', () => {
    const { sources } = readSources(ROOT);
    sources.texts.push({ file: 'content/texts/vi/extra.yaml', lang: 'vi', data: { 'extra.only_vi': 'Xin chào' } });
    const r = buildFlowSet(sources);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(formatIssue)).toContain("content/texts/en: key 'extra.only_vi': missing en text (falls back to vi)");
    expect(r.coverage.en).toBeLessThan(100);
  });
});
