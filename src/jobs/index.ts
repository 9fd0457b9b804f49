/** The jobs area: cron schedules behind MongoDB leases (monthly snapshot, retention, sweeps). */
export { createJobs, lastDueMonth, MONTHLY_CRON, RETENTION_CRON } from './schedule';
export type { Jobs, JobsConfig, JobsDeps, SweepJob } from './schedule';
export { AUDIT_RETENTION_DEFAULT_DAYS, purgeExpired, QUEUE_KEEP_DAYS } from './retention';
export type { ExtraPurge, PurgeCounts, RetentionConfig } from './retention';
export { rollupFoldJob, ROLLUP_FOLD_CRON } from './rollup';
