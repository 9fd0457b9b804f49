/**
 * Turn parsed content files into a FlowSet: schema-check each file (zod), give nodes their
 * global ids ("<flow>.<node>"), resolve references, flatten texts, train the understanding
 * model (nlu.ts). No I/O: the files were read by load.ts, and tests can pass in-memory data.
 */
import {
  FlowFileSchema, LegalFileSchema, TextFileSchema,
  buildDangerLexicon, DangerFileSchema, ProvincesFileSchema, DirectoryFileSchema,
  type CompiledNode, type DangerFile, type DirectoryEntry, type FlowFile, type FlowSet, type LegalEntry, type Province,
} from '../engine';
import { zodIssues, type Issue } from './issues';
import { buildNluCached, parseNlu } from './nlu';
import type { RawSources } from './sources';

/** Used only when config.yaml is broken (an error is reported, so the server will not start). */
const FALLBACK_NLU_CONFIG = { version: 1 as const, dangerIntents: {}, noTopic: [], greeting: 'greeting', thresholds: { danger: 1, strong: 0, contextual: 0, direct: 1, clarify: 1 } };

/** Where each compiled thing came from, for precise messages. */
export interface Origins {
  nodeFile: Record<string, string>;
  flowFiles: Record<string, FlowFile>;
  textFile: Record<string, Record<string, string>>;
  directoryFile: Record<string, string>;
  /** intent → language → number of examples (content/nlu/). */
  nluExamples: Record<string, Record<string, number>>;
}


/** A ref is "node" (same flow) or "flow.node". */
export function resolveRef(flow: string, ref: string): string {
  return ref.includes('.') ? ref : `${flow}.${ref}`;
}

function flatten(prefix: string, v: unknown, out: Record<string, unknown>): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, sub] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, sub, out);
  } else out[prefix] = v;
}

/** Compile everything; schema errors are collected, never thrown. */
export function compile(src: RawSources): { flowSet: FlowSet; origins: Origins; errors: Issue[] } {
  const errors: Issue[] = [];
  const origins: Origins = { nodeFile: {}, flowFiles: {}, textFile: {}, directoryFile: {}, nluExamples: {} };
  const texts: Record<string, Record<string, string>> = {};
  for (const s of src.texts) {
    const r = TextFileSchema.safeParse(s.data ?? {});
    if (!r.success) { errors.push(...zodIssues(s.file, r.error, s.data)); continue; }
    const flat: Record<string, unknown> = {};
    flatten('', r.data, flat);
    const into = (texts[s.lang] ??= {});
    const files = (origins.textFile[s.lang] ??= {});
    for (const [k, v] of Object.entries(flat)) {
      if (typeof v !== 'string') { errors.push({ file: s.file, where: `key '${k}'`, message: 'text must be a string' }); continue; }
      if (into[k] !== undefined) errors.push({ file: s.file, where: `key '${k}'`, message: `duplicate key (also in ${files[k]})` });
      into[k] = v.trim();
      files[k] = s.file;
    }
  }

  const nodes: Record<string, CompiledNode> = {};
  const topics: Record<string, string> = {};
  for (const f of src.flows) {
    const r = FlowFileSchema.safeParse(f.data);
    if (!r.success) { errors.push(...zodIssues(f.file, r.error, f.data)); continue; }
    origins.flowFiles[f.id] = r.data;
    for (const n of r.data.nodes) {
      const id = `${f.id}.${n.id}`;
      if (nodes[id]) errors.push({ file: f.file, where: `node '${n.id}'`, message: 'duplicate node id' });
      nodes[id] = {
        ...n, id, flow: f.id,
        next: n.next ? resolveRef(f.id, n.next) : undefined,
        unavailable: n.unavailable ? resolveRef(f.id, n.unavailable) : undefined,
        options: n.options?.map((o) => ({ ...o, next: o.next ? resolveRef(f.id, o.next) : undefined })),
      };
      origins.nodeFile[id] = f.file;
    }
  }
  for (const n of Object.values(nodes)) {
    if (!n.topic) continue;
    const other = topics[n.topic];
    if (other) errors.push({ file: origins.nodeFile[n.id] ?? 'flows', where: `node '${n.id.split('.')[1]}'`, message: `topic '${n.topic}' is also carried by ${other}` });
    else topics[n.topic] = n.id;
  }

  const legal: Record<string, LegalEntry> = {};
  for (const s of src.legal) {
    const r = LegalFileSchema.safeParse(s.data);
    if (!r.success) { errors.push(...zodIssues(s.file, r.error, s.data)); continue; }
    for (const e of r.data.entries) {
      if (legal[e.id]) errors.push({ file: s.file, where: `entry '${e.id}'`, message: 'duplicate legal entry id' });
      legal[e.id] = e;
      origins.nodeFile[`legal:${e.id}`] = s.file;
    }
  }

  const dangerFiles: DangerFile[] = [];
  for (const s of src.danger) {
    const r = DangerFileSchema.safeParse(s.data);
    if (r.success) dangerFiles.push(r.data as DangerFile);
    else errors.push(...zodIssues(s.file, r.error, s.data));
  }

  let provinces: Province[] = [];
  if (!src.provinces) errors.push({ file: 'content/directory/provinces.yaml', message: 'file missing' });
  else {
    const r = ProvincesFileSchema.safeParse(src.provinces.data);
    if (r.success) provinces = r.data.provinces as Province[];
    else errors.push(...zodIssues(src.provinces.file, r.error, src.provinces.data));
  }

  const directory: DirectoryEntry[] = [];
  for (const s of src.directory) {
    const r = DirectoryFileSchema.safeParse(s.data);
    if (!r.success) { errors.push(...zodIssues(s.file, r.error, s.data)); continue; }
    for (const e of r.data.entries as DirectoryEntry[]) {
      directory.push(e);
      origins.directoryFile[e.id] = s.file;
    }
  }

  // One abbreviation map for understanding, all languages (people mix them); Vietnamese wins a clash.
  const abbreviations: Record<string, string> = {};
  for (const f of [...dangerFiles].sort((a, b) => (a.lang === 'vi' ? 1 : b.lang === 'vi' ? -1 : 0))) Object.assign(abbreviations, f.abbreviations);
  const { corpus, config } = parseNlu(src.nlu, src.nluConfig, errors);
  for (const [lang, files] of Object.entries(corpus)) for (const f of files) (origins.nluExamples[f.intent] ??= {})[lang] = f.examples.length;
  const danger = buildDangerLexicon(dangerFiles);
  const nlu = buildNluCached(corpus, config ?? FALLBACK_NLU_CONFIG, abbreviations, danger, dangerFiles);

  const languages = Object.keys(texts).sort((a, b) => (a === 'vi' ? -1 : b === 'vi' ? 1 : a.localeCompare(b)));
  const flowSet: FlowSet = { nodes, texts, languages, legal, topics, danger, nlu, provinces, directory };
  return { flowSet, origins, errors };
}
