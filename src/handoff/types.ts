/** Shapes the handoff area shares with the console, the cases area and the lead's wiring. */
import type { ConversationControl } from '../conversations';
import type { FlowSet } from '../engine';
import type { FieldCipher } from '../shared/crypto';

import type { Disposition } from '../cases';
import type { Result as SharedResult } from '../shared/result';

/** The disposition recorded on close (codes only, no text): the cases area's, which owns the codes. */
export type { Disposition };

/** What the cases area records about a handoff (its `recordHandoff`). */
export interface HandoffRecord {
  type: 'queued' | 'claimed' | 'abandoned' | 'cancelled' | 'closed';
  at: Date;
  danger?: boolean;
  disposition?: Disposition;
}

/** The part of the cases service the handoff uses. */
export interface CaseRecorder {
  recordHandoff(pid: string, e: HandoffRecord): Promise<void>;
}

/** Settings the handoff needs (subset of Config). */
export interface HandoffConfig {
  officeHours: string;
  holidaysFile: string;
  tzReports?: string;
  hotlineNumber?: string;
  caseloadLimit: number;
  handoffWaitLimitMs: number;
  handoffIdleMs: number;
  caseNoteRetentionDays: number;
  /** Days a follow-up stays open and a web chat return code is valid (FOLLOWUP_DAYS, default 3). */
  followUpDays?: number;
  /** Wrap-up after closing a case: no transfer reaches the counsellor for this long (WRAPUP_MINUTES, default 2). */
  wrapUpMs?: number;
}

/** What createHandoff needs. */
export interface HandoffDeps {
  conversations: ConversationControl;
  cases: CaseRecorder;
  cipher: FieldCipher;
  flows?: FlowSet;
  /**
   * Hours the person's channel still lets a counsellor write after the person's last message
   * (ChannelAdapter.replyWindowHours); undefined: no limit. The console shows the time left.
   */
  replyWindowHours?: (channel: string) => number | undefined;
  /** Well-known node ids (defaults: 'counsellor.safe_time', 'feedback.start', 'counsellor.unavailable'). */
  nodes?: { safeTime?: string; feedback?: string; unavailable?: string };
}

/** A typed expected outcome (STYLE habit 7a); routes map codes to HTTP statuses. */
export type Result<T extends object = object> = SharedResult<T, FailCode>;
/** Codes of expected failures. */
export type FailCode = 'not_found' | 'conflict' | 'forbidden' | 'caseload_full' | 'not_online' | 'closed_hours' | 'outside_window' | 'invalid' | 'in_wrapup';

/**
 * Why a counsellor blocked someone: a code chosen from this list, never free text about the
 * person. The console labels them (i18n 'block.reason.*').
 */
export const BLOCK_REASONS = ['abusive_to_staff', 'sexual_harassment_of_staff', 'threats_to_staff', 'spam_or_prank'] as const;
export type BlockReason = typeof BLOCK_REASONS[number];
/** Longest block (hours): 30 days. */
export const MAX_BLOCK_HOURS = 24 * 30;
