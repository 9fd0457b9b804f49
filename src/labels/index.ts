/** The label catalogue: vi and en labels of every code staff may see (console, reports, CSV). */
export { catalogue, checkLabels, label, missingLabels, readCatalogue } from './catalogue';
export type { Catalogue, LabelIssue } from './catalogue';
export { CODE_LISTS, LABEL_LANGS } from './codes';
export type { LabelLang } from './codes';
export { formatLocalTime } from './time';
