/**
 * Every code list whose codes a person on staff may see, by label kind. The label catalogue
 * (content/labels/<lang>.yaml) must name each of them in every language: content:check and
 * test/unit/labels.test.ts fail otherwise. Topics and provinces come from the loaded content.
 */
import {
  AGE_GROUPS, CHANNELS, CONTEXT_FLAGS, FEEDBACK, GENDERS, OUTCOMES, PERPETRATOR_RELATIONS, PROVINCES, REFERRAL_CATEGORIES,
  ROLES, VIOLENCE_TYPES,
} from '../cases';
// The console's vocabulary lives below every area (the console itself reads this catalogue).
import { AUDIT_ACTIONS, STAFF_ROLES } from '../shared/staff';

/** Channels a case may come from, including Messenger (added alongside this catalogue). */
const ALL_CHANNELS = [...new Set<string>([...CHANNELS, 'messenger', 'unknown'])];

/** Label kind → the codes it must label (without topics and provinces, which come from content). */
export const CODE_LISTS: Record<string, readonly string[]> = {
  violence: [...VIOLENCE_TYPES, 'none'],
  context: CONTEXT_FLAGS,
  perpetrator: PERPETRATOR_RELATIONS,
  referral: REFERRAL_CATEGORIES,
  outcome: [...OUTCOMES, 'none'],
  role: ROLES,
  answer: ['self', 'helping_other'],
  staffRole: STAFF_ROLES,
  ageGroup: [...AGE_GROUPS, 'unknown'],
  gender: [...GENDERS, 'unknown'],
  channel: ALL_CHANNELS,
  language: ['vi', 'en'],
  province: [...PROVINCES, 'unknown'],
  feedback: [...FEEDBACK, 'none'],
  auditAction: AUDIT_ACTIONS,
  error: ['not_found', 'conflict', 'forbidden', 'caseload_full', 'not_online', 'closed_hours', 'outside_window', 'invalid',
    'wrong_password', 'exists', 'invalid_username', 'invalid_role', 'weak_password', 'generic'],
  delivery: ['queued', 'sent', 'failed', 'window_expired'],
  window: ['morning', 'afternoon', 'evening', 'any'],
  handoffOutcome: ['closed', 'cancelled', 'left', 'abandoned', 'out_of_hours'],
};

/** The label languages; vi is the reference. */
export const LABEL_LANGS = ['vi', 'en'] as const;
/** A label language. */
export type LabelLang = (typeof LABEL_LANGS)[number];
