/**
 * Web chat end to end on the real service: page → POST /chat/send → inbox → engine →
 * outbox worker → adapter.send → webchat_messages → live stream, on the embedded DB.
 */
import { ConversationModel, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import { pseudonymousId } from '../../../src/shared/crypto';
import { captureLogs } from '../../support/logs';
import { ChatClient, clientId, SseReader } from './client';
import { startWebchatService, WebchatService } from './harness';
import { settled } from '../../support/settled';

let ws: WebchatService;
const logs = captureLogs();

beforeAll(async () => { ws = await startWebchatService(); });
afterAll(async () => { await ws.close(); logs.stop(); });

const payloadsOf = (m: { options?: { payload: string }[] }) => (m.options ?? []).map((o) => o.payload);

/** Wait for a reply after index `from` matching pred; returns its index. */
async function waitReply(sse: SseReader, from: number, pred: (m: ReturnType<SseReader['messages']>[number]) => boolean, what: string): Promise<number> {
  await sse.waitFor(() => sse.messages().slice(from).some(pred), 20_000, what);
  return sse.messages().findIndex((m, i) => i >= from && pred(m));
}

describe('web chat, end to end', () => {
  it('welcome → a menu choice → a typed message; replies arrive in order', async () => {
    const c = new ChatClient(ws.url);
    const page = await c.open();
    expect(page.html).toContain('data-fresh="1"');
    const sse = c.stream();
    expect((await c.post('/send', { id: clientId(), payload: 'menu' })).status).toBe(200);
    let at = await waitReply(sse, 0, (m) => payloadsOf(m).includes('find_help'), 'main menu');
    expect(sse.messages()[0]!.text.length).toBeGreaterThan(20); // the welcome/privacy notice comes first

    expect((await c.post('/send', { id: clientId(), payload: 'rights' })).status).toBe(200);
    at = await waitReply(sse, at + 1, (m) => payloadsOf(m).length > 0, 'rights menu');

    expect((await c.post('/send', { id: clientId(), text: 'tôi muốn tìm trợ giúp ở Hà Nội' })).status).toBe(200);
    await waitReply(sse, at + 1, () => true, 'answer to typed text');

    const seqs = sse.messages().map((m) => m.seq!);
    expect(seqs.every((s) => typeof s === 'number')).toBe(true);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    sse.close();
    logs.assertAbsent(c.sid, 'tôi muốn tìm trợ giúp', 'Hà Nội');
  });

  it('a retried message (same client id) is answered once', async () => {
    const c = new ChatClient(ws.url);
    await c.open();
    const sse = c.stream();
    await c.post('/send', { id: clientId(), payload: 'menu' });
    const at = await waitReply(sse, 0, (m) => payloadsOf(m).includes('find_help'), 'main menu');
    const id = clientId();
    const first = await c.post('/send', { id, payload: 'find_help' });
    const again = await c.post('/send', { id, payload: 'find_help' });
    expect(first.json).toEqual({ status: 'accepted' });
    expect(again.json).toEqual({ status: 'duplicate' });
    await waitReply(sse, at + 1, () => true, 'find_help answer');
    await settled(); // a second answer, if there were one, has been delivered by now
    const after = sse.messages().slice(at + 1);
    const pid = pseudonymousId(ws.svc.config.pseudonymKey, 'webchat', c.sid);
    expect(await InboxModel.countDocuments({ pid })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: { $regex: `:${id}$` } })).toBe(1);
    // One step's worth of replies: the find_help prompt is not repeated.
    const texts = after.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    sse.close();
  });

  it('quick exit clears the cookie and the conversation state', async () => {
    const c = new ChatClient(ws.url);
    await c.open();
    const sse = c.stream();
    await c.post('/send', { id: clientId(), payload: 'menu' });
    const at = await waitReply(sse, 0, (m) => payloadsOf(m).includes('find_help'), 'main menu');
    await c.post('/send', { id: clientId(), payload: 'find_help' });
    await waitReply(sse, at + 1, () => true, 'find_help answer');
    const pid = pseudonymousId(ws.svc.config.pseudonymKey, 'webchat', c.sid);
    const sid = c.sid;
    const r = await c.post('/exit', '');
    expect(r.status).toBe(204);
    expect(c.setCookies.find((s) => s.startsWith('sid='))).toMatch(/^sid=;.*Max-Age=0/);
    // The engine processed the exit.
    const until = Date.now() + 10_000;
    for (;;) {
      const pending = await InboxModel.countDocuments({ pid, status: 'pending' });
      if (pending === 0) break;
      if (Date.now() > until) throw new Error('exit not processed');
      await new Promise((res) => setTimeout(res, 100));
    }
    const conv = await ConversationModel.findOne({ pid }).lean<Record<string, unknown>>();
    // Either the conversation is gone, or its state is back to a blank start.
    const state = conv?.state as { node?: string | null; stack?: string[]; privacyShown?: boolean } | undefined;
    if (state) expect(state).toMatchObject({ node: null, stack: [], privacyShown: false });
    sse.close();
    logs.assertAbsent(sid);
  });
});
