/**
 * The handoff area's data, one file per collection. Live messages are sealed and purged when
 * the case closes (DESIGN safety rule 2); nothing else here holds text written by a person.
 * - handoff_cases (cases.ts): one per handoff episode (queue entry → counsellor → end).
 * - handoff_messages (messages.ts): sealed live messages of an open case, ordered by `seq`.
 * - handoff_followups (followups.ts): "contact me at a safe time" requests (a window, never a text).
 * - handoff_presence (presence.ts): which counsellors are online (heartbeat), their caseload limit.
 * - handoff_feed (feed.ts): short-lived change notices (ids only) so every instance's console sees
 *   changes made on another instance (no change streams on FerretDB).
 * - handoff_notes (notes.ts): the optional sealed case note, deleted after its retention.
 * - handoff_flags (flags.ts): a recent danger mark and visited topic codes per pid, for the queue.
 * - handoff_watches (watches.ts): which supervisor is viewing which live case right now (read-only).
 * - erase.ts: a person's erase request, across all of them; purge.ts: the retention purge's part.
 * The one-time keys (handoff_locks) are in ../store.ts.
 */
export * from './cases';
export * from './messages';
export * from './followups';
export * from './presence';
export * from './feed';
export * from './notes';
export * from './flags';
export * from './watches';
export * from './erase';
export * from './purge';
