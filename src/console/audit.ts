/**
 * The audit log: who did what, when, to which id. Never message text, never a note.
 * Managers and admins read it in the console.
 *
 * Staff actions keep the staff member's username (staff are audited by design). A failed
 * log-in keeps no typed name: what was typed in the username box may be a password typed in
 * the wrong box. It keeps a keyed hash of it (HMAC-SHA256 with PSEUDONYM_KEY, `h:` + 32 hex)
 * and the network it came from (/24 for IPv4, /48 for IPv6), never the full address. When
 * the console lists the log, a hash that matches a current user is shown with that name.
 * Entries are deleted after AUDIT_RETENTION_DAYS by the retention job.
 */
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { log } from '../observability/log';
import { allUsernames, AuditFilter, countAuditEntries, findAuditEntries, insertAuditEntry } from './store';

// Audited actions are staff vocabulary, kept below every area (the label catalogue checks them).
export { AUDIT_ACTIONS, type AuditAction } from '../shared/staff';
import type { AuditAction } from '../shared/staff';

/** The keyed hash stored instead of a name typed at a failed log-in. */
export function typedNameHash(key: string, typed: string): string {
  return `h:${createHmac('sha256', key).update(`console-login:${typed}`).digest('hex').slice(0, 32)}`;
}

/** The network of an address: a.b.c.0/24 for IPv4 (also IPv4-mapped IPv6), x:y:z::/48 for IPv6; null if not an address. */
export function addressPrefix(address: string | undefined): string | null {
  if (!address) return null;
  const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(address)) return null;
  const bare = address.split('%')[0]!;
  const [head, tail] = bare.includes('::') ? bare.split('::') as [string, string] : [bare, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups.slice(0, 3).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/48`;
}

/** Record a failed (or locked-out) log-in: the typed name only as a keyed hash, the address only as its network. */
export async function auditFailedLogin(key: string, action: 'login_failed' | 'login_locked', typed: string | null, address: string | undefined, detail: Record<string, unknown> = {}): Promise<void> {
  await audit(null, action, typed ? typedNameHash(key, typed) : null, { ...detail, net: addressPrefix(address) });
}

/** Record one action. An audit failure is logged, never thrown at the person acting. */
export async function audit(actor: string | null, action: AuditAction, target: string | null = null, detail: Record<string, unknown> = {}): Promise<void> {
  try {
    await insertAuditEntry({ at: new Date(), actor, action, target, detail });
  } catch (err) {
    log.error('audit write failed', { action, err });
  }
}

/** One audit row as the console shows it; `targetUser`: the current user whose name a hashed target is. */
export interface AuditEntry { at: Date; actor: string | null; action: string; target: string | null; targetUser?: string; detail: Record<string, unknown> }

export type { AuditFilter } from './store';

/** One page of entries matching the filter, newest first, and how many match in all. */
export async function searchAudit(f: AuditFilter, limit: number, skip: number, key?: string): Promise<{ entries: AuditEntry[]; total: number }> {
  const [entries, total] = await Promise.all([listAudit(limit, skip, key, f), countAuditEntries(f)]);
  return { entries, total };
}

/** The newest entries first (those matching `filter`). With the hashing key, hashed names of current users are shown as those users. */
export async function listAudit(limit = 200, skip = 0, key?: string, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const n = (x: number, max: number, dflt: number) => (Number.isSafeInteger(x) && x >= 0 ? Math.min(x, max) : dflt);
  const rows = await findAuditEntries(filter, n(skip, 1_000_000, 0), n(limit, 1000, 200) || 200);
  const users = new Map<string, string>();
  if (key && rows.some((r) => r.target?.startsWith('h:'))) {
    for (const username of await allUsernames()) users.set(typedNameHash(key, username), username);
  }
  return rows.map((r) => {
    const targetUser = r.target ? users.get(r.target) : undefined;
    return { at: r.at, actor: r.actor ?? null, action: r.action, target: r.target ?? null, ...(targetUser ? { targetUser } : {}), detail: r.detail ?? {} };
  });
}
