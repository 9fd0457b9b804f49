/**
 * Who got the emergency reply from memory lately (database down). While the database is
 * down, every delivery of a danger message is answered 503, the channel redelivers it, and
 * each delivery reads as danger again: without this memory a person would get the same
 * emergency numbers once per delivery. Once per person within the window is enough.
 * In memory only (the database is what is missing), keyed by pid, bounded in size.
 */

/** How long one emergency reply from memory covers a person. */
export const EMERGENCY_REPEAT_MS = 5 * 60_000;
/** Most people remembered at once; the oldest are forgotten first. */
const LIMIT = 10_000;

/** Per-person times of the last emergency reply sent from memory. */
export class EmergencyMemory {
  private readonly sentAt = new Map<string, number>();

  constructor(private readonly windowMs = EMERGENCY_REPEAT_MS) {}

  /**
   * Claim the reply for this person: true when none was sent within the window (the caller
   * sends it now), false when one was. Claimed before sending, so parallel deliveries send once.
   */
  claim(pid: string, now = Date.now()): boolean {
    const last = this.sentAt.get(pid);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.sentAt.delete(pid);
    if (this.sentAt.size >= LIMIT) this.evict(now);
    this.sentAt.set(pid, now);
    return true;
  }

  /** The send failed: the next delivery must try again. */
  release(pid: string): void {
    this.sentAt.delete(pid);
  }

  private evict(now: number): void {
    for (const [pid, at] of this.sentAt) if (now - at >= this.windowMs) this.sentAt.delete(pid);
    while (this.sentAt.size >= LIMIT) this.sentAt.delete(this.sentAt.keys().next().value!);
  }
}
