/**
 * Relaying live messages. Person → counsellor: sealed into handoff_messages and announced
 * on the feed. Counsellor → person: sealed too, then sent through the outbox on the
 * person's own channel (in order, per conversation); the outbox's delivery outcome comes
 * back through onDelivery, so "window expired" or "failed" shows in the console instead
 * of vanishing. Text never reaches a log.
 */
import { withPidLock } from '../conversations/pidLock';
import type { ConversationControl } from '../conversations';
import type { DeliveryEvent } from '../outbox';
import { log } from '../observability/log';
import type { FieldCipher } from '../shared/crypto';
import type { ChangeFeed } from './feed';
import { caseByHid, deleteMessagesOf, HandoffMessageDoc, insertMessage, markMessageFailed, messagesAfter, nextMessageSeq, setDeliveryByOutboxId, setMessageOutboxId, updateHandoffCase } from './store';

/** A message as the console shows it. `text` of a system row is a code (e.g. 'person_left'). */
export interface LiveMessage { seq: number; from: HandoffMessageDoc['from']; text: string; at: Date; delivery: HandoffMessageDoc['delivery']; counsellorId: string | null }

/** Stores and moves live messages. */
export class Relay {
  constructor(private readonly cipher: FieldCipher, private readonly feed: ChangeFeed, private readonly conversations: ConversationControl) {}

  /** Store one message of a case with the next seq of that case. */
  async add(hid: string, pid: string, from: HandoffMessageDoc['from'], text: string, counsellorId: string | null, at = new Date()): Promise<number> {
    // Under the person's lock (src/locks; re-entrant: the pipeline already holds it for the person's own
    // messages): FerretDB applies $inc by read-then-rewrite, so a counsellor's message and the
    // person's arriving together could both get the same seq.
    return (await withPidLock(pid, async () => {
      const seq = await nextMessageSeq(hid, at);
      if (seq === null) throw new Error('relay: unknown case');
      await insertMessage({
        caseId: hid, pid, seq, from, counsellorId, textSealed: this.cipher.seal(text), at, updatedAt: at,
        delivery: from === 'counsellor' ? 'queued' : null, outboxId: null,
      });
      return seq;
    }))!;
  }

  /** The person wrote while queued or with a counsellor. */
  async fromPerson(hid: string, pid: string, counsellorId: string | null, text: string, at: Date): Promise<void> {
    await this.add(hid, pid, 'person', text, null, at);
    await updateHandoffCase(pid, { hid }, { $set: { lastPersonAt: at, updatedAt: new Date() } });
    await this.feed.publish({ kind: 'message', hid, counsellors: counsellorId ? [counsellorId] : [] });
  }

  /** The counsellor writes: stored, then sent on the person's channel through the outbox. */
  async fromCounsellor(hid: string, pid: string, counsellorId: string, text: string): Promise<{ seq: number }> {
    const at = new Date();
    const seq = await this.add(hid, pid, 'counsellor', text, counsellorId, at);
    try {
      const [outboxId] = await this.conversations.sendTexts(pid, [text], 'counsellor');
      await setMessageOutboxId(hid, seq, outboxId ?? null);
    } catch (err) {
      log.error('counsellor message could not be queued', { pid, err });
      await markMessageFailed(hid, seq);
    }
    await updateHandoffCase(pid, { hid }, { $set: { lastCounsellorAt: at, updatedAt: new Date() } });
    await this.feed.publish({ kind: 'message', hid, counsellors: [counsellorId] });
    return { seq };
  }

  /** Messages of a case in order, opened. */
  async list(hid: string, afterSeq = 0): Promise<LiveMessage[]> {
    const rows = await messagesAfter(hid, afterSeq);
    return rows.map((r) => ({ seq: r.seq, from: r.from, text: this.open(r.textSealed), at: r.at, delivery: r.delivery ?? null, counsellorId: r.counsellorId ?? null }));
  }

  /** Outbox outcome of a counsellor message. Retries once when it races our own outboxId write. */
  async onDelivery(e: DeliveryEvent, retry = true): Promise<void> {
    if (e.origin !== 'counsellor') return;
    const delivery = e.status === 'sent' ? 'sent' : e.status === 'window_expired' ? 'window_expired' : 'failed';
    const msg = await setDeliveryByOutboxId(e.outboxId, delivery);
    if (!msg) {
      if (retry) setTimeout(() => { void this.onDelivery(e, false).catch(() => undefined); }, 500).unref();
      return;
    }
    const c = await caseByHid(msg.caseId);
    await this.feed.publish({ kind: 'delivery', hid: msg.caseId, counsellors: c?.counsellorId ? [c.counsellorId] : [] });
  }

  /** Delete every live message of a case (on close, exit, abandonment). */
  async purge(hid: string): Promise<void> {
    await deleteMessagesOf(hid);
  }

  private open(sealed: string): string {
    try { return this.cipher.open(sealed); } catch { return ''; }
  }
}
