/** The cases area: anonymised case records, one per episode (write side: createCases; read side: aggregateCases). */
export { createCases } from './service';
export type { CaseService, CasesConfig, HandoffMilestone } from './service';
export {
  AGE_GROUPS, CHANNELS, CONTEXT_FLAGS, DispositionSchema, FEEDBACK, GENDERS, OUTCOMES, PERPETRATOR_RELATIONS, PROVINCES,
  REFERRAL_CATEGORIES, ROLES, VIOLENCE_TYPES, waitBucketOf,
} from './classify';
export type { Disposition, Outcome, Role } from './classify';
export { aggregateCases, explainCases, insertCases } from './store';
export type { CaseDoc } from './store';
export { addMonths, monthOf } from './time';
