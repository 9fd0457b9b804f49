/**
 * Quick-insert texts, managed by managers in the console: create, edit, retire (never a hard
 * delete: the audit log names the text's id, which must keep meaning something), restore.
 * Each has a label and a text in Vietnamese and English; the counsellor's picker shows the
 * case's language (Vietnamese when the English is empty), with {hotline} filled from
 * HOTLINE_NUMBER and a line naming it dropped until it is set (as the bot's own texts do).
 * On first use an empty collection is seeded with what the picker offered before: the
 * emergency numbers from content/texts. Directory entries for the person's province are added
 * by the route, not stored here. Every change is audited (id and version, never the text).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FlowSet } from '../engine';
import { fill } from '../engine';
import { audit } from './audit';
import { allQuickTexts, anyQuickText, Bilingual, findQuickText, insertQuickText, QuickTextDoc, updateQuickText } from './store';

/** A quick text as the manager's screen shows it. */
export type QuickTextView = Omit<QuickTextDoc, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

const line = (max: number) => z.string().max(max).transform((s) => s.trim());
/** The body of a create or an edit: the Vietnamese label and text are required, English optional. */
export const QuickTextBody = z.object({
  label: z.object({ vi: line(80).pipe(z.string().min(1)), en: line(80).default('') }),
  text: z.object({ vi: line(2000).pipe(z.string().min(1)), en: line(2000).default('') }),
});
export type QuickTextInput = z.infer<typeof QuickTextBody>;

const seeded = new WeakMap<FlowSet, Promise<void>>();

/** Seed an empty collection once per process (another instance racing us inserts the same id: one wins). */
function ensureSeeded(flows: FlowSet | undefined): Promise<void> {
  if (!flows) return Promise.resolve();
  let p = seeded.get(flows);
  if (!p) {
    p = (async () => {
      if (await anyQuickText()) return;
      const body = (lang: 'vi' | 'en') => [flows.texts[lang]?.emergency, flows.texts[lang]?.['emergency.hotline']].filter(Boolean).join('\n').trim();
      const now = new Date();
      await insertQuickText({
        qid: 'emergency', label: { vi: 'Số khẩn cấp', en: 'Emergency numbers' }, text: { vi: body('vi'), en: body('en') },
        retired: false, version: 1, createdBy: 'system', createdAt: now, updatedBy: 'system', updatedAt: now,
      });
    })();
    p.catch(() => seeded.delete(flows));
    seeded.set(flows, p);
  }
  return p;
}

const pick = (b: Bilingual, lang: string) => (lang === 'en' && b.en ? b.en : b.vi);

/** The active texts in a case's language, placeholders filled, for the counsellor's picker. */
export async function activeQuickTexts(flows: FlowSet | undefined, lang: string, hotline?: string): Promise<{ qid: string; label: string; text: string }[]> {
  await ensureSeeded(flows);
  const vars: Record<string, string> = hotline ? { hotline } : {};
  return (await allQuickTexts()).filter((q) => !q.retired).map((q) => ({ qid: q.qid, label: pick(q.label, lang), text: fill(pick(q.text, lang), vars) })).filter((q) => q.text);
}

/** Every text, retired ones included, for the manager's screen. */
export async function listQuickTexts(flows: FlowSet | undefined): Promise<QuickTextView[]> {
  await ensureSeeded(flows);
  return allQuickTexts();
}

/** Create a text. */
export async function createQuickText(actor: string, input: QuickTextInput): Promise<string> {
  const qid = 'q' + randomBytes(8).toString('hex');
  const now = new Date();
  await insertQuickText({ qid, ...input, retired: false, version: 1, createdBy: actor, createdAt: now, updatedBy: actor, updatedAt: now });
  await audit(actor, 'quicktext_add', qid, { version: 1 });
  return qid;
}

/** Edit a text (a new version). */
export async function editQuickText(actor: string, qid: string, input: QuickTextInput): Promise<boolean> {
  const q = await findQuickText(qid);
  if (!q) return false;
  const changed = (['label', 'text'] as const).flatMap((f) => (['vi', 'en'] as const).filter((l) => q[f][l] !== input[f][l]).map((l) => `${f}.${l}`));
  await updateQuickText(qid, { ...input, version: q.version + 1, updatedBy: actor, updatedAt: new Date() });
  await audit(actor, 'quicktext_edit', qid, { version: q.version + 1, changed });
  return true;
}

/** Retire (hidden from the picker, kept for the audit) or restore a text. */
export async function setQuickTextRetired(actor: string, qid: string, retired: boolean): Promise<boolean> {
  const q = await findQuickText(qid);
  if (!q) return false;
  if (q.retired !== retired) {
    await updateQuickText(qid, { retired, updatedBy: actor, updatedAt: new Date() });
    await audit(actor, retired ? 'quicktext_retire' : 'quicktext_restore', qid, { version: q.version });
  }
  return true;
}
