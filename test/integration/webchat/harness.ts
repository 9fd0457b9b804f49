/**
 * The real service (embedded DB, pipeline, engine, outbox) with the web chat at /chat, as
 * src/wiring.ts mounts it (the web chat is on unless WEBCHAT_ENABLED=false).
 */
import { startTestService } from '../../support/service';

/** A running service with the web chat; `url` serves /chat. */
export interface WebchatService {
  svc: Awaited<ReturnType<typeof startTestService>>;
  url: string;
  close(): Promise<void>;
}

/** Start it. */
export async function startWebchatService(env: Record<string, string> = {}): Promise<WebchatService> {
  const svc = await startTestService({ ...env, WEBCHAT_ENABLED: 'true' });
  return { svc, url: svc.url, close: async () => { await svc.close(); svc.cleanup(); } };
}
