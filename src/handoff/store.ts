/**
 * The handoff area's data: its models and queries live in store/, one file per collection
 * (store/index.ts lists them), re-exported here so `./store` stays the one import. The
 * one-time keys (claims, transfers, releases, the end of a case) are the lock area's.
 */
export * from './store/index';
export { forgetOnce, purgeOnceKeys, takeOnce } from '../locks';
