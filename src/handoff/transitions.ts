/**
 * The one owner of a conversation's handoff status (STYLE habit 9). Every move is in
 * this table and goes through ConversationControl.transition, a conditional update: when
 * two actors race (two counsellors, a claim and an exit), exactly one wins and the other
 * learns it from the `false` result. Each successful move emits a StatusChange carrying
 * waitingSince, so the queue and the console update at once.
 */
import type { ConversationControl, ConversationStatus } from '../conversations';
import type { Result } from '../shared/result';

/** Why a status moves. */
export type MoveReason = 'request' | 'followup' | 'claim' | 'cancel' | 'out_of_hours' | 'release' | 'transfer' | 'close' | 'exit' | 'abandon';

/** One allowed move. */
export interface AllowedMove { from: ConversationStatus; to: ConversationStatus; reasons: MoveReason[] }

/**
 * The table of allowed moves. Anything not listed is refused before touching the DB.
 * `closed` (an expired conversation) counts as the bot owning it.
 */
export const MOVES: readonly AllowedMove[] = [
  { from: 'bot', to: 'queued', reasons: ['request', 'followup'] },
  { from: 'closed', to: 'queued', reasons: ['request', 'followup'] },
  { from: 'queued', to: 'with_counsellor', reasons: ['claim'] },
  { from: 'queued', to: 'bot', reasons: ['cancel', 'out_of_hours', 'exit', 'abandon'] },
  { from: 'with_counsellor', to: 'queued', reasons: ['release'] },
  { from: 'with_counsellor', to: 'with_counsellor', reasons: ['transfer'] },
  { from: 'with_counsellor', to: 'bot', reasons: ['close', 'exit', 'abandon'] },
];

/** True when the table allows moving from → to for this reason. */
export function isAllowed(from: ConversationStatus, to: ConversationStatus, reason: MoveReason): boolean {
  return MOVES.some((m) => m.from === from && m.to === to && m.reasons.includes(reason));
}

/** Emitted after every successful move. @example { pid, hid: 'h1', from: 'bot', to: 'queued', reason: 'request', waitingSince, at } */
export interface StatusChange {
  pid: string;
  hid: string;
  from: ConversationStatus;
  to: ConversationStatus;
  reason: MoveReason;
  waitingSince: Date;
  at: Date;
}

/** Result of a move: done, refused by the table, or lost a race (status had changed). */
export type MoveResult = Result<object, 'not_allowed' | 'conflict'>;

/**
 * Move a conversation's status. `set` patches the conversation's `handoff` fields in the
 * same atomic write. The caller's own case record is updated by the caller after a win.
 */
export async function move(
  control: Pick<ConversationControl, 'transition'>,
  change: Omit<StatusChange, 'at'>,
  set: Record<string, unknown>,
  emit: (c: StatusChange) => void,
): Promise<MoveResult> {
  if (!isAllowed(change.from, change.to, change.reason)) return { ok: false, code: 'not_allowed' };
  const from: ConversationStatus[] = change.from === 'bot' ? ['bot', 'closed'] : [change.from];
  const won = await control.transition(change.pid, from, change.to, set);
  if (!won) return { ok: false, code: 'conflict' };
  emit({ ...change, at: new Date() });
  return { ok: true };
}
