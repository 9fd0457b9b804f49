/**
 * The foundation on the real embedded database: health, readiness, metrics, security
 * headers, error answers, and data that survives a restart.
 */
import request from 'supertest';
import { ConversationModel } from '../../../src/conversations/store';
import { startTestService, tempDir } from '../../support/service';

describe('service foundation', () => {
  const data = tempDir();
  afterAll(() => data.cleanup());

  it('answers health, readiness and metrics, with security headers and request ids', async () => {
    const svc = await startTestService({}, data.dir);
    try {
      const health = await request(svc.url).get('/healthz');
      expect(health.status).toBe(200);
      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(health.headers['x-powered-by']).toBeUndefined();

      const ready = await request(svc.url).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', database: 'up' });

      const metrics = await request(svc.url).get('/metrics');
      expect(metrics.status).toBe(200);
      for (const name of ['gbv_inbound_messages_total', 'gbv_danger_detected_total', 'gbv_handoff_requests_total', 'gbv_outbound_failures_total', 'process_resident_memory_bytes']) {
        expect(metrics.text).toContain(name);
      }

      const missing = await request(svc.url).get('/nope');
      expect(missing.status).toBe(404);
      expect(missing.text).not.toMatch(/at .*\.ts/);
    } finally {
      await svc.close();
    }
  });

  it('keeps data written before a restart', async () => {
    const first = await startTestService({}, data.dir);
    await ConversationModel.create({ pid: 'p'.repeat(64), channel: 'webchat', lastActivityAt: new Date(), createdAt: new Date(), state: { node: 'main' } });
    await first.close();

    const second = await startTestService({}, data.dir);
    try {
      const back = await ConversationModel.findOne({ pid: 'p'.repeat(64) }).lean();
      expect(back?.channel).toBe('webchat');
      expect(back?.state).toEqual({ node: 'main' });
      expect(back?.version).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('turns /readyz to 503 when the database stops', async () => {
    const svc = await startTestService({}, data.dir);
    try {
      await svc.db.devdb!.stop();
      let status = 0;
      for (let i = 0; i < 20 && status !== 503; i++) {
        status = (await request(svc.url).get('/readyz')).status;
        if (status !== 503) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(503);
      expect((await request(svc.url).get('/healthz')).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});
