/** handoff_notes: the optional sealed case note of a closed case, deleted after its retention. */
import { defineModel, Schema } from '../../db/model';

/** The optional counsellor note of a closed case, sealed; deleted after retention. */
export interface CaseNoteDoc { hid: string; pid: string; author: string; noteSealed: string; createdAt: Date; deleteAfter: Date }

const caseNoteSchema = new Schema<CaseNoteDoc>({
  hid: { type: String, required: true, unique: true },
  pid: { type: String, required: true },
  author: { type: String, required: true },
  noteSealed: { type: String, required: true },
  createdAt: { type: Date, required: true },
  deleteAfter: { type: Date, required: true, index: true },
}, { versionKey: false });

export const CaseNoteModel = defineModel<CaseNoteDoc>('CaseNote', 'handoff_notes', caseNoteSchema);

/** Keep (or replace) the sealed note of case `note.hid`. */
export async function saveCaseNote(note: CaseNoteDoc): Promise<void> {
  await CaseNoteModel.updateOne({ hid: note.hid }, { $set: note }, { upsert: true });
}

/** The person's counsellor notes still within retention (sealed). */
export async function liveNotesOf(pid: string, now: Date): Promise<CaseNoteDoc[]> {
  return CaseNoteModel.find({ pid, deleteAfter: { $gt: now } }).lean<CaseNoteDoc[]>();
}

/** One note still within retention, by the case it belongs to. */
export async function liveNote(hid: string, now: Date): Promise<CaseNoteDoc | null> {
  return CaseNoteModel.findOne({ hid, deleteAfter: { $gt: now } }).lean<CaseNoteDoc>();
}

/** Delete the notes whose retention ended before `now`. */
export async function deleteExpiredNotes(now: Date): Promise<void> {
  await CaseNoteModel.deleteMany({ deleteAfter: { $lt: now } });
}
