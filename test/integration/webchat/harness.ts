/**
 * The real service (embedded DB, pipeline, engine, outbox) with the web chat at /chat.
 * Once src/wiring.ts mounts /chat, the service is used as is. Until then this harness
 * composes the same parts the lead will wire (createWebchat with receiveOrFallback, and an
 * outbox worker for the web chat adapter) on a second HTTP server of the same process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../src/app';
import { createWebchat, Webchat } from '../../../src/channels/webchat';
import { receiveOrFallback } from '../../../src/conversations';
import { OutboxWorker } from '../../../src/outbox';
import { startTestService } from '../../support/service';

/** A running service with the web chat; `url` serves /chat. */
export interface WebchatService {
  svc: Awaited<ReturnType<typeof startTestService>>;
  url: string;
  /** True when the lead's wiring mounts /chat (no local composition). */
  wiredByLead: boolean;
  close(): Promise<void>;
}

/** Start it. */
export async function startWebchatService(env: Record<string, string> = {}): Promise<WebchatService> {
  const svc = await startTestService(env);
  if (svc.wired.mounts.some((m) => m.path === '/chat')) {
    return { svc, url: svc.url, wiredByLead: true, close: async () => { await svc.close(); svc.cleanup(); } };
  }
  const w = svc.wired;
  const ingest = { pipeline: w.pipeline, flows: w.flows, engineConfig: w.engineConfig };
  const wc: Webchat = createWebchat(svc.config, { cipher: w.cipher, receive: (i) => receiveOrFallback(ingest, wc.adapter, i) });
  const worker = new OutboxWorker([wc.adapter], w.outbox, w.cipher, { maxAttempts: svc.config.outboxMaxAttempts });
  worker.start();
  wc.start();
  const server = http.createServer(buildApp({ mounts: [{ path: '/chat', router: wc.router }] }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    svc, url, wiredByLead: false,
    async close() {
      wc.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await worker.stop();
      await svc.close();
      svc.cleanup();
    },
  };
}
