/**
 * Content loading (STYLE habit 5): read flows/ and content/, check them with the engine's
 * schemas and the cross-checks, build the FlowSet. The server refuses to start on errors;
 * `npm run content:check` runs the same code.
 */
import type { FlowSet } from '../engine';
import { compile } from './compile';
import type { RawSources } from './sources';
import { directoryReport, type DirectoryReport } from './directoryCheck';
import { ContentError, formatIssue, type Issue } from './issues';
import { readSources } from './load';
import { validate } from './validate';

export { ContentError, formatIssue };
export type { Issue, RawSources };
export { MAX_OPTIONS, NON_NEUTRAL } from './validate';
export { readSources } from './load';
export { adoptTrainedModel, trainedModels } from './nlu';
export { formatDirectoryReport, type DirectoryReport, type DirectoryRow } from './directoryCheck';

/**
 * What content:check reports: errors block, warnings do not; coverage in % per non-default
 * language; the directory's entries, sourced phones and verified entries per province.
 */
export interface ContentReport {
  errors: Issue[];
  warnings: Issue[];
  coverage: Record<string, number>;
  directory: DirectoryReport;
  /** Topic ids of the flows (the label catalogue must name each). */
  topics?: string[];
}

/** Build and check a FlowSet from already-parsed sources (tests use this with in-memory data). */
export function buildFlowSet(sources: RawSources): ContentReport & { flowSet: FlowSet } {
  const { flowSet, origins, errors } = compile(sources);
  const checked = validate(flowSet, origins);
  const directory = directoryReport(flowSet.directory, flowSet.provinces);
  return { flowSet, errors: [...errors, ...checked.errors], warnings: checked.warnings, coverage: checked.coverage, directory };
}

/** Read and check all content under rootDir. */
export function checkContent(rootDir: string): ContentReport {
  const { sources, errors } = readSources(rootDir);
  const r = buildFlowSet(sources);
  return { errors: [...errors, ...r.errors], warnings: r.warnings, coverage: r.coverage, directory: r.directory, topics: Object.keys(r.flowSet.topics) };
}

/** Load the FlowSet for the server; throws a ContentError listing every error. */
export function loadFlowSet(rootDir: string): FlowSet {
  const { sources, errors } = readSources(rootDir);
  const r = buildFlowSet(sources);
  const all = [...errors, ...r.errors];
  if (all.length > 0) throw new ContentError(all);
  return r.flowSet;
}
