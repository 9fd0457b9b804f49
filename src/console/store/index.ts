/**
 * Every database query of the console, by topic: users, sessions, the audit log, failed
 * log-ins, and the shift data (handover notes, quick texts). The rules around them
 * (passwords, throttling, who may do what) live outside this folder.
 */
export * from './users';
export * from './sessions';
export * from './audit';
export * from './loginThrottle';
export * from './shifts';
