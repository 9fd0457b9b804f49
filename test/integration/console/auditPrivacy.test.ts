/**
 * The audit log of failed log-ins keeps no typed name and no full address: a keyed hash of
 * what was typed (it may be a password typed in the wrong box) and the network (/24, /48).
 * Staff actions keep the staff member's name. Entries older than AUDIT_RETENTION_DAYS are
 * deleted by the retention job. Real server, real database.
 */
import request from 'supertest';
import { addressPrefix, typedNameHash } from '../../../src/console';
import { AuditModel } from '../../../src/console/store';
import { createJobs } from '../../../src/jobs';
import { ConsoleService, login, makeUser, startConsoleService } from './harness';

let cs: ConsoleService;
const TYPED = 'Mật-khẩu-bí-mật-2026!';

beforeAll(async () => {
  cs = await startConsoleService({ AUDIT_RETENTION_DAYS: '30' });
  await makeUser('lan', 'counsellor');
  await makeUser('hoa', 'manager');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); });

describe('a failed log-in in the audit log', () => {
  it('keeps a keyed hash of the typed name and the network, never the name or the full address', async () => {
    expect((await request(cs.url).post('/console/api/login').send({ username: TYPED, password: 'whatever it was' })).status).toBe(401);
    const rows = await AuditModel.find({ action: 'login_failed' }).lean();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(TYPED);
    expect(JSON.stringify(rows)).not.toMatch(/127\.0\.0\.1/);
    expect(rows[0]!.actor).toBeNull();
    expect(rows[0]!.target).toBe(typedNameHash(cs.svc.config.pseudonymKey, TYPED));
    expect(rows[0]!.target).toMatch(/^h:[0-9a-f]{32}$/);
    expect(rows[0]!.detail).toEqual({ net: '127.0.0.0/24' });
  });

  it('shows managers which current user a hashed name is; a successful log-in keeps the staff member\'s name', async () => {
    expect((await request(cs.url).post('/console/api/login').send({ username: 'lan', password: 'not the password' })).status).toBe(401);
    const m = await login(cs.url, 'hoa');
    const entries = (await m.agent.get('/console/api/audit')).body.entries as { action: string; actor: string | null; target: string | null; targetUser?: string }[];
    const failed = entries.filter((e) => e.action === 'login_failed');
    expect(failed.find((e) => e.targetUser === 'lan')?.target).toBe(typedNameHash(cs.svc.config.pseudonymKey, 'lan'));
    expect(failed.find((e) => e.target === typedNameHash(cs.svc.config.pseudonymKey, TYPED))?.targetUser).toBeUndefined();
    expect(entries.some((e) => e.action === 'login' && e.actor === 'hoa')).toBe(true);
    expect(await AuditModel.countDocuments({ action: { $in: ['login_failed', 'login_locked'] }, target: { $in: ['lan', TYPED] } })).toBe(0);
  });
});

describe('addressPrefix', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'], ['::ffff:198.51.100.9', '198.51.100.0/24'], ['2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd::/48'],
    ['2001:db8::7', '2001:db8:0::/48'], ['::1', '0:0:0::/48'], ['not an address', null], [undefined, null],
  ] as const)('%s → %s', (address, prefix) => { expect(addressPrefix(address)).toBe(prefix); });
});

describe('retention', () => {
  it('deletes audit entries older than AUDIT_RETENTION_DAYS in the daily retention job', async () => {
    const now = new Date();
    const day = 86_400_000;
    await AuditModel.collection.insertMany([
      { at: new Date(now.getTime() - 31 * day), actor: null, action: 'login_failed', target: 'h:old', detail: {} },
      { at: new Date(now.getTime() - 29 * day), actor: 'lan', action: 'login', target: null, detail: {} },
    ]);
    const jobs = createJobs(cs.svc.config, { sweeps: [], holder: 'audit-retention', now: () => now });
    expect(await jobs.runNow('retention')).toBe(true);
    expect(await AuditModel.countDocuments({ target: 'h:old' })).toBe(0);
    expect(await AuditModel.countDocuments({ at: new Date(now.getTime() - 29 * day) })).toBe(1);
    expect(await AuditModel.countDocuments({ action: 'login_failed' })).toBeGreaterThan(0); // today's stay
  });
});
