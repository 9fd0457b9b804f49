/**
 * Blocking a person who misuses the line (abuse of staff, spam), with a coded reason and a
 * duration. The block lives on the conversation (`blockedUntil`: the pipeline then answers
 * only with the emergency numbers and when they can write again) and is marked on the
 * person's handoff cases, so the console shows it on the case, in the queue and in the list
 * of current blocks, and any counsellor or manager can lift it. The person is told kindly,
 * with the emergency numbers, at once. Audit rows are written by the console routes.
 */
import type { Core } from './core';
import { caseByHid, caseIdsToMarkBlocked, casesBlockedAfter, HandoffCaseDoc, updateHandoffCase } from './store';
import { BLOCK_REASONS, BlockReason, MAX_BLOCK_HOURS, Result } from './types';

/** A current block as the console lists it (codes and times only). */
export interface BlockView { hid: string; channel: string; lang: string; reason: string | null; until: Date; by: string | null }

/** Block, unblock and list (part of HandoffActions). */
export interface BlockActions {
  block(actor: string, hid: string, hours: number, reason: BlockReason): Promise<Result<{ until: Date; pid: string }>>;
  unblock(actor: string, hid: string): Promise<Result<{ pid: string }>>;
  blocks(now?: Date): Promise<BlockView[]>;
}

const isReason = (r: string): r is BlockReason => (BLOCK_REASONS as readonly string[]).includes(r);

/** Build the block actions over the shared core. */
export function createBlockActions(core: Core): BlockActions {
  /** Mark (or clear) the block on every case of the person that is still open, and on this one. */
  async function mark(c: HandoffCaseDoc, set: Pick<HandoffCaseDoc, 'blockedUntil' | 'blockReason' | 'blockedBy'>): Promise<void> {
    for (const hid of await caseIdsToMarkBlocked(c.pid, c.hid)) await updateHandoffCase(c.pid, { hid }, { $set: { ...set, updatedAt: new Date() } });
  }

  async function block(actor: string, hid: string, hours: number, reason: BlockReason): Promise<Result<{ until: Date; pid: string }>> {
    if (!(Number.isFinite(hours) && hours > 0 && hours <= MAX_BLOCK_HOURS) || !isReason(reason)) return { ok: false, code: 'invalid' };
    const c = await caseByHid(hid);
    if (!c) return { ok: false, code: 'not_found' };
    const until = new Date(Date.now() + hours * 3_600_000);
    await core.deps.conversations.setBlockedUntil(c.pid, until);
    await mark(c, { blockedUntil: until, blockReason: reason, blockedBy: actor });
    // Kindly, with when they can write again, and always the emergency numbers (priority 0).
    await core.say(c.pid, [await core.text(c.pid, 'live.blocked', { until: core.localDateTime(until) }), await core.emergency(c.pid)], 0);
    await core.feed.publish({ kind: 'case', hid, counsellors: c.counsellorId ? [c.counsellorId] : [] });
    await core.feed.publish({ kind: 'queue', hid, counsellors: [] });
    return { ok: true, until, pid: c.pid };
  }

  async function unblock(_actor: string, hid: string): Promise<Result<{ pid: string }>> {
    const c = await caseByHid(hid);
    if (!c) return { ok: false, code: 'not_found' };
    if (!c.blockedUntil) return { ok: false, code: 'conflict' };
    await core.deps.conversations.setBlockedUntil(c.pid, null);
    await mark(c, { blockedUntil: null, blockReason: null, blockedBy: null });
    if (c.blockedUntil.getTime() > Date.now()) await core.say(c.pid, [await core.text(c.pid, 'live.unblocked')]);
    await core.feed.publish({ kind: 'case', hid, counsellors: c.counsellorId ? [c.counsellorId] : [] });
    await core.feed.publish({ kind: 'queue', hid, counsellors: [] });
    return { ok: true, pid: c.pid };
  }

  async function blocks(now = new Date()): Promise<BlockView[]> {
    const rows = await casesBlockedAfter(now);
    // One row per person: the case the block was set from (or the latest marked one).
    const byPid = new Map<string, HandoffCaseDoc>();
    for (const r of rows) {
      const prev = byPid.get(r.pid);
      if (!prev || r.updatedAt > prev.updatedAt) byPid.set(r.pid, r);
    }
    return [...byPid.values()].map((r) => ({ hid: r.hid, channel: r.channel, lang: r.lang, reason: r.blockReason ?? null, until: r.blockedUntil!, by: r.blockedBy ?? null }));
  }

  return { block, unblock, blocks };
}
