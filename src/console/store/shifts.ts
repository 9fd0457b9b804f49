/**
 * Shift data of the console, none of it about a person:
 * - console_handover: shift handover notes (author, time, text), deleted after HANDOVER_NOTE_HOURS;
 * - console_quick_texts: quick-insert texts managed by managers (vi and en), retired rather
 *   than deleted so the audit log's ids keep meaning something.
 */
import { defineModel, Schema } from '../../db/model';
import { inserted } from '../../db/unique';

/** A shift handover note. */
export interface HandoverNoteDoc { nid: string; author: string; text: string; createdAt: Date }

const handoverSchema = new Schema<HandoverNoteDoc>({
  nid: { type: String, required: true, unique: true },
  author: { type: String, required: true },
  text: { type: String, required: true },
  createdAt: { type: Date, required: true, index: true },
}, { versionKey: false });

export const HandoverNoteModel = defineModel<HandoverNoteDoc>('HandoverNote', 'console_handover', handoverSchema);

/** Text per console language. */
export interface Bilingual { vi: string; en: string }

/** A managed quick-insert text. `version` counts edits (the audit names it). */
export interface QuickTextDoc {
  qid: string; label: Bilingual; text: Bilingual; retired: boolean; version: number;
  createdBy: string; createdAt: Date; updatedBy: string; updatedAt: Date;
}

const bilingual = { vi: { type: String, default: '' }, en: { type: String, default: '' } };
const quickTextSchema = new Schema<QuickTextDoc>({
  qid: { type: String, required: true, unique: true },
  label: bilingual,
  text: bilingual,
  retired: { type: Boolean, default: false },
  version: { type: Number, default: 1 },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, required: true },
  updatedBy: { type: String, required: true },
  updatedAt: { type: Date, required: true },
}, { versionKey: false, minimize: false });

export const QuickTextModel = defineModel<QuickTextDoc>('QuickText', 'console_quick_texts', quickTextSchema);

/** Handover notes newer than `since`, newest first. */
export async function recentNotes(since: Date): Promise<HandoverNoteDoc[]> {
  return HandoverNoteModel.find({ createdAt: { $gte: since } }).sort({ createdAt: -1 }).limit(100).lean();
}

/** Retention: delete handover notes older than `before` (now − HANDOVER_NOTE_HOURS); returns how many. */
export async function purgeExpiredHandoverNotes(before: Date): Promise<number> {
  return (await HandoverNoteModel.deleteMany({ createdAt: { $lt: before } })).deletedCount ?? 0;
}

/** Store one handover note. */
export async function insertNote(n: HandoverNoteDoc): Promise<void> { await HandoverNoteModel.create(n); }
/** One handover note by id. */
export const findNote = (nid: string) => HandoverNoteModel.findOne({ nid }).lean<HandoverNoteDoc>();
/** Delete one handover note. */
export async function deleteNote(nid: string): Promise<void> { await HandoverNoteModel.deleteOne({ nid }); }

/** Every quick text, active first, then by Vietnamese label. */
export async function allQuickTexts(): Promise<QuickTextDoc[]> {
  const rows = await QuickTextModel.find({}).lean<QuickTextDoc[]>();
  return rows.sort((a, b) => Number(a.retired) - Number(b.retired) || a.label.vi.localeCompare(b.label.vi, 'vi'));
}
/** One quick text by id. */
export const findQuickText = (qid: string) => QuickTextModel.findOne({ qid }).lean<QuickTextDoc>();
/** Insert a quick text; false when the id exists already (a seed raced by another instance). */
export function insertQuickText(q: QuickTextDoc): Promise<boolean> {
  return inserted(() => QuickTextModel.create(q));
}
/** Change a quick text. */
export async function updateQuickText(qid: string, set: Partial<QuickTextDoc>): Promise<void> { await QuickTextModel.updateOne({ qid }, { $set: set }); }
/** Whether any quick text exists (seeding runs on an empty collection only). */
export const anyQuickText = async () => (await QuickTextModel.countDocuments({})) > 0;
