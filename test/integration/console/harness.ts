/**
 * A real service with the handoff and the console, for the console tests: the service's own
 * /console, wired by src/wiring.ts like every other area.
 */
import request from 'supertest';
import type { CaseService } from '../../../src/cases';
import { addUser } from '../../../src/console';
import type { HandoffService } from '../../../src/handoff';
import { startTestService } from '../../support/service';

type Svc = Awaited<ReturnType<typeof startTestService>>;

/** A running service with the console reachable at `url + '/console'`. */
export interface ConsoleService { svc: Svc; url: string; handoff: HandoffService; cases: CaseService; close(): Promise<void> }

/** Open all day, every day, so tests do not depend on the clock. */
export const ALWAYS_OPEN = { OFFICE_HOURS: 'Mon-Sun 00:00-24:00' };

/** Start the service (+ console). */
export async function startConsoleService(env: Record<string, string> = {}, dataDir?: string): Promise<ConsoleService> {
  const svc = await startTestService({ ...ALWAYS_OPEN, ...env }, dataDir);
  return { svc, url: svc.url, handoff: svc.wired.handoff, cases: svc.wired.cases, close: async () => { await svc.close(); } };
}

/** Create a user (directly through the users service). */
export async function makeUser(username: string, role: 'counsellor' | 'supervisor' | 'manager' | 'admin', password = 'correct horse battery'): Promise<void> {
  const r = await addUser({ operator: 'test' }, { username, role, password });
  if (!r.ok && r.code !== 'exists') throw new Error(`makeUser: ${r.code}`);
}

/** A logged-in agent with its CSRF token. */
export interface Agent { agent: ReturnType<typeof request.agent>; csrf: string; username: string }

/** Log in; throws unless 200. */
export async function login(url: string, username: string, password = 'correct horse battery'): Promise<Agent> {
  const agent = request.agent(url);
  const r = await agent.post('/console/api/login').send({ username, password });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  return { agent, csrf: r.body.csrfToken as string, username };
}

/** POST with the CSRF token. */
export function post(a: Agent, path: string, body: unknown = {}) {
  return a.agent.post(`/console/api${path}`).set('X-CSRF-Token', a.csrf).send(body as object);
}

/** Wait until fn() is truthy (polling). */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 8000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Telegram button press (callback_query) from a private chat. */
let cbId = 1;
export function tapUpdate(chatId: number, data: string, updateId: number): Record<string, unknown> {
  return {
    update_id: updateId,
    callback_query: { id: `cb${cbId++}`, from: { id: chatId, is_bot: false, first_name: 'Lan' }, chat_instance: 'ci', data, message: { message_id: 1, date: 1735689600, chat: { id: chatId, type: 'private' } } },
  };
}
