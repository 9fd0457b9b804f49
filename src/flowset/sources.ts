/**
 * Content files as read from disk (load.ts) or given by a test, before any check: the input
 * of compile.ts and of the understanding corpus (nlu.ts).
 */

/** One parsed file. `data` is whatever the YAML parser produced. */
export interface Source {
  file: string;
  data: unknown;
}

/** All content, parsed but not yet checked. */
export interface RawSources {
  /** flow id (file name) → file */
  flows: Array<Source & { id: string }>;
  texts: Array<Source & { lang: string }>;
  legal: Source[];
  danger: Source[];
  provinces?: Source;
  /** national.yaml and services/*.yaml */
  directory: Source[];
  /** content/nlu/<lang>/*.yaml: labelled examples for the understanding model. */
  nlu: Array<Source & { lang: string }>;
  nluConfig?: Source;
}
