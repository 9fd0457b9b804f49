/** Moved: the per-person lock lives in the locks area (src/locks); kept so this area's imports stay. */
export { PidBusyError, withPidLock } from '../locks';
