/** Immutable monthly report snapshots: written once per period, never updated. */
import { defineModel, Schema } from '../db/model';

/** A stored snapshot. */
export interface ReportDoc {
  period: string; // "2026-10", "2026-H1", "2026"
  kind: 'month' | 'half' | 'year';
  generatedAt: Date;
  minCell: number;
  data: Record<string, unknown>;
}

const reportSchema = new Schema<ReportDoc>({
  period: { type: String, required: true },
  kind: { type: String, required: true },
  generatedAt: { type: Date, required: true },
  minCell: { type: Number, required: true },
  data: { type: Schema.Types.Mixed, required: true },
}, { versionKey: false, minimize: false });
reportSchema.index({ kind: 1, period: 1 }, { unique: true });

export const ReportModel = defineModel<ReportDoc>('Report', 'reports', reportSchema);
