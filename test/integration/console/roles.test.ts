/**
 * Who may manage whom, on the real server and database: a manager manages counsellors only
 * (never an admin, never another manager, not even themselves); an admin manages everyone.
 * A refused change leaves the target as it was: enabled and still logged in.
 */
import { UserModel } from '../../../src/console/store';
import { ConsoleService, login, makeUser, post, startConsoleService } from './harness';

let cs: ConsoleService;

beforeAll(async () => {
  cs = await startConsoleService();
  await makeUser('root', 'admin');
  await makeUser('hoa', 'manager');
  await makeUser('thu', 'manager');
  await makeUser('lan', 'counsellor');
});
afterAll(async () => { await cs.close(); cs.svc.cleanup(); });

const disabled = async (username: string) => (await UserModel.findOne({ username }).lean())!.disabled;

describe('a manager', () => {
  it('cannot disable (nor log out) an admin', async () => {
    const admin = await login(cs.url, 'root');
    const m = await login(cs.url, 'hoa');
    const r = await post(m, '/users/root/disable');
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('forbidden');
    expect(await disabled('root')).toBe(false);
    expect((await admin.agent.get('/console/api/me')).status).toBe(200);
    expect((await post(m, '/users/root/enable')).status).toBe(403);
  });

  it('cannot disable or enable another manager, nor themselves', async () => {
    const other = await login(cs.url, 'thu');
    const m = await login(cs.url, 'hoa');
    expect((await post(m, '/users/thu/disable')).status).toBe(403);
    expect(await disabled('thu')).toBe(false);
    expect((await other.agent.get('/console/api/me')).status).toBe(200);
    expect((await post(m, '/users/thu/enable')).status).toBe(403);
    expect((await post(m, '/users/hoa/disable')).status).toBe(403);
    expect(await disabled('hoa')).toBe(false);
  });

  it('cannot create a manager or an admin', async () => {
    const m = await login(cs.url, 'hoa');
    expect((await post(m, '/users', { username: 'newmgr', role: 'manager', password: 'tám con mèo ngủ trưa' })).status).toBe(403);
    expect((await post(m, '/users', { username: 'newadm', role: 'admin', password: 'tám con mèo ngủ trưa' })).status).toBe(403);
    expect(await UserModel.countDocuments({ username: { $in: ['newmgr', 'newadm'] } })).toBe(0);
  });

  it('manages counsellors: creates, disables (logging them out) and enables them', async () => {
    const m = await login(cs.url, 'hoa');
    expect((await post(m, '/users', { username: 'newc', role: 'counsellor', password: 'tám con mèo ngủ trưa' })).status).toBe(201);
    const c = await login(cs.url, 'lan');
    expect((await post(m, '/users/lan/disable')).status).toBe(200);
    expect((await c.agent.get('/console/api/me')).status).toBe(401);
    expect((await post(m, '/users/lan/enable')).status).toBe(200);
    expect(await disabled('lan')).toBe(false);
  });

  it('sees which users it may manage', async () => {
    const m = await login(cs.url, 'hoa');
    const users = (await m.agent.get('/console/api/users')).body.users as { username: string; manageable: boolean }[];
    const can = Object.fromEntries(users.map((u) => [u.username, u.manageable]));
    expect(can).toMatchObject({ root: false, hoa: false, thu: false, lan: true });
  });
});

describe('an admin', () => {
  it('manages everyone: creates a manager, disables (and logs out) a manager and enables them again', async () => {
    const admin = await login(cs.url, 'root');
    expect((await post(admin, '/users', { username: 'mgr2', role: 'manager', password: 'tám con mèo ngủ trưa' })).status).toBe(201);
    const other = await login(cs.url, 'thu');
    expect((await post(admin, '/users/thu/disable')).status).toBe(200);
    expect((await other.agent.get('/console/api/me')).status).toBe(401);
    expect((await post(admin, '/users/thu/enable')).status).toBe(200);
    const users = (await admin.agent.get('/console/api/users')).body.users as { username: string; manageable: boolean }[];
    expect(users.filter((u) => u.username !== 'root').every((u) => u.manageable)).toBe(true);
  });
});
