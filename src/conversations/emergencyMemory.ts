/**
 * Who got the emergency reply from memory lately: the priority lane sends it when a danger
 * message is received (dangerLane.ts), before the message is recorded or processed. While
 * the database is down, every delivery of a danger message is answered 503, the channel redelivers it, and
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
  /** Update key → the lane's send for that update (true once the channel took it). */
  private readonly early = new Map<string, Promise<boolean>>();

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

  /** The lane is sending the emergency reply of this update (key = inbox key): remember the outcome. */
  track(updateKey: string, sending: Promise<boolean>): void {
    this.early.delete(updateKey);
    if (this.early.size >= LIMIT) this.early.delete(this.early.keys().next().value!);
    this.early.set(updateKey, sending);
  }

  /**
   * Did the lane deliver the emergency reply of this update? Waits for a send still in
   * flight, so the step never drops its own emergency reply on a send that then fails.
   */
  answered(updateKey: string): Promise<boolean> {
    return this.early.get(updateKey) ?? Promise.resolve(false);
  }

  private evict(now: number): void {
    for (const [pid, at] of this.sentAt) if (now - at >= this.windowMs) this.sentAt.delete(pid);
    while (this.sentAt.size >= LIMIT) this.sentAt.delete(this.sentAt.keys().next().value!);
  }
}
