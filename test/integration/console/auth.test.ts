/**
 * Console authentication and authorisation on the real server and database: log-in good,
 * bad and locked out; CSRF; every route refused without a session (fail closed); roles.
 */
import request from 'supertest';
import { typedNameHash } from '../../../src/console';
import { AuditModel, SessionModel, UserModel } from '../../../src/console/store';
import { captureLogs } from '../../support/logs';
import { ConsoleService, login, makeUser, post, startConsoleService } from './harness';

let cs: ConsoleService;
const logs = captureLogs();
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  cs = await startConsoleService();
  await makeUser('lan', 'counsellor');
  await makeUser('minh', 'counsellor');
  await makeUser('hoa', 'manager');
  await makeUser('root', 'admin');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); logs.stop(); });

describe('log-in', () => {
  it('logs in with the right password: httpOnly, SameSite=Strict session cookie stored in the database', async () => {
    const r = await request(cs.url).post('/console/api/login').send({ username: 'lan', password: PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ username: 'lan', role: 'counsellor' });
    expect(typeof r.body.csrfToken).toBe('string');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(await SessionModel.countDocuments({})).toBeGreaterThan(0);
    expect(await AuditModel.countDocuments({ actor: 'lan', action: 'login' })).toBe(1);
    logs.assertAbsent(PASSWORD);
  });

  it('refuses a wrong password and an unknown user with the same generic message', async () => {
    const a = await request(cs.url).post('/console/api/login').send({ username: 'lan', password: 'wrong password!!' });
    const b = await request(cs.url).post('/console/api/login').send({ username: 'nobody', password: 'wrong password!!' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error).toBe(b.body.error);
  });

  it('12 guesses at once are all counted: the place that guessed must wait, even with the right password; an admin can lift it', async () => {
    const guess = (i: number) => request(cs.url).post('/console/api/login').send({ username: 'minh', password: `bad-password-${i}` });
    await Promise.all(Array.from({ length: 12 }, (_, i) => guess(i)));
    const slowed = await request(cs.url).post('/console/api/login').send({ username: 'minh', password: PASSWORD });
    expect(slowed.status).toBe(401);
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(60); // 12 failures: minutes, not seconds
    expect(await AuditModel.countDocuments({ action: 'login_locked', target: typedNameHash(cs.svc.config.pseudonymKey, 'minh') })).toBeGreaterThan(0);
    const users = (await (await login(cs.url, 'root')).agent.get('/console/api/users')).body.users as { username: string; locked: boolean }[];
    expect(users.find((u) => u.username === 'minh')!.locked).toBe(true);
    // A manager cannot lift it; an admin can.
    expect((await post(await login(cs.url, 'hoa'), '/users/minh/unlock')).status).toBe(403);
    expect((await post(await login(cs.url, 'root'), '/users/minh/unlock')).status).toBe(200);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'minh', password: PASSWORD })).status).toBe(200);
  });

  it('logs out: the session is gone', async () => {
    const a = await login(cs.url, 'lan');
    expect((await a.agent.get('/console/api/me')).status).toBe(200);
    expect((await post(a, '/logout')).status).toBe(200);
    expect((await a.agent.get('/console/api/me')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without or with a wrong X-CSRF-Token', async () => {
    const a = await login(cs.url, 'lan');
    expect((await a.agent.post('/console/api/presence').send({ online: true })).status).toBe(403);
    expect((await a.agent.post('/console/api/presence').set('X-CSRF-Token', 'forged').send({ online: true })).status).toBe(403);
    expect((await post(a, '/presence', { online: true })).status).toBe(200);
  });

  it('accepts the log-in only as JSON (a cross-site form cannot post it)', async () => {
    const r = await request(cs.url).post('/console/api/login').type('form').send({ username: 'lan', password: PASSWORD });
    expect(r.status).toBe(415);
  });
});

describe('fail-closed routes', () => {
  it('every guarded console route answers 401/403 without a session', async () => {
    const table = (await import('../../../src/console')).createConsole(
      { env: 'test', sessionSecret: 'x', sessionIdleMs: 60_000 }, { handoff: cs.handoff }).routeTable;
    const guarded = table.filter((t) => t.guard.kind !== 'public');
    expect(guarded.length).toBeGreaterThan(20);
    for (const t of guarded) {
      const path = '/console' + t.path.replace(/:(\w+)/g, 'x1');
      const method = t.method === 'use' || t.method === 'get' ? 'get' : 'post';
      const r = await request(cs.url)[method](path).send({});
      expect([401, 403]).toContain(r.status);
    }
    const publicOnes = table.filter((t) => t.guard.kind === 'public').map((t) => t.path).sort();
    expect(publicOnes).toEqual(['/', '/api/login', '/static']);
  });

  it('serves the UI with a strict CSP and no inline script', async () => {
    const r = await request(cs.url).get('/console/');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(r.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(r.text).not.toMatch(/style="/);
    expect((await request(cs.url).get('/console/static/console.js')).status).toBe(200);
  });
});

describe('roles', () => {
  it('a counsellor cannot read reports, users or the audit log', async () => {
    const a = await login(cs.url, 'lan');
    expect((await a.agent.get('/console/reports')).status).toBe(403);
    expect((await a.agent.get('/console/api/users')).status).toBe(403);
    expect((await a.agent.get('/console/api/audit')).status).toBe(403);
    expect((await a.agent.get('/console/api/manager/overview')).status).toBe(403);
    expect((await post(a, '/users', { username: 'evil', role: 'admin', password: 'x'.repeat(20) })).status).toBe(403);
  });

  it('a manager reads users, the audit log (no message text) and the overview', async () => {
    const m = await login(cs.url, 'hoa');
    expect((await m.agent.get('/console/api/users')).body.users.map((u: { username: string }) => u.username)).toContain('lan');
    const audit = await m.agent.get('/console/api/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.some((e: { action: string }) => e.action === 'login')).toBe(true);
    expect((await m.agent.get('/console/api/manager/overview')).status).toBe(200);
    expect((await post(m, '/users', { username: 'newc', role: 'counsellor', password: 'short' })).status).toBe(400);
    expect((await post(m, '/users', { username: 'newc', role: 'counsellor', password: 'long enough pass' })).status).toBe(201);
  });

  it('a disabled user is logged out at once', async () => {
    const c = await login(cs.url, 'newc', 'long enough pass');
    const admin = await login(cs.url, 'root');
    expect((await post(admin, '/users/newc/disable')).status).toBe(200);
    expect((await c.agent.get('/console/api/queue')).status).toBe(401);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'newc', password: 'long enough pass' })).status).toBe(401);
  });
});

describe('npm run user', () => {
  it('adds (password from stdin, min 12), lists, disables and enables users, audited', async () => {
    const { runUserCommand } = await import('../../../src/cli/user');
    await expect(runUserCommand(['add', '--username', 'cli1', '--role', 'counsellor', '--password-stdin'], async () => 'short\n')).rejects.toThrow(/12/);
    await expect(runUserCommand(['add', '--username', 'cli1', '--role', 'counsellor'], async () => 'x')).rejects.toThrow(/stdin/);
    expect(await runUserCommand(['add', '--username', 'cli1', '--role', 'counsellor', '--password-stdin'], async () => 'a long cli password\n')).toEqual(['user cli1 added (counsellor)']);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'cli1', password: 'a long cli password' })).status).toBe(200);
    expect((await runUserCommand(['list'], async () => '')).some((l) => l.startsWith('cli1\tcounsellor\tenabled'))).toBe(true);
    await runUserCommand(['disable', '--username', 'cli1'], async () => '');
    expect((await request(cs.url).post('/console/api/login').send({ username: 'cli1', password: 'a long cli password' })).status).toBe(401);
    await runUserCommand(['enable', '--username', 'cli1'], async () => '');
    expect(await AuditModel.countDocuments({ actor: 'cli', action: { $in: ['user_add', 'user_disable', 'user_enable'] } })).toBe(3);
    const stored = await UserModel.findOne({ username: 'cli1' }).lean();
    expect(stored!.passwordHash).toMatch(/^\$2[aby]\$/);
  });
});
