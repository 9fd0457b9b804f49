/**
 * The explicit list of channels (no registration by import side effects). Each channel
 * owns its routes (`<channel>/routes.ts`: webhook, verification, wire quirks); this list
 * builds the enabled ones and says where each route is mounted. A channel without
 * credentials is off; config.disabledChannels says why, once, at start-up.
 */
import type { Mount } from '../app';
import type { Config } from '../config';
import type { FieldCipher } from '../shared/crypto';
import { createMessengerAdapter, messengerRoutes, MESSENGER_WEBHOOK_PATH } from './messenger';
import { createTelegramAdapter, telegramRoutes, TELEGRAM_WEBHOOK_PATH } from './telegram';
import type { ChannelAdapter, Receive } from './types';
import { createWebchat, Webchat, WEBCHAT_PATH } from './webchat';
import { createZaloAdapter, ZaloAdapter, zaloRoutes, ZALO_WEBHOOK_PATH } from './zalo';

/** The enabled channels, their routes, and their background work. */
export interface Channels {
  adapters: ChannelAdapter[];
  /** Every enabled channel's routes, for app.ts to mount. */
  mounts: Mount[];
  zalo: ZaloAdapter | null;
  webchat: Webchat | null;
}

/** What the channels need from the rest of the service. */
export interface ChannelDeps {
  cipher: FieldCipher;
  /** Records what a person did (the pipeline with the danger fallback); throws when the database is down. */
  receive: Receive;
  /** A person came back to the web chat with their resume code. */
  onWebchatResumed?: (sid: string) => void;
}

/** Build the enabled channels and their routes. */
export function buildChannels(config: Config, deps: ChannelDeps): Channels {
  const adapters: ChannelAdapter[] = [];
  const mounts: Mount[] = [];
  const telegram = createTelegramAdapter(config);
  if (telegram) {
    adapters.push(telegram);
    mounts.push({ path: TELEGRAM_WEBHOOK_PATH, router: telegramRoutes(telegram, deps.receive) });
  }
  const zalo = createZaloAdapter(config, deps.cipher);
  if (zalo) {
    adapters.push(zalo);
    mounts.push({ path: ZALO_WEBHOOK_PATH, router: zaloRoutes(zalo, deps.receive) });
  }
  const messenger = createMessengerAdapter(config);
  if (messenger) {
    adapters.push(messenger);
    mounts.push({ path: MESSENGER_WEBHOOK_PATH, router: messengerRoutes(messenger, deps.receive) });
  }
  let webchat: Webchat | null = null;
  if (config.webchatEnabled) {
    const wc: Webchat = createWebchat(config, { cipher: deps.cipher, receive: (i) => deps.receive(wc.adapter, i), onResumed: deps.onWebchatResumed });
    adapters.push(wc.adapter);
    mounts.push({ path: WEBCHAT_PATH, router: wc.router });
    webchat = wc;
  }
  return { adapters, mounts, zalo, webchat };
}
