/**
 * A bounded wait for "nothing else happened" assertions. Instead of sleeping a fixed time and
 * hoping any extra reply would have come by then, wait until the service has no work left:
 * no update waiting in the inbox and no reply waiting or in flight in the outbox. The pipeline
 * enqueues an update's replies before it removes the update from the inbox, and the outbox
 * removes a reply only after the channel (a fake on loopback) has recorded it, so once both
 * are empty every reply the service will ever make for what it received has been sent.
 */
import { InboxModel } from '../../src/conversations/store';
import { OutboxModel } from '../../src/outbox/store';

const POLL_MS = 100;

/** Resolves once inbox and outbox are empty on two looks in a row; throws after `maxMs`. */
export async function settled(maxMs = 30_000): Promise<void> {
  const end = Date.now() + maxMs;
  let quietLooks = 0;
  for (;;) {
    const busy = await InboxModel.exists({ status: 'pending' }) ?? await OutboxModel.exists({ status: { $in: ['pending', 'sending'] } });
    quietLooks = busy ? 0 : quietLooks + 1;
    if (quietLooks >= 2) return;
    if (Date.now() > end) throw new Error(`the service still had work after ${maxMs} ms (inbox or outbox not empty)`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
