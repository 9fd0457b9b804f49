/** The conversations area: the pipeline from an inbound update to replies and events. */
export { ConversationPipeline } from './pipeline';
export type { PipelineDeps, ReceiveResult } from './pipeline';
export { createConversationControl } from './control';
export { receiveOrFallback } from './ingest';
export { EMERGENCY_REPEAT_MS, EmergencyMemory } from './emergencyMemory';
export type { Ingest } from './ingest';
export { DELETE_CHAT_PAYLOAD } from './system';
export { createEraseSink } from './erase';
export type { Eraser } from './erase';
export type { ConversationControl, ConversationStatus, ConversationView, EventContext, EventSink } from './types';
