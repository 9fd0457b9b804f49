/**
 * Presence tied to the console's event streams. Every open console tab holds one stream
 * (GET /console/api/events); when the last stream of a user on this instance closes and,
 * after a grace period (a reload, a network blip, the stream's own 5-minute renewal), none
 * has come back and no heartbeat arrived from another instance, the user goes off duty: the
 * queue no longer counts on them and transfers stop. Going off duty by the switch and logging
 * out end presence at once (routes).
 */
import type { HandoffService } from '../handoff';
import { log } from '../observability/log';
import { audit } from './audit';

/** Default grace: longer than the 20 s heartbeat, so another instance's stream is noticed. */
export const PRESENCE_GRACE_MS = 45_000;

/** Counts open streams per user and ends presence after the last one closed. */
export class StreamPresence {
  private readonly open = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly handoff: HandoffService, private readonly graceMs = PRESENCE_GRACE_MS) {}

  /** A stream of this user opened. */
  opened(username: string): void {
    this.open.set(username, (this.open.get(username) ?? 0) + 1);
    const t = this.timers.get(username);
    if (t) { clearTimeout(t); this.timers.delete(username); }
  }

  /** A stream of this user closed; the last one starts the grace period. */
  closed(username: string, role: string): void {
    const n = (this.open.get(username) ?? 1) - 1;
    if (n > 0) { this.open.set(username, n); return; }
    this.open.delete(username);
    const closedAt = new Date();
    const t = setTimeout(() => {
      this.timers.delete(username);
      void this.endIfGone(username, role, closedAt).catch((err) => log.warn('could not end presence after the last console tab closed', { err }));
    }, this.graceMs);
    t.unref();
    this.timers.set(username, t);
  }

  /** Streams of this user open on this instance. */
  count(username: string): number {
    return this.open.get(username) ?? 0;
  }

  private async endIfGone(username: string, role: string, closedAt: Date): Promise<void> {
    if (this.count(username) > 0) return;
    // A heartbeat after the close came from a tab on another instance: still there.
    if (await this.handoff.seenSince(username, closedAt)) return;
    if (!(await this.handoff.presenceOf(username)).online) return;
    await this.handoff.setOnline(username, role, false);
    await audit(username, 'offline', null, { reason: 'tabs_closed' });
  }

  /** Stop pending timers (shutdown). */
  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
