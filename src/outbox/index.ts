/** The outbox area: enqueue replies; a leased worker per channel sends them in order. */
export { Outbox } from './service';
export { eraseDeliveredByPid } from './store';
export type { OutboxItem, EnqueueOptions } from './service';
export { OutboxWorker, backoffMs } from './worker';
export type { DeliveryEvent, DeliveryListener } from './types';
export { LIMITS } from './rateLimit';
export type { ChannelLimits } from './rateLimit';
