/**
 * handoff_messages: sealed live messages of an open case, ordered by `seq`. Purged when the
 * case closes (DESIGN safety rule 2).
 */
import { defineModel, Schema } from '../../db/model';

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
  updatedAt: Date;
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
  updatedAt: { type: Date, required: true },
}, { versionKey: false });
handoffMessageSchema.index({ caseId: 1, seq: 1 }, { unique: true });
handoffMessageSchema.index({ outboxId: 1 });
handoffMessageSchema.index({ pid: 1 });

export const HandoffMessageModel = defineModel<HandoffMessageDoc>('HandoffMessage', 'handoff_messages', handoffMessageSchema);

/** Store one (already sealed) message. */
export async function insertMessage(doc: HandoffMessageDoc): Promise<void> {
  await HandoffMessageModel.create(doc);
}

/** The messages of a case after `afterSeq`, in order (still sealed). */
export async function messagesAfter(hid: string, afterSeq: number): Promise<HandoffMessageDoc[]> {
  return HandoffMessageModel.find({ caseId: hid, seq: { $gt: afterSeq } }).sort({ seq: 1 }).lean<HandoffMessageDoc[]>();
}

/** The outbox took a counsellor message: remember its outbox id, for the delivery outcome. */
export async function setMessageOutboxId(hid: string, seq: number, outboxId: string | null): Promise<void> {
  await HandoffMessageModel.updateOne({ caseId: hid, seq }, { $set: { outboxId, updatedAt: new Date() } });
}

/** A counsellor message the outbox could not take. */
export async function markMessageFailed(hid: string, seq: number): Promise<void> {
  await HandoffMessageModel.updateOne({ caseId: hid, seq }, { $set: { delivery: 'failed', updatedAt: new Date() } });
}

/** Record the outbox's outcome on the counsellor message it sent; the message, or null when none has that outbox id (yet). */
export async function setDeliveryByOutboxId(outboxId: string, delivery: NonNullable<HandoffMessageDoc['delivery']>): Promise<HandoffMessageDoc | null> {
  return HandoffMessageModel.findOneAndUpdate({ outboxId }, { $set: { delivery, updatedAt: new Date() } }, { new: true }).lean<HandoffMessageDoc>();
}

/** Delete every live message of a case (on close, exit, abandonment). */
export async function deleteMessagesOf(hid: string): Promise<void> {
  await HandoffMessageModel.deleteMany({ caseId: hid });
}
