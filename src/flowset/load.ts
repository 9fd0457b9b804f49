/**
 * Reading content from disk: the only place that touches node:fs for flows and content.
 * Layout: flows/*.yaml, content/texts/<lang>/*.yaml, content/legal/*.yaml,
 * content/danger/*.yaml, content/directory/{provinces,national}.yaml, content/directory/services/*.yaml,
 * content/nlu/<lang>/*.yaml and content/nlu/config.yaml (never content/nlu/heldout/).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Issue } from './issues';
import type { RawSources, Source } from './sources';

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
}

const NLU_CONFIG = 'content/nlu/config.yaml';

/** Languages of the understanding corpus: content/nlu/<lang>/ (the held-out files are not training data). */
function nluLangs(rootDir: string): string[] {
  const dir = path.join(rootDir, 'content/nlu');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => d !== 'heldout' && fs.statSync(path.join(dir, d)).isDirectory()).sort();
}

/** Read every content file under rootDir; YAML syntax errors become issues naming the file. */
export function readSources(rootDir: string): { sources: RawSources; errors: Issue[] } {
  const errors: Issue[] = [];
  const read = (rel: string): Source | undefined => {
    const abs = path.join(rootDir, rel);
    try {
      return { file: rel, data: YAML.parse(fs.readFileSync(abs, 'utf8')) };
    } catch (e) {
      errors.push({ file: rel, message: `cannot read/parse YAML: ${(e as Error).message.split('\n')[0]}` });
      return undefined;
    }
  };
  const many = (relDir: string) => yamlFiles(path.join(rootDir, relDir)).map((f) => read(`${relDir}/${f}`)).filter((s): s is Source => !!s);

  const flows = many('flows').map((s) => ({ ...s, id: path.basename(s.file).replace(/\.ya?ml$/, '') }));
  if (flows.length === 0) errors.push({ file: 'flows', message: 'no flow files' });
  const textsDir = path.join(rootDir, 'content/texts');
  const langs = fs.existsSync(textsDir) ? fs.readdirSync(textsDir).filter((d) => fs.statSync(path.join(textsDir, d)).isDirectory()).sort() : [];
  const texts = langs.flatMap((lang) => many(`content/texts/${lang}`).map((s) => ({ ...s, lang })));
  const provincesRel = 'content/directory/provinces.yaml';
  const nationalRel = 'content/directory/national.yaml';
  const directory = [
    ...(fs.existsSync(path.join(rootDir, nationalRel)) ? [read(nationalRel)] : []),
    ...many('content/directory/services'),
  ].filter((s): s is Source => !!s);
  if (!fs.existsSync(path.join(rootDir, nationalRel))) errors.push({ file: nationalRel, message: 'file missing' });
  const sources: RawSources = {
    flows, texts, directory,
    legal: many('content/legal'),
    danger: many('content/danger'),
    provinces: fs.existsSync(path.join(rootDir, provincesRel)) ? read(provincesRel) : undefined,
    nlu: nluLangs(rootDir).flatMap((lang) => many(`content/nlu/${lang}`).map((s) => ({ ...s, lang }))),
    nluConfig: fs.existsSync(path.join(rootDir, NLU_CONFIG)) ? read(NLU_CONFIG) : undefined,
  };
  return { sources, errors };
}
