/** Erasing a person's handoff data on request (it spans every collection keyed by pid). */
import { HandoffCaseModel } from './cases';
import { FlagModel } from './flags';
import { FollowUpModel } from './followups';
import { HandoffMessageModel } from './messages';
import { CaseNoteModel } from './notes';
import { WatchModel } from './watches';

/**
 * Erase on request (Law 91/2025/QH15): everything the handoff area keeps under a pid — its
 * cases (the open one was ended first by the sink), their live messages, counsellor notes,
 * follow-ups and the danger/topic flag. Returns how many documents went, for the audit count.
 */
export async function eraseByPid(pid: string): Promise<number> {
  const results = await Promise.all([
    HandoffMessageModel.deleteMany({ pid }), CaseNoteModel.deleteMany({ pid }), FollowUpModel.deleteMany({ pid }),
    FlagModel.deleteMany({ _id: pid }), HandoffCaseModel.deleteMany({ pid }), WatchModel.deleteMany({ pid }),
  ]);
  return results.reduce((n, r) => n + (r.deletedCount ?? 0), 0);
}
