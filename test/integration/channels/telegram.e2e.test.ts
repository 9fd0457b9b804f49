/**
 * Telegram end to end: the REAL server (embedded DB, pipeline, outbox worker) with
 * TELEGRAM_API_ROOT pointing at a fake Bot API on 127.0.0.1. Updates are POSTed to
 * /webhooks/telegram as Telegram would; replies are read from what the fake recorded.
 */
import { inboxKey, InboxModel, InboxSeenModel } from '../../../src/conversations/store';
import { captureLogs } from '../../support/logs';
import { startTestService } from '../../support/service';
import { FakeTelegram, RecordedRequest, startFakeTelegram } from '../../fakes/fakeTelegram';
import { settled } from '../../support/settled';

const TOKEN = '123456:AAtest-token_xyz';
const SECRET = 'tg_webhook_secret-0123456789abcdef';
type Svc = Awaited<ReturnType<typeof startTestService>>;
let svc: Svc;
let fake: FakeTelegram;
const logs = captureLogs();

beforeAll(async () => {
  fake = await startFakeTelegram();
  // Open all day with a counsellor on duty: the bot offers consent only when someone can take the chat.
  svc = await startTestService({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url, OFFICE_HOURS: 'Mon-Sun 00:00-24:00' });
  await svc.wired.handoff.setOnline('lan', 'counsellor', true);
});
afterAll(async () => { await svc.close(); svc.cleanup(); await fake.close(); logs.stop(); });

let nextUpdate = 500_000;
const post = (body: unknown, secret: string | null = SECRET, raw?: string) => fetch(`${svc.url}/webhooks/telegram`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
  body: raw ?? JSON.stringify(body),
});
const textUpdate = (chat: number, text: string, updateId = nextUpdate++) => ({
  update_id: updateId,
  message: { message_id: updateId % 100000, date: Math.floor(Date.now() / 1000), from: { id: chat, is_bot: false, first_name: 'A' }, chat: { id: chat, type: 'private' }, text },
});
const tapUpdate = (chat: number, data: string, updateId = nextUpdate++) => ({
  update_id: updateId,
  callback_query: { id: `cbq-${updateId}`, chat_instance: '-1', from: { id: chat, is_bot: false, first_name: 'A' }, message: { message_id: 1, date: 1, chat: { id: chat, type: 'private' } }, data },
});

const keyboardOf = (r: RecordedRequest): string[] =>
  ((r.body.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).map((row) => row[0]!.callback_data);
const sendsTo = (chat: number) => fake.calls('sendMessage').filter((r) => String(r.body.chat_id) === String(chat));

/** A person in a chat: acts, then waits for the bot's reply carrying the expected buttons. */
function person(chat: number) {
  let seen = 0;
  const waitFor = async (pred: (r: RecordedRequest) => boolean, label: string) => {
    try {
      await fake.waitFor(() => sendsTo(chat).slice(seen).some(pred), 20_000);
    } catch {
      throw new Error(`no reply matching ${label}; got: ${JSON.stringify(sendsTo(chat).slice(seen).map((r) => [String(r.body.text).slice(0, 60), keyboardOf(r)]))}`);
    }
    const all = sendsTo(chat);
    const idx = all.findIndex((r, i) => i >= seen && pred(r));
    seen = idx + 1;
    return all[idx]!;
  };
  return {
    async say(text: string) { expect((await post(textUpdate(chat, text))).status).toBe(200); },
    async tap(data: string) { expect((await post(tapUpdate(chat, data))).status).toBe(200); },
    expectButton: (payload: string) => waitFor((r) => keyboardOf(r).includes(payload), `button ${payload}`),
    expectText: (re: RegExp) => waitFor((r) => re.test(String(r.body.text)), String(re)),
    expectAny: () => waitFor(() => true, 'any reply'),
  };
}

afterEach(() => {
  logs.assertAbsent(TOKEN, SECRET, '918273645', '918273646', '918273647', '918273648', 'Hà Nội', 'cbq-');
});

describe('Telegram webhook, end to end', () => {
  it('a whole conversation: welcome → legal info → services for a province → counsellor request → exit (and delete)', async () => {
    const p = person(918273645);
    await p.say('/start');
    await p.expectButton('rights');
    await p.tap('rights');
    await p.expectButton('legal_aid');
    await p.tap('rights');
    await p.expectButton('find_help');
    await p.tap('find_help');
    await p.expectAny(); // the province prompt
    await p.say('Hà Nội');
    await p.expectButton('other_province');
    await p.tap('counsellor');
    await p.expectButton('consent_yes');
    await p.tap('consent_yes');
    await p.expectButton('role_self');
    await p.tap('role_self');
    await p.expectButton('age_18_29');
    await p.tap('age_18_29');
    await p.expectAny();
    await p.say('Hà Nội');
    await p.expectAny(); // handoff requested
    await p.say('/exit');
    await p.expectButton('sys:delete_chat');
    await p.tap('sys:delete_chat');
    await p.expectAny();
    // Leave no trace: the bot asked Telegram to delete the person's and its own messages.
    const deleted = fake.calls('deleteMessages', true).filter((r) => String(r.body.chat_id) === '918273645');
    expect(deleted.length).toBeGreaterThan(0);
    expect((deleted[0]!.body.message_ids as number[]).length).toBeGreaterThan(3);
    // Every tap was answered (no spinner left), with webhookReply off: real API calls.
    await fake.waitFor(() => fake.calls('answerCallbackQuery').length >= 8);
  });

  it('answers a redelivered update once', async () => {
    const u = textUpdate(918273646, '/start');
    expect((await post(u)).status).toBe(200);
    expect((await post(u)).status).toBe(200);
    await person(918273646).expectButton('rights');
    await settled();
    expect(sendsTo(918273646).filter((r) => keyboardOf(r).includes('rights'))).toHaveLength(1);
    // Processed once: out of the inbox, in the seen log once.
    expect(await InboxModel.countDocuments({ _id: inboxKey('telegram', String(u.update_id)) })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: inboxKey('telegram', String(u.update_id)) })).toBe(1);
  });

  it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
    const u = textUpdate(918273647, 'hello');
    expect((await post(u, 'wrong-secret')).status).toBe(401);
    expect((await post(u, null)).status).toBe(401);
    await settled();
    expect(await InboxModel.countDocuments({ channel: 'telegram', updateId: String(u.update_id) })).toBe(0);
    expect(await InboxSeenModel.countDocuments({ _id: inboxKey('telegram', String(u.update_id)) })).toBe(0);
    expect(sendsTo(918273647)).toHaveLength(0);
  });

  it('answers malformed bodies 400, irrelevant updates 200 ignored, and stays ready', async () => {
    expect((await post(null, SECRET, 'not json{')).status).toBe(400);
    expect((await post({ update_id: 'x', message: {} })).status).toBe(400);
    const res = await post({ update_id: nextUpdate++, message: { message_id: 1, date: 1, chat: { id: -100, type: 'group' }, text: 'hi' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ignored: expect.any(String) });
    expect((await post({ update_id: nextUpdate++, edited_message: {} })).status).toBe(200);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
  });

  it('when the API answers 429 then 500, the replies are delivered later, in order, once', async () => {
    const chat = 918273648;
    fake.failNext(1, '429', { retryAfter: 1 });
    fake.failNext(1, '500');
    const p = person(chat);
    await p.say('/start');
    await p.expectButton('rights');
    await settled();
    const attempts = fake.calls('sendMessage', true).filter((r) => String(r.body.chat_id) === String(chat));
    expect(attempts.map((r) => r.status).slice(0, 2)).toEqual([429, 500]);
    const delivered = sendsTo(chat).map((r) => String(r.body.text));
    // The welcome comes before the menu, and nothing twice.
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(keyboardOf(sendsTo(chat)[delivered.length - 1]!)).toContain('rights');
    expect(delivered.length).toBeGreaterThanOrEqual(2);
  });
});
