/**
 * Anonymised case records: one per episode of a pid. Only bucketed, coded values:
 * no text, no name, no phone, no exact birth date. Fields we group on (month, province)
 * are computed when written (STYLE habit 10).
 */
import { defineModel, Schema } from '../db/model';

/** Stored case. */
export interface CaseDoc {
  caseId: string;
  pid: string;
  channel: string;
  language: string;
  /** YYYY-MM in Asia/Ho_Chi_Minh of the episode start. */
  month: string;
  startedAt: Date;
  lastEventAt: Date;
  province: string | null;
  role: 'affected' | 'helping' | 'unknown';
  ageGroup: string | null;
  gender: string | null;
  violenceTypes: string[];
  contextFlags: string[];
  perpetratorRelation: string | null;
  danger: boolean;
  escalated: boolean;
  answeredByCounsellor: boolean;
  topics: string[];
  referrals: string[];
  outcome: string | null;
  feedback: 'helped' | 'not_helped' | 'skipped' | null;
  waitSeconds: number | null;
  handlingSeconds: number | null;
  returning: boolean;
  closed: boolean;
}

const caseSchema = new Schema<CaseDoc>({
  caseId: { type: String, required: true, unique: true },
  pid: { type: String, required: true, index: true },
  channel: { type: String, required: true },
  language: { type: String, default: 'vi' },
  month: { type: String, required: true },
  startedAt: { type: Date, required: true },
  lastEventAt: { type: Date, required: true },
  province: { type: String, default: null },
  role: { type: String, default: 'unknown' },
  ageGroup: { type: String, default: null },
  gender: { type: String, default: null },
  violenceTypes: { type: [String], default: [] },
  contextFlags: { type: [String], default: [] },
  perpetratorRelation: { type: String, default: null },
  danger: { type: Boolean, default: false },
  escalated: { type: Boolean, default: false },
  answeredByCounsellor: { type: Boolean, default: false },
  topics: { type: [String], default: [] },
  referrals: { type: [String], default: [] },
  outcome: { type: String, default: null },
  feedback: { type: String, default: null },
  waitSeconds: { type: Number, default: null },
  handlingSeconds: { type: Number, default: null },
  returning: { type: Boolean, default: false },
  closed: { type: Boolean, default: false },
}, { versionKey: false });
caseSchema.index({ month: 1, province: 1 });
caseSchema.index({ month: 1, channel: 1 });

export const CaseModel = defineModel<CaseDoc>('Case', 'cases', caseSchema);
