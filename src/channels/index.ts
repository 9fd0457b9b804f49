/**
 * The explicit list of channel adapters (no registration by import side effects).
 * A channel without credentials is off; config.disabledChannels says why, once, at start-up.
 */
import type { Mount } from '../app';
import type { Config } from '../config';
import type { Ingest } from '../conversations';
import type { FieldCipher } from '../shared/crypto';
import { createTelegramAdapter } from './telegram';
import { createZaloAdapter } from './zalo';
import type { ChannelAdapter } from './types';

/** Build the enabled adapters and any routes of their own (the web chat page). */
export function buildAdapters(config: Config, deps: { cipher: FieldCipher; ingest: Ingest }): { adapters: ChannelAdapter[]; mounts: Mount[] } {
  const adapters: ChannelAdapter[] = [];
  const mounts: Mount[] = [];
  const telegram = createTelegramAdapter(config);
  if (telegram) adapters.push(telegram);
  const zalo = createZaloAdapter(config, deps.cipher);
  if (zalo) adapters.push(zalo);
  return { adapters, mounts };
}
