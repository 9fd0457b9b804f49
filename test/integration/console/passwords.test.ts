/**
 * Password strength wherever a password is set, on the real server and database: the
 * console's user creation, the console's password change, and `npm run user -- add`.
 * A refusal is a 400 with a reason in Vietnamese and English; nothing is stored.
 */
import request from 'supertest';
import { AuditModel, UserModel } from '../../../src/console/store';
import { captureLogs } from '../../support/logs';
import { ConsoleService, login, makeUser, post, startConsoleService } from './harness';

let cs: ConsoleService;
const logs = captureLogs();
const STRONG = 'tám con mèo ngủ trưa';

beforeAll(async () => {
  cs = await startConsoleService();
  await makeUser('hoa', 'manager');
  await makeUser('lan', 'counsellor');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); logs.stop(); });

describe('creating a user in the console', () => {
  it.each(['aaaaaaaaaaaa', '123456789012', 'password1234', 'qwertyuiopas'])('refuses %s with a reason, stores nothing', async (password) => {
    const m = await login(cs.url, 'hoa');
    const r = await post(m, '/users', { username: 'weak1', role: 'counsellor', password });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('weak_password');
    expect(r.body.reason).toMatch(/^Mật khẩu quá dễ đoán: .+ \/ The password is too easy to guess: .+/);
    expect(await UserModel.countDocuments({ username: 'weak1' })).toBe(0);
  });

  it('accepts a long phrase', async () => {
    const m = await login(cs.url, 'hoa');
    expect((await post(m, '/users', { username: 'strong1', role: 'counsellor', password: STRONG })).status).toBe(201);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'strong1', password: STRONG })).status).toBe(200);
  });
});

describe('changing one\'s own password in the console', () => {
  it('asks for the current password and refuses a weak new one', async () => {
    const a = await login(cs.url, 'lan');
    const wrong = await post(a, '/password', { current: 'not my password at all', password: STRONG });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toBe('wrong_password');
    const weak = await post(a, '/password', { current: 'correct horse battery', password: 'aaaaaaaaaaaa' });
    expect(weak.status).toBe(400);
    expect(weak.body.reason).toMatch(/lặp lại một ký tự.*repeats one character/);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'lan', password: 'correct horse battery' })).status).toBe(200);
  });

  it('changes it: the old one stops working, other sessions are logged out, this one stays, audited', async () => {
    const other = await login(cs.url, 'lan');
    const a = await login(cs.url, 'lan');
    const r = await post(a, '/password', { current: 'correct horse battery', password: STRONG });
    expect(r.status).toBe(200);
    expect((await a.agent.get('/console/api/me')).status).toBe(200);
    expect((await other.agent.get('/console/api/me')).status).toBe(401);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'lan', password: 'correct horse battery' })).status).toBe(401);
    expect((await request(cs.url).post('/console/api/login').send({ username: 'lan', password: STRONG })).status).toBe(200);
    expect(await AuditModel.countDocuments({ actor: 'lan', action: 'password_change' })).toBe(1);
    logs.assertAbsent(STRONG, 'correct horse battery');
  });

  it('needs a session and the CSRF token', async () => {
    expect((await request(cs.url).post('/console/api/password').send({ current: STRONG, password: STRONG })).status).toBe(401);
    const a = await login(cs.url, 'hoa');
    expect((await a.agent.post('/console/api/password').send({ current: 'correct horse battery', password: STRONG })).status).toBe(403);
  });
});

describe('npm run user -- add', () => {
  it('refuses a repetitive password with the reason, and adds with a strong one', async () => {
    const { runUserCommand } = await import('../../../src/cli/user');
    await expect(runUserCommand(['add', '--username', 'cli2', '--role', 'counsellor', '--password-stdin'], async () => 'aaaaaaaaaaaa\n'))
      .rejects.toThrow(/too easy to guess: it repeats one character/);
    expect(await UserModel.countDocuments({ username: 'cli2' })).toBe(0);
    expect(await runUserCommand(['add', '--username', 'cli2', '--role', 'counsellor', '--password-stdin'], async () => `${STRONG}\n`)).toEqual(['user cli2 added (counsellor)']);
  });
});
