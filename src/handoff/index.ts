/** The handoff area's public surface: the service, its pure helpers and its shapes. */
export { createHandoff } from './service';
export { eraseByPid as eraseHandoffByPid } from './store';
export { createHistory } from './history';
export type { EpisodeView, HandoffHistory } from './history';
export type { HandoffService } from './service';
export type { HandoffActions, QueueView, CaseView, FollowUpView, Overview, StaffView } from './actions';
export type { Supervision } from './supervision';
export { WATCH_FRESH_MS } from './supervision';
export type { LiveMessage } from './relay';
export { ChangeFeed } from './feed';
export type { Change } from './feed';
export { MOVES, isAllowed, move } from './transitions';
export type { MoveReason, StatusChange, MoveResult, AllowedMove } from './transitions';
export { parseOfficeHours, isOpen, nextOpening, closesAt, loadHolidays, inSafeWindow, SAFE_WINDOWS } from './officeHours';
export type { OfficeHours } from './officeHours';
export { orderQueue, positionOf, expectedWaitMinutes } from './queue';
export * from './types';
export type { BlockView } from './blocks';
