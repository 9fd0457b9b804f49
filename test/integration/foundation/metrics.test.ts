/**
 * /metrics shows live counts of danger messages: only for whoever holds METRICS_TOKEN
 * (Authorization: Bearer), and without the setting only to loopback requests in development;
 * never in production without a token. Real service, real HTTP.
 */
import request from 'supertest';
import { startTestService } from '../../support/service';

const TOKEN = 'T9vQ2mXk7RzL4pWn8JcY3bHd6FsA1gEu';
/** Random production secrets (production refuses weak ones). */
const PRODUCTION = {
  NODE_ENV: 'production', PSEUDONYM_KEY: '767bc21d42ac1608fc9ae6ba5a569d44dbe5c6ae13310d34ca47d16e2a4922da',
  SESSION_SECRET: 'cdoXQReo_B-wZ3uONRKRfh3Fn78amziBY7AKx69mtUg', DATA_KEY: 'xXkMtTINakesPSwayGAH44KVtNfi1gNtp3sWFMoAihw=',
};

it('with METRICS_TOKEN: 401 without or with a wrong bearer token, the metrics with the right one', async () => {
  const svc = await startTestService({ METRICS_TOKEN: TOKEN });
  try {
    const none = await request(svc.url).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.text).not.toContain('gbv_danger_detected_total');
    expect((await request(svc.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await request(svc.url).get('/metrics').set('Authorization', `Basic ${TOKEN}`)).status).toBe(401);
    expect((await request(svc.url).get('/metrics').set('Authorization', 'Bearer ')).status).toBe(401);
    const ok = await request(svc.url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('gbv_danger_detected_total');
  } finally {
    await svc.close();
    svc.cleanup();
  }
});

it('in production without METRICS_TOKEN: refused, even from loopback', async () => {
  const svc = await startTestService(PRODUCTION);
  try {
    const r = await request(svc.url).get('/metrics');
    expect([401, 404]).toContain(r.status);
    expect(r.text).not.toContain('gbv_danger_detected_total');
    expect((await request(svc.url).get('/healthz')).status).toBe(200);
  } finally {
    await svc.close();
    svc.cleanup();
  }
});

it('in development without METRICS_TOKEN: loopback only, and not through a proxy', async () => {
  const svc = await startTestService();
  try {
    expect((await request(svc.url).get('/metrics')).status).toBe(200);
    const proxied = await request(svc.url).get('/metrics').set('X-Forwarded-For', '203.0.113.7');
    expect(proxied.status).toBe(404);
    expect(proxied.text).not.toContain('gbv_danger_detected_total');
    expect((await request(svc.url).get('/metrics').set('Forwarded', 'for=203.0.113.7')).status).toBe(404);
  } finally {
    await svc.close();
    svc.cleanup();
  }
});
