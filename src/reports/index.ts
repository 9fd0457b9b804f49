/** The reports area: monthly/half-year/year reports from `cases`, suppression, CSV, snapshots, console router. */
export { createReportsRouter } from './routes';
export type { ReportsRouterConfig } from './routes';
export { buildReport, percentileFromBuckets, reportPipelines, matchStage, DIMENSIONS } from './monthly';
export type { RawReport, ReportFilters, Dimension, WaitBucket } from './monthly';
export { suppressReport, suppressCells, suppressCount, SECONDARY } from './suppress';
export type { Cell, SuppressedReport } from './suppress';
export { toCsv, reportRows, BOM } from './csv';
export { parsePeriod, trendMonths } from './period';
export type { Period, PeriodKind } from './period';
export { liveReport, snapshotReport, snapshotMonth, hasSnapshot, snapshots, parseFilters } from './service';
export type { ReportResult } from './service';
export { periodTitle, labelOf } from './labels';
export { toText } from './text';
