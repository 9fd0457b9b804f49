/**
 * Addresses and log-in limits on the real server:
 * - TRUST_PROXY off (the default): a made-up X-Forwarded-For changes nothing; 40 guesses
 *   from one connection are throttled (before: every forged address got a fresh quota);
 * - successful log-ins do not count: one office behind one address logs in all day;
 * - TRUST_PROXY=loopback (a proxy on this machine): guessing from one client address slows
 *   that address only; the counsellor logging in from elsewhere is not slowed at all.
 */
import request from 'supertest';
import { parseTrustProxy } from '../../../src/config';
import { ConsoleService, makeUser, startConsoleService } from './harness';

const PASSWORD = 'correct horse battery';
const forged = (i: number) => `198.51.${i % 250}.${(i * 7) % 250}`;

describe('TRUST_PROXY off (default)', () => {
  let cs: ConsoleService;
  beforeAll(async () => { cs = await startConsoleService(); await makeUser('thu', 'counsellor'); });
  afterAll(async () => { await cs.close(); cs.svc.cleanup(); });

  it('successful log-ins do not count against the address', async () => {
    for (let i = 0; i < 35; i++) {
      expect((await request(cs.url).post('/console/api/login').send({ username: 'thu', password: PASSWORD })).status).toBe(200);
    }
  });

  it('a forged X-Forwarded-For does not escape the per-address limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await request(cs.url).post('/console/api/login').set('X-Forwarded-For', forged(i)).send({ username: `nobody${i}`, password: 'wrong password!!' });
      statuses.push(r.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
  });
});

describe('TRUST_PROXY=loopback (a proxy on this machine)', () => {
  let cs: ConsoleService;
  beforeAll(async () => { cs = await startConsoleService({ TRUST_PROXY: 'loopback' }); await makeUser('tam', 'counsellor'); });
  afterAll(async () => { await cs.close(); cs.svc.cleanup(); });

  it('guessing from one address slows that address only; the counsellor elsewhere logs in', async () => {
    const attacker = '203.0.113.66';
    for (let i = 0; i < 6; i++) await request(cs.url).post('/console/api/login').set('X-Forwarded-For', attacker).send({ username: 'tam', password: `guess-${i}` });
    const fromAttacker = await request(cs.url).post('/console/api/login').set('X-Forwarded-For', attacker).send({ username: 'tam', password: PASSWORD });
    expect(fromAttacker.status).toBe(401);
    expect(Number(fromAttacker.headers['retry-after'])).toBeGreaterThan(0);
    const fromOffice = await request(cs.url).post('/console/api/login').set('X-Forwarded-For', '192.0.2.10').send({ username: 'tam', password: PASSWORD });
    expect(fromOffice.status).toBe(200);
  });
});

it('TRUST_PROXY is read strictly: off, a hop count, or addresses', () => {
  expect(parseTrustProxy('off')).toBe(false);
  expect(parseTrustProxy('')).toBe(false);
  expect(parseTrustProxy('1')).toBe(1);
  expect(parseTrustProxy('10.0.0.0/8, loopback')).toBe('10.0.0.0/8,loopback');
  expect(() => parseTrustProxy('everyone')).toThrow(/TRUST_PROXY/);
});
