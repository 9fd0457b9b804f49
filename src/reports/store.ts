/** Immutable monthly report snapshots: written once per period, never updated. */
import { defineModel, Schema } from '../db/model';
import { inserted } from '../db/unique';

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

/** A snapshot's identity and generation time (for lists). */
export interface SnapshotInfo {
  kind: ReportDoc['kind'];
  period: string;
  generatedAt: Date;
  minCell: number;
}

/**
 * Store a snapshot unless one exists for (kind, period). Insert-only: the unique index
 * makes a second run (or a second instance) a no-op, so a snapshot never changes.
 * Returns true when this call created it.
 */
export function insertSnapshot(doc: ReportDoc): Promise<boolean> {
  return inserted(() => ReportModel.collection.insertOne({ ...doc }));
}

/** One snapshot, or null. */
export async function findSnapshot(kind: ReportDoc['kind'], period: string): Promise<ReportDoc | null> {
  return ReportModel.findOne({ kind, period }, { _id: 0 }).lean<ReportDoc>();
}

/** All snapshots, newest period first (without their data). */
export async function listSnapshots(): Promise<SnapshotInfo[]> {
  return ReportModel.find({}, { _id: 0, kind: 1, period: 1, generatedAt: 1, minCell: 1 }).sort({ period: -1 }).lean<SnapshotInfo[]>();
}
