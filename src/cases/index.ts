/**
 * The cases area: anonymised case records, one per episode (write side: createCases; read
 * side for reports: change markers, cases by `_id`, the raw aggregation).
 */
export { createCases } from './service';
export type { CaseService, CasesConfig, HandoffMilestone } from './service';
export {
  AGE_GROUPS, CHANNELS, CONTEXT_FLAGS, DispositionSchema, FEEDBACK, GENDERS, OUTCOMES, PERPETRATOR_RELATIONS, PROVINCES,
  REFERRAL_CATEGORIES, ROLES, VIOLENCE_TYPES, waitBucketOf,
} from './classify';
export type { Disposition, Outcome, Role } from './classify';
export {
  aggregateCases, allCases, caseKeyOf, explainCases, forgetChange, insertCaseHeads, insertCases, pendingChanges,
} from './store';
export { unlinkByPid as unlinkCasesByPid } from './store';
export type { CaseChangeDoc, CaseDoc, CaseHeadDoc } from './store';
export { readCasesSettled } from './settled';
export { addMonths, monthOf } from './time';
