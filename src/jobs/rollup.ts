/**
 * The report rollup's folder as a cron job (see src/reports/rollup/fold.ts). Reports fold on
 * demand too; this keeps the change markers few so that a report has little to catch up.
 * The fold takes its own lock, so a report folding on another instance is never raced.
 */
import { foldRollup } from '../reports';
import type { SweepJob } from './schedule';

/** Every minute (the scheduler's resolution); each run folds for up to ~40 s. */
export const ROLLUP_FOLD_CRON = '* * * * *';
const RUN_MS = 40_000;

/** Fold passes until nothing is pending or the run's time is up. */
export const rollupFoldJob: SweepJob = {
  name: 'rollup-fold',
  cron: ROLLUP_FOLD_CRON,
  async run() {
    const end = Date.now() + RUN_MS;
    while (Date.now() < end) {
      const r = await foldRollup({ maxMs: Math.min(15_000, end - Date.now()) });
      if (!r.ran || r.drained) return;
    }
  },
};
