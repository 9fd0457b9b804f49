/**
 * Erase on request (Personal Data Protection Law 91/2025/QH15): the last sink of the
 * pipeline. On an `erase` event it runs each area's eraser (handoff, cases, outbox marks),
 * then deletes the conversation itself. It runs in flush(), after the step's state was
 * saved and its replies were enqueued, so nothing of this step re-creates the conversation;
 * the handoff sink before it has already ended an open case as an exit does.
 *
 * Audited without identifiers: a counter by channel and a log line with the channel and how
 * many documents went, never the pid.
 */
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { eraseByPid } from './store';
import type { EventSink } from './types';

/** One area's deletion for a pid; returns how many documents it deleted or unlinked. */
export type Eraser = (pid: string) => Promise<number>;

/** The erase sink: `erasers` of the other areas run first, the conversation goes last. */
export function createEraseSink(erasers: Record<string, Eraser>): EventSink {
  return {
    async onEvents(ctx, events) {
      if (!events.some((e) => e.type === 'erase')) return;
      const counts: Record<string, number> = {};
      const failed: string[] = [];
      // The pipeline holds the pid's lock: no other step or counsellor action writes meanwhile.
      // One area failing does not stop the others; the conversation goes last in any case.
      for (const [area, erase] of [...Object.entries(erasers), ['conversations', eraseByPid] as const]) {
        try {
          counts[area] = await erase(ctx.pid);
        } catch (err) {
          failed.push(area);
          log.error('erase on request failed in one area', { channel: ctx.channel, area, err: (err as Error).message });
        }
      }
      metrics.erasures.inc({ channel: ctx.channel });
      log.info('data erased on request', { channel: ctx.channel, ...counts, ...(failed.length ? { failed } : {}) });
    },
  };
}
