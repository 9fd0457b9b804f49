/**
 * The composition of the areas: builds each area's services from the config and
 * returns the routers to mount and the workers to start. The only place (with
 * server.ts and main.ts) where concrete adapters are wired together.
 */
import type { Mount } from './app';
import { buildChannels } from './channels';
import type { ChannelAdapter, Receive } from './channels/types';
import { CaseService, createCases, unlinkCasesByPid } from './cases';
import { Config } from './config';
import { createConsole, forgetPidInAudit, purgeHandoverNotes, purgeLoginFailures } from './console';
import { ConversationPipeline, createConversationControl, createEraseSink, EmergencyMemory, Ingest, receiveOrFallback } from './conversations';
import type { ConversationControl, EventSink } from './conversations';
import { conversationAddress, keepSentMessageIds, lastInboundAt } from './conversations/store';
import { REPO_ROOT } from './db/devdb';
import type { EngineConfig, FlowSet } from './engine';
import { loadFlowSet } from './flowset';
import { createHandoff, eraseHandoffByPid, HandoffService } from './handoff';
import { createJobs, Jobs, rollupFoldJob } from './jobs';
import { log } from './observability/log';
import { eraseDeliveredByPid, LIMITS, Outbox, OutboxWorker } from './outbox';
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
  cases: CaseService;
  handoff: HandoffService;
  jobs: Jobs;
  /** Start background workers (outbox, inbox recovery, web chat sweep, cron jobs). */
  start(): void;
  /** Stop them, waiting for in-flight work. */
  stop(): Promise<void>;
}

/** Wire every area. */
export async function wireAreas(config: Config): Promise<Wired> {
  const flows = loadFlowSet(REPO_ROOT);
  const engineConfig: EngineConfig = { hotlineNumber: config.hotlineNumber, caseNoteDays: config.caseNoteRetentionDays, retentionDays: config.retentionDays, inactivityMs: config.inactivityMs, defaultLang: config.defaultLanguage };
  const cipher = new FieldCipher(config.dataKeys);
  // The outbox reads and writes conversation rows through these (it does not import conversations).
  const outbox = new Outbox(cipher, { addressOf: conversationAddress, lastInboundAt, keepMessageIds: keepSentMessageIds });
  const control = createConversationControl({ flows, engineConfig, outbox });
  const cases = createCases(config);
  // The adapters are built below (they need the ingest); the console asks for reply windows later.
  let adapterList: ChannelAdapter[] = [];
  const replyWindowHours = (channel: string) => adapterList.find((a) => a.name === channel)?.replyWindowHours;
  const handoff = createHandoff(config, { conversations: control, cases, cipher, flows, replyWindowHours });
  // Cases first: the handoff's recordHandoff calls then find the episode already open.
  // Erase last: the handoff sink has ended an open case (as an exit) and cases recorded it.
  const erase = createEraseSink({ handoff: eraseHandoffByPid, cases: unlinkCasesByPid, outbox: eraseDeliveredByPid, audit: forgetPidInAudit });
  const sinks: EventSink[] = [cases, handoff.sink, erase];
  const emergencies = new EmergencyMemory();
  const pipeline = new ConversationPipeline({ flows, engineConfig, pseudonymKey: config.pseudonymKey, cipher, outbox, sinks, line: handoff.line, timeZone: config.tzReports, emergencies, backlog: config.backlog });
  outbox.onDelivery((e) => handoff.onDelivery(e));
  const ingest: Ingest = { pipeline, flows, engineConfig, emergencies };

  // A person back on the web chat with their resume code: the console shows the follow-up was read.
  const onWebchatResumed = (sid: string) => {
    const pid = pipeline.pidOf({ channel: 'webchat', channelUserId: sid });
    void handoff.personReturned(pid).catch((err) => log.warn('could not record a return to the web chat', { pid, err }));
  };
  // What every channel's route does with a person's message: record it, or answer danger from memory.
  const receive: Receive = (adapter, inbound) => receiveOrFallback(ingest, adapter, inbound);
  const channels = buildChannels(config, { cipher, receive, onWebchatResumed });
  const { adapters } = channels;
  adapterList = adapters;
  const worker = new OutboxWorker(adapters, outbox, cipher, {
    maxAttempts: config.outboxMaxAttempts,
    limits: { telegram: { ...LIMITS.telegram!, overallPerSecond: config.telegramMaxPerSecond, overallBurst: config.telegramMaxPerSecond } },
  });

  const jobs = createJobs(config, {
    sweeps: [
      { name: 'handoff-sweep', cron: '* * * * *', run: (now) => handoff.sweep(now) },
      rollupFoldJob,
      ...(channels.zalo ? [{ name: 'zalo-token-refresh', cron: '17 */6 * * *', run: async () => { await channels.zalo!.tokens.ensureFresh(); } }] : []),
    ],
    purges: [
      { name: 'console-login-failures', run: (_before, now) => purgeLoginFailures(now) },
      { name: 'console-handover-notes', run: (_before, now) => purgeHandoverNotes(new Date(now.getTime() - config.handoverNoteHours * 3_600_000)) },
    ],
  });

  const mounts: Mount[] = [
    ...channels.mounts,
    { path: '/console', router: createConsole(config, { handoff, flows }) },
  ];

  return {
    mounts, flows, engineConfig, cipher, outbox, pipeline, control, adapters, cases, handoff, jobs,
    start() {
      pipeline.start();
      worker.start();
      channels.webchat?.start();
      if (config.jobsEnabled) jobs.start();
      else log.info('cron jobs disabled in this instance (JOBS_ENABLED=false)');
    },
    async stop() {
      channels.webchat?.stop(); // ends open streams first, so the HTTP server can close at once
      handoff.stop();
      await jobs.stop();
      await pipeline.stop();
      await worker.stop();
    },
  };
}
