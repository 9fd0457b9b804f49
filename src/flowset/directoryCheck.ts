/**
 * The directory's own checks and report. A phone number or an address reaches a person in
 * danger only with the page it was read on and the day it was read there: without them
 * nobody can tell a checked number from a guessed one, so content:check refuses it. The
 * report counts, per province, the local entries, those with a sourced phone and the verified
 * ones, so that gaps are visible at every check.
 */
import { hasSourcedPhone, type DirectoryEntry, type Province } from '../engine';
import type { Issue } from './issues';

/** Errors: a phone or an address without contactSource and contactChecked. */
export function checkDirectory(entries: DirectoryEntry[], fileOf: Record<string, string>): Issue[] {
  const errors: Issue[] = [];
  for (const e of entries) {
    const shown = [e.phone && `phone '${e.phone}'`, e.address && 'address'].filter(Boolean).join(' and ');
    if (!shown) continue;
    const missing = [!e.contactSource && 'contactSource (the page that shows it)', !e.contactChecked && 'contactChecked (the day it was read there)'].filter(Boolean);
    if (missing.length > 0) {
      errors.push({ file: fileOf[e.id] ?? 'content/directory', where: `entry '${e.id}'`, message: `${shown} without a source: add ${missing.join(' and ')}` });
    }
  }
  return errors;
}

/** One line of the directory report. @example { province: 'nghe-an', name: 'Nghệ An', entries: 4, sourcedPhone: 3, verified: 2 } */
export interface DirectoryRow {
  province: string;
  name: string;
  entries: number;
  sourcedPhone: number;
  verified: number;
}

/** What content:check prints about the directory: a row per province (file order) and the totals. */
export interface DirectoryReport {
  rows: DirectoryRow[];
  totals: { entries: number; sourcedPhone: number; verified: number; provinces: number; provincesWithThreePhones: number };
}

/** Count local entries per province; national entries are left out (they are shown everywhere). */
export function directoryReport(entries: DirectoryEntry[], provinces: Province[]): DirectoryReport {
  const rows = provinces.map((p) => {
    const local = entries.filter((e) => e.province === p.code);
    return { province: p.code, name: p.name.vi, entries: local.length, sourcedPhone: local.filter(hasSourcedPhone).length, verified: local.filter((e) => e.verified).length };
  });
  const sum = (k: 'entries' | 'sourcedPhone' | 'verified') => rows.reduce((s, r) => s + r[k], 0);
  return {
    rows,
    totals: { entries: sum('entries'), sourcedPhone: sum('sourcedPhone'), verified: sum('verified'), provinces: rows.length, provincesWithThreePhones: rows.filter((r) => r.sourcedPhone >= 3).length },
  };
}

/** The report as aligned text lines for the terminal. */
export function formatDirectoryReport(r: DirectoryReport): string[] {
  const width = Math.max(8, ...r.rows.map((x) => x.name.length));
  const line = (name: string, a: number | string, b: number | string, c: number | string) =>
    `  ${name.padEnd(width)}  ${String(a).padStart(7)}  ${String(b).padStart(13)}  ${String(c).padStart(8)}`;
  const t = r.totals;
  return [
    'directory (local entries per province):',
    line('province', 'entries', 'sourced phone', 'verified'),
    ...r.rows.map((x) => line(x.name, x.entries, x.sourcedPhone, x.verified)),
    line('total', t.entries, t.sourcedPhone, t.verified),
    `  provinces with at least 3 sourced phones: ${t.provincesWithThreePhones} of ${t.provinces}`,
  ];
}
