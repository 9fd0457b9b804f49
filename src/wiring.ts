/**
 * The composition of the areas: builds each area's services from the config and
 * returns the routers to mount and the workers to start. The only place (with
 * server.ts and main.ts) where concrete adapters are wired together.
 */
import type { Mount } from './app';
import { buildAdapters } from './channels';
import type { ChannelAdapter } from './channels/types';
import { Config } from './config';
import { ConversationPipeline, createConversationControl, Ingest, makeWebhookRouter } from './conversations';
import type { ConversationControl, EventSink } from './conversations';
import { REPO_ROOT } from './db/devdb';
import type { EngineConfig, FlowSet } from './engine';
import { loadFlowSet } from './flowset';
import { LIMITS, Outbox, OutboxWorker } from './outbox';
import { FieldCipher } from './shared/crypto';

/** What the areas give the server (and tests, which reach the services through it). */
export interface Wired {
  mounts: Mount[];
  flows: FlowSet;
  engineConfig: EngineConfig;
  cipher: FieldCipher;
  outbox: Outbox;
  pipeline: ConversationPipeline;
  control: ConversationControl;
  adapters: ChannelAdapter[];
  /** Start background workers (outbox, inbox recovery, cron jobs). */
  start(): void;
  /** Stop them, waiting for in-flight work. */
  stop(): Promise<void>;
}

/** Wire every area. */
export async function wireAreas(config: Config): Promise<Wired> {
  const flows = loadFlowSet(REPO_ROOT);
  const engineConfig: EngineConfig = { hotlineNumber: config.hotlineNumber, inactivityMs: config.inactivityMs, defaultLang: config.defaultLanguage };
  const cipher = new FieldCipher(config.dataKeys);
  const outbox = new Outbox(cipher);
  const sinks: EventSink[] = [];
  const pipeline = new ConversationPipeline({ flows, engineConfig, pseudonymKey: config.pseudonymKey, cipher, outbox, sinks });
  const control = createConversationControl({ flows, engineConfig, outbox });
  const ingest: Ingest = { pipeline, flows, engineConfig };

  const { adapters, mounts: channelMounts } = buildAdapters(config, { cipher, ingest });
  const worker = new OutboxWorker(adapters, outbox, cipher, {
    maxAttempts: config.outboxMaxAttempts,
    limits: { telegram: { ...LIMITS.telegram!, overallPerSecond: config.telegramMaxPerSecond, overallBurst: config.telegramMaxPerSecond } },
  });
  const mounts: Mount[] = [
    ...adapters.filter((a) => a.name !== 'webchat').map((a) => ({ path: `/webhooks/${a.name}`, router: makeWebhookRouter(ingest, a) })),
    ...channelMounts,
  ];

  return {
    mounts, flows, engineConfig, cipher, outbox, pipeline, control, adapters,
    start() {
      pipeline.start();
      worker.start();
    },
    async stop() {
      await pipeline.stop();
      await worker.stop();
    },
  };
}
