/**
 * The services directory: national numbers (content/directory/national.yaml) and local entries
 * per province (content/directory/services/<code>.yaml). An entry never carries a number that
 * was not confirmed in a source: a phone or an address comes with `contactSource`, the page
 * that shows it, and `contactChecked`, the day it was read there (content:check refuses a
 * phone or address without both, src/flowset/directoryCheck.ts). Unconfirmed entries are shown
 * with a "not verified" line so that nobody relies on them blindly.
 */
import { z } from 'zod';

const Text = z.object({ vi: z.string().min(1), en: z.string().min(1) });
const CATEGORIES = ['police', 'health', 'legal_aid', 'shelter', 'social_work', 'womens_union', 'child_protection', 'hotline', 'other'] as const;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const DirectoryEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+([.-][a-z0-9]+)*$/),
    province: z.string().regex(/^([a-z]+(-[a-z]+)*|national)$/),
    category: z.enum(CATEGORIES),
    name: Text,
    /** Digits and spaces only, as people dial it: "113", "1800 1233". */
    phone: z.string().regex(/^\d[\d ]{1,18}\d$/).optional(),
    /** Street address as written on the source page (one form for every language). */
    address: z.string().min(1).optional(),
    hours: Text.optional(),
    what: Text,
    verified: z.boolean(),
    /** Page about the service (what it does, who runs it). */
    source: z.string().url().optional(),
    lastChecked: IsoDate,
    /** Page that shows the phone and address: an official page, or failing that a reputable one. */
    contactSource: z.string().url().optional(),
    /** Day the phone and address were read on contactSource. */
    contactChecked: IsoDate.optional(),
  })
  .strict()
  .refine((e) => !e.verified || e.source !== undefined, { message: 'a verified entry needs a source' });

/** Zod schema of content/directory/national.yaml and services/<code>.yaml. */
export const DirectoryFileSchema = z.object({
  version: z.union([z.string().min(1), z.number()]),
  entries: z.array(DirectoryEntrySchema),
});

/** The entry categories, in the order the referral flow may group them. */
export const DIRECTORY_CATEGORIES: readonly DirectoryEntry['category'][] = CATEGORIES;

/** One service: a national number or a local office. */
export interface DirectoryEntry {
  id: string;
  province: string /* code or 'national' */;
  category: 'police' | 'health' | 'legal_aid' | 'shelter' | 'social_work' | 'womens_union' | 'child_protection' | 'hotline' | 'other';
  name: { vi: string; en: string };
  phone?: string;
  address?: string;
  hours?: { vi: string; en: string };
  what: { vi: string; en: string };
  verified: boolean;
  source?: string;
  lastChecked: string;
  contactSource?: string;
  contactChecked?: string;
}

/** True when the entry's phone comes with the page that shows it and the day it was read there. */
export function hasSourcedPhone(e: DirectoryEntry): boolean {
  return e.phone !== undefined && e.contactSource !== undefined && e.contactChecked !== undefined;
}

/**
 * Local entries of one province and the national entries, in file order. The national list is
 * always returned: the flow shows it after the local services, and alone when there are none.
 */
export function servicesFor(entries: DirectoryEntry[], provinceCode: string): { local: DirectoryEntry[]; national: DirectoryEntry[] } {
  return {
    local: provinceCode === 'national' ? [] : entries.filter((e) => e.province === provinceCode),
    national: entries.filter((e) => e.province === 'national'),
  };
}

const LABELS = {
  vi: { hours: 'Giờ', address: 'Địa chỉ', unverified: '(chưa xác minh)' },
  en: { hours: 'Hours', address: 'Address', unverified: '(not verified)' },
} as const;

/**
 * A short text block for one entry, in `lang` ('vi' or 'en'; anything else falls back to 'vi').
 * @example formatService(e, 'en') → "Police: 113\nHours: 24/7\nEmergencies…"
 * An address, when there is one, follows the name line: "…\nAddress: <as on the source page>\nHours: …"
 */
export function formatService(entry: DirectoryEntry, lang: string): string {
  const l = lang === 'en' ? 'en' : 'vi';
  const t = LABELS[l];
  const head = entry.verified ? entry.name[l] : `${entry.name[l]} ${t.unverified}`;
  const lines = [entry.phone ? `${head}: ${entry.phone}` : head];
  if (entry.address) lines.push(`${t.address}: ${entry.address}`);
  if (entry.hours) lines.push(`${t.hours}: ${entry.hours[l]}`);
  lines.push(entry.what[l]);
  return lines.join('\n');
}
