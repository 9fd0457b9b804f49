/**
 * The explicit list of channel adapters (no registration by import side effects).
 * A channel without credentials is off; config.disabledChannels says why, once, at start-up.
 */
import type { Mount } from '../app';
import type { Config } from '../config';
import { Ingest, receiveOrFallback } from '../conversations';
import type { FieldCipher } from '../shared/crypto';
import { createMessengerAdapter } from './messenger';
import { createTelegramAdapter } from './telegram';
import type { ChannelAdapter } from './types';
import { createWebchat, Webchat } from './webchat';
import { createZaloAdapter, ZaloAdapter } from './zalo';

/** The enabled channels, their own routes, and their background work. */
export interface Channels {
  adapters: ChannelAdapter[];
  /** Routes a channel owns besides its POST webhook; mounted before the webhooks. */
  mounts: Mount[];
  zalo: ZaloAdapter | null;
  webchat: Webchat | null;
}

/** Build the enabled adapters and the channels' own routes (web chat, Messenger's handshake; the POST webhooks are mounted by wiring). */
export function buildAdapters(config: Config, deps: { cipher: FieldCipher; ingest: Ingest; onWebchatResumed?: (sid: string) => void }): Channels {
  const adapters: ChannelAdapter[] = [];
  const mounts: Mount[] = [];
  const telegram = createTelegramAdapter(config);
  if (telegram) adapters.push(telegram);
  const zalo = createZaloAdapter(config, deps.cipher);
  if (zalo) adapters.push(zalo);
  const messenger = createMessengerAdapter(config);
  if (messenger) {
    adapters.push(messenger);
    // The GET handshake; POST reaches the generic webhook handler mounted after it.
    mounts.push({ path: '/webhooks/messenger', router: messenger.handshake });
  }
  let webchat: Webchat | null = null;
  if (config.webchatEnabled) {
    const wc: Webchat = createWebchat(config, { cipher: deps.cipher, receive: (i) => receiveOrFallback(deps.ingest, wc.adapter, i), onResumed: deps.onWebchatResumed });
    adapters.push(wc.adapter);
    mounts.push({ path: '/chat', router: wc.router });
    webchat = wc;
  }
  return { adapters, mounts, zalo, webchat };
}
