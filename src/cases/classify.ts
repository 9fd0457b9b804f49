/**
 * The only values a case record may hold: closed code lists, checked with zod. Anything
 * outside them (a typo, a free-text answer, a field the console invented) is dropped, so
 * no free text can reach the `cases` collection or a report by accident.
 */
import { z } from 'zod';
import { CHANNELS } from '../engine';

/** GBVIMS core incident types. */
export const VIOLENCE_TYPES = ['rape', 'sexual_assault', 'physical_assault', 'forced_marriage', 'denial_of_resources', 'psychological_abuse'] as const;
/** Context flags that qualify the core types. */
export const CONTEXT_FLAGS = ['intimate_partner_family', 'child', 'online', 'workplace_harassment', 'trafficking'] as const;
/** Who the person is writing for. */
export const ROLES = ['affected', 'helping', 'unknown'] as const;
/** Age groups offered by the counsellor flow. */
export const AGE_GROUPS = ['under_16', '16_17', '18_29', '30_49', '50_plus'] as const;
/** Gender, only if offered by the person. */
export const GENDERS = ['female', 'male', 'other'] as const;
/** Perpetrator relation as recorded by the counsellor. */
export const PERPETRATOR_RELATIONS = [
  'intimate_partner', 'former_partner', 'family_member', 'acquaintance', 'employer_colleague',
  'teacher_caregiver', 'stranger', 'online_contact', 'unknown',
] as const;
/** Outcome of an episode: set by the counsellor's disposition, or by the handoff ('abandoned', 'cancelled'). */
export const OUTCOMES = [
  'information_given', 'referred', 'safety_plan', 'emergency_services', 'follow_up_planned',
  'no_action_needed', 'abandoned', 'cancelled',
] as const;
/** Service categories of the directory (referrals are counted by category, never by entry). */
export const REFERRAL_CATEGORIES = ['police', 'health', 'legal_aid', 'shelter', 'social_work', 'womens_union', 'child_protection', 'hotline', 'other'] as const;
/** Feedback values of the feedback flow. */
export const FEEDBACK = ['helped', 'not_helped', 'skipped'] as const;
/** The 34 provinces and cities since the merger of 1 July 2025 (codes of content/directory/provinces.yaml). */
export const PROVINCES = [
  'ha-noi', 'hue', 'lai-chau', 'dien-bien', 'son-la', 'lang-son', 'quang-ninh', 'thanh-hoa', 'nghe-an',
  'ha-tinh', 'cao-bang', 'tuyen-quang', 'lao-cai', 'thai-nguyen', 'phu-tho', 'bac-ninh', 'hung-yen',
  'hai-phong', 'ninh-binh', 'quang-tri', 'da-nang', 'quang-ngai', 'gia-lai', 'khanh-hoa', 'lam-dong',
  'dak-lak', 'ho-chi-minh', 'dong-nai', 'tay-ninh', 'can-tho', 'vinh-long', 'dong-thap', 'ca-mau', 'an-giang',
] as const;
/** Channels a case can come from: every channel (one list, in the engine). */
export { CHANNELS };

/** Outcome code. */
export type Outcome = (typeof OUTCOMES)[number];
/** Role code. */
export type Role = (typeof ROLES)[number];

/**
 * What a counsellor records when closing a handoff, e.g.
 * `{ violenceTypes: ['physical_assault'], contextFlags: ['intimate_partner_family'],
 *    perpetratorRelation: 'intimate_partner', referrals: ['police','legal_aid'], outcome: 'referred' }`.
 */
export const DispositionSchema = z.object({
  violenceTypes: z.array(z.enum(VIOLENCE_TYPES)),
  contextFlags: z.array(z.enum(CONTEXT_FLAGS)),
  perpetratorRelation: z.enum(PERPETRATOR_RELATIONS).nullable(),
  referrals: z.array(z.enum(REFERRAL_CATEGORIES)),
  outcome: z.enum(OUTCOMES),
});

/** The counsellor's disposition, as the console sends it (validate with DispositionSchema at the route). */
export interface Disposition {
  violenceTypes: string[];
  contextFlags: string[];
  perpetratorRelation: string | null;
  referrals: string[];
  outcome: string;
}

/** Keep only allowed codes of a list, deduplicated, in list order. */
export function onlyAllowed<T extends string>(allowed: readonly T[], values: readonly string[]): T[] {
  const set = new Set(values);
  return allowed.filter((a) => set.has(a));
}

/** One allowed code, or null. */
export function oneAllowed<T extends string>(allowed: readonly T[], value: string | null | undefined): T | null {
  return value != null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** Map the flow's role answer ('self', 'helping_other') to a role code. */
export function roleOf(value: string): Role | null {
  if (value === 'self' || value === 'affected') return 'affected';
  if (value === 'helping_other' || value === 'helping' || value === 'other') return 'helping';
  return null;
}

/** A disposition reduced to allowed codes (unknown codes dropped; an unknown outcome becomes null). */
export function cleanDisposition(d: Disposition): {
  violenceTypes: string[]; contextFlags: string[]; perpetratorRelation: string | null; referrals: string[]; outcome: Outcome | null; dropped: number;
} {
  const violenceTypes = onlyAllowed(VIOLENCE_TYPES, d.violenceTypes ?? []);
  const contextFlags = onlyAllowed(CONTEXT_FLAGS, d.contextFlags ?? []);
  const referrals = onlyAllowed(REFERRAL_CATEGORIES, d.referrals ?? []);
  const perpetratorRelation = oneAllowed(PERPETRATOR_RELATIONS, d.perpetratorRelation);
  const outcome = oneAllowed(OUTCOMES, d.outcome);
  const given = new Set(d.violenceTypes ?? []).size + new Set(d.contextFlags ?? []).size + new Set(d.referrals ?? []).size
    + (d.perpetratorRelation ? 1 : 0) + (d.outcome ? 1 : 0);
  const kept = violenceTypes.length + contextFlags.length + referrals.length + (perpetratorRelation ? 1 : 0) + (outcome ? 1 : 0);
  return { violenceTypes, contextFlags, perpetratorRelation, referrals, outcome, dropped: given - kept };
}

/**
 * Report bucket of a wait in seconds (its lower bound): 10 s steps under 2 minutes, 30 s
 * under 10 minutes, 5 minutes under an hour, then 30 minutes. Percentiles are computed on
 * these buckets, because grouping on a handful of values is what the embedded database
 * does cheaply (its $group compares each row with every group so far).
 */
export function waitBucketOf(seconds: number): number {
  const step = seconds < 120 ? 10 : seconds < 600 ? 30 : seconds < 3600 ? 300 : 1800;
  return Math.floor(seconds / step) * step;
}
