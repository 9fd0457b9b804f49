/**
 * Live handoff messages of an open counsellor case, sealed, purged when the case closes
 * (DESIGN safety rule 2). Ordered by `seq` within a case.
 */
import { defineModel, Schema } from '../db/model';

/** One message of a live counsellor conversation. */
export interface HandoffMessageDoc {
  caseId: string;
  pid: string;
  seq: number;
  from: 'person' | 'counsellor' | 'system';
  counsellorId: string | null;
  textSealed: string;
  at: Date;
  /** Delivery state of counsellor messages, so the console can say "not delivered". */
  delivery: 'queued' | 'sent' | 'failed' | 'window_expired' | null;
  outboxId: string | null;
}

const handoffMessageSchema = new Schema<HandoffMessageDoc>({
  caseId: { type: String, required: true },
  pid: { type: String, required: true },
  seq: { type: Number, required: true },
  from: { type: String, required: true },
  counsellorId: { type: String, default: null },
  textSealed: { type: String, required: true },
  at: { type: Date, required: true },
  delivery: { type: String, default: null },
  outboxId: { type: String, default: null },
}, { versionKey: false });
handoffMessageSchema.index({ caseId: 1, seq: 1 }, { unique: true });
handoffMessageSchema.index({ outboxId: 1 });

export const HandoffMessageModel = defineModel<HandoffMessageDoc>('HandoffMessage', 'handoff_messages', handoffMessageSchema);
