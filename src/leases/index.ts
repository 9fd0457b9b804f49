/** Leases held by one instance at a time (cron jobs, the outbox sender): see store.ts. */
export { acquireLease, lastRunKeyOf, markRun, releaseLease } from './store';
export type { LeaseDoc } from './store';
