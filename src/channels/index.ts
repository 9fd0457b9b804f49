/**
 * The explicit list of channel adapters (no registration by import side effects).
 * A channel without credentials is off; config.disabledChannels says why, once, at start-up.
 */
import type { Mount } from '../app';
import type { Config } from '../config';
import type { Ingest } from '../conversations';
import type { FieldCipher } from '../shared/crypto';
import type { ChannelAdapter } from './types';

/** Build the enabled adapters and any routes of their own (the web chat page). */
export function buildAdapters(_config: Config, _deps: { cipher: FieldCipher; ingest: Ingest }): { adapters: ChannelAdapter[]; mounts: Mount[] } {
  const adapters: ChannelAdapter[] = [];
  const mounts: Mount[] = [];
  return { adapters, mounts };
}
