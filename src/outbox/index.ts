/** The outbox area: enqueue replies; a leased worker per channel sends them in order. */
export { Outbox } from './service';
export { eraseDeliveredByPid, purgeDeliveredMarks, purgeFinishedRows } from './store';
export type { OutboxItem, EnqueueOptions } from './service';
export { OutboxWorker, backoffMs } from './worker';
export type { ConversationRows, DeliveryEvent, DeliveryListener } from './types';
export { LIMITS } from './rateLimit';
export type { ChannelLimits } from './rateLimit';
