/**
 * The handoff's part of the daily retention purge (jobs/retention.ts): the live-chat
 * messages of cases no counsellor still holds.
 */
import { HandoffCaseModel } from './cases';
import { HandoffMessageModel } from './messages';

/**
 * Delete the handoff messages written before `before`, except those of `openPids` (the
 * conversations still waiting for or talking with a counsellor) and of the cases a counsellor
 * still holds. Returns how many were deleted.
 */
export async function purgeClosedCaseMessages(openPids: string[], before: Date): Promise<number> {
  const keep = [...openPids];
  // A person who left while a counsellor held the case: the transcript stays readable until
  // the counsellor has filled in the close form (the handoff purges it then).
  keep.push(...(await HandoffCaseModel.find({ status: 'active' }, { pid: 1, _id: 0 }).lean<{ pid: string }[]>()).map((c) => c.pid));
  return (await HandoffMessageModel.deleteMany({ pid: { $nin: keep }, at: { $lt: before } })).deletedCount;
}
