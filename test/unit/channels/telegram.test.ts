/**
 * Telegram adapter tables (courier-style IncomingTestCase): verify, parse, render, and
 * send/classify against the fake Bot API on 127.0.0.1.
 */
import type { Request } from 'express';
import { TelegramError } from 'telegraf';
import {
  classifyTelegramError, createTelegramAdapter, fitsCallbackData, parseTelegramBody, renderTelegram, splitText, verifyTelegram,
} from '../../../src/channels/telegram';
import type { Inbound, ParseResult } from '../../../src/channels/types';
import { loadConfig } from '../../../src/config';
import { matchOption } from '../../../src/engine';
import { runTelegramWebhook } from '../../../src/cli/telegramWebhook';
import { startFakeTelegram, FakeTelegram } from '../../fakes/fakeTelegram';

const SECRET = 'test_secret-123';
const req = (headers: Record<string, string>, body: unknown): Request => ({
  header: (name: string) => headers[name.toLowerCase()],
  body: typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body)),
}) as unknown as Request;

const msg = (extra: Record<string, unknown>, chat: Record<string, unknown> = { id: 4242, type: 'private' }) =>
  ({ update_id: 10001, message: { message_id: 5, date: 1735689600, from: { id: 4242, is_bot: false, first_name: 'An' }, chat, ...extra } });

describe('verifyTelegram', () => {
  const cases: { label: string; headers: Record<string, string>; ok: boolean }[] = [
    { label: 'right secret', headers: { 'x-telegram-bot-api-secret-token': SECRET }, ok: true },
    { label: 'wrong secret', headers: { 'x-telegram-bot-api-secret-token': 'nope' }, ok: false },
    { label: 'secret with a suffix', headers: { 'x-telegram-bot-api-secret-token': SECRET + 'x' }, ok: false },
    { label: 'empty header', headers: { 'x-telegram-bot-api-secret-token': '' }, ok: false },
    { label: 'no header', headers: {}, ok: false },
  ];
  it.each(cases)('$label', ({ headers, ok }) => {
    expect(verifyTelegram(req(headers, {}), SECRET)).toBe(ok);
  });
});

interface IncomingTestCase { label: string; body: unknown; kind: ParseResult['kind']; expect?: Partial<Inbound>; errors?: RegExp }
const AT = new Date('2025-01-01T00:00:00Z');
const incoming: IncomingTestCase[] = [
  { label: 'text message', body: msg({ text: 'xin chào' }), kind: 'updates',
    expect: { channel: 'telegram', channelUserId: '4242', updateId: '10001', kind: 'text', text: 'xin chào', messageId: '5', at: new Date(1735689600_000) } },
  { label: '/start command is text', body: msg({ text: '/start' }), kind: 'updates', expect: { kind: 'text', text: '/start' } },
  { label: 'big chat id kept exact', body: msg({ text: 'hi' }, { id: 4503599627370495, type: 'private' }), kind: 'updates', expect: { channelUserId: '4503599627370495' } },
  { label: 'voice', body: msg({ voice: { file_id: 'x', duration: 2 } }), kind: 'updates', expect: { kind: 'media', messageId: '5' } },
  { label: 'sticker', body: msg({ sticker: { file_id: 'x' } }), kind: 'updates', expect: { kind: 'media' } },
  { label: 'photo', body: msg({ photo: [{ file_id: 'x' }], caption: 'c' }), kind: 'updates', expect: { kind: 'media' } },
  { label: 'document', body: msg({ document: { file_id: 'x' } }), kind: 'updates', expect: { kind: 'media' } },
  { label: 'video', body: msg({ video: { file_id: 'x' } }), kind: 'updates', expect: { kind: 'media' } },
  { label: 'callback query', kind: 'updates',
    body: { update_id: 10002, callback_query: { id: 'cbq-1', chat_instance: '-8', from: { id: 4242, is_bot: false, first_name: 'An' }, message: { message_id: 6, date: 1, chat: { id: 4242, type: 'private' }, text: 'x' }, data: 'handoff' } },
    expect: { kind: 'choice', payload: 'handoff', callbackId: 'cbq-1', channelUserId: '4242', updateId: '10002', at: AT } },
  { label: 'callback on an inaccessible message uses from.id', kind: 'updates',
    body: { update_id: 10003, callback_query: { id: 'cbq-2', chat_instance: '-8', from: { id: 77, is_bot: false, first_name: 'An' }, data: 'menu' } },
    expect: { channelUserId: '77', payload: 'menu' } },
  { label: 'game callback without data', kind: 'ignored', body: { update_id: 3, callback_query: { id: 'q', chat_instance: '1', from: { id: 1 }, game_short_name: 'g' } } },
  { label: 'group message', body: msg({ text: 'hi' }, { id: -100, type: 'group' }), kind: 'ignored' },
  { label: 'supergroup message', body: msg({ text: 'hi' }, { id: -100123, type: 'supergroup' }), kind: 'ignored' },
  { label: 'edited message', body: { update_id: 4, edited_message: { message_id: 5, date: 1, chat: { id: 1, type: 'private' }, text: 'x' } }, kind: 'ignored' },
  { label: 'channel post', body: { update_id: 5, channel_post: { message_id: 5, date: 1, chat: { id: -1, type: 'channel' }, text: 'x' } }, kind: 'ignored' },
  { label: 'my_chat_member', body: { update_id: 6, my_chat_member: {} }, kind: 'ignored' },
  { label: 'service message (new member)', body: msg({ new_chat_members: [] }), kind: 'ignored' },
  { label: 'blank text', body: msg({ text: '   ' }), kind: 'ignored' },
  { label: 'not JSON', body: 'not json{', kind: 'invalid', errors: /not valid JSON/ },
  { label: 'JSON array', body: [1, 2], kind: 'invalid', errors: /JSON object/ },
  { label: 'missing update_id', body: { message: {} }, kind: 'invalid', errors: /update_id/ },
  { label: 'update_id as string', body: { update_id: '1', message: {} }, kind: 'invalid', errors: /update_id/ },
  { label: 'message without chat', body: { update_id: 1, message: { message_id: 1, date: 1, text: 'x' } }, kind: 'invalid', errors: /message\.chat/ },
  { label: 'chat id as string', body: msg({ text: 'x' }, { id: '4242', type: 'private' }), kind: 'invalid', errors: /chat\.id/ },
  { label: 'text not a string', body: msg({ text: 12 }), kind: 'invalid', errors: /message\.text/ },
  { label: 'callback without id', body: { update_id: 1, callback_query: { from: { id: 1 }, data: 'x' } }, kind: 'invalid', errors: /callback_query\.id/ },
];

describe('parseTelegramBody', () => {
  it.each(incoming)('$label → $kind', ({ body, kind, expect: want, errors }) => {
    const r = parseTelegramBody(typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body)), AT);
    expect(r.kind).toBe(kind);
    if (r.kind === 'updates' && want) expect(r.updates[0]).toMatchObject(want);
    if (r.kind === 'invalid' && errors) expect(r.errors.join('; ')).toMatch(errors);
  });
});

describe('render', () => {
  it('makes an inline keyboard, one numbered button per row, on the last part', () => {
    const [p] = renderTelegram({ text: 'Bạn cần gì?', options: [{ label: 'Gặp tư vấn viên', payload: 'counsellor' }, { label: 'Thoát', payload: 'exit' }] });
    expect(p!.reply_markup!.inline_keyboard).toEqual([[{ text: '1. Gặp tư vấn viên', callback_data: 'counsellor' }], [{ text: '2. Thoát', callback_data: 'exit' }]]);
  });
  it('keeps the engine numbering when a button has to be dropped', () => {
    const [p] = renderTelegram({ text: 'x', options: [{ label: 'A', payload: 'a'.repeat(65) }, { label: 'B', payload: 'b' }] });
    expect(p!.reply_markup!.inline_keyboard).toEqual([[{ text: '2. B', callback_data: 'b' }]]);
  });
  it('a typed number picks the option whose number the button shows', () => {
    const options = [{ label: 'Tìm trợ giúp', payload: 'find_help' }, { label: 'Thoát', payload: 'exit' }];
    const [p] = renderTelegram({ text: 'x', options });
    const shown = p!.reply_markup!.inline_keyboard.map((row) => row[0]!.text);
    shown.forEach((label, i) => expect(matchOption(options, label.split('.')[0]!)).toBe(i));
    // A label copied with its number still picks the same option.
    expect(matchOption(options, shown[1]!)).toBe(1);
  });

  const bytes: { payload: string; fits: boolean }[] = [
    { payload: 'a'.repeat(64), fits: true },
    { payload: 'a'.repeat(65), fits: false },
    { payload: 'ư'.repeat(32), fits: true }, // 2 bytes each = 64
    { payload: 'ư'.repeat(33), fits: false }, // 66 bytes although only 33 characters
    { payload: 'ệ'.repeat(22), fits: false }, // 3 bytes each = 66
    { payload: '', fits: false },
  ];
  it.each(bytes)('callback_data of $payload.length chars fits: $fits', ({ payload, fits }) => {
    expect(fitsCallbackData(payload)).toBe(fits);
    const parts = renderTelegram({ text: 'x', options: [{ label: 'L', payload }] });
    expect(parts[0]!.reply_markup?.inline_keyboard.length ?? 0).toBe(fits ? 1 : 0);
  });

  it('splits texts over 4096 characters at paragraph boundaries, keyboard last', () => {
    const para = (c: string) => c.repeat(1500);
    const text = [para('a'), para('b'), para('c'), para('d')].join('\n\n');
    const parts = renderTelegram({ text, options: [{ label: 'OK', payload: 'ok' }] });
    expect(parts.map((p) => p.text)).toEqual([`${para('a')}\n\n${para('b')}`, `${para('c')}\n\n${para('d')}`]);
    expect(parts[0]!.reply_markup).toBeUndefined();
    expect(parts[1]!.reply_markup).toBeDefined();
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(4096);
  });

  const splits: { label: string; text: string; max: number; parts: string[] }[] = [
    { label: 'short stays whole', text: 'abc', max: 10, parts: ['abc'] },
    { label: 'line break when no paragraph', text: 'aaaa\nbbbb\ncc', max: 10, parts: ['aaaa\nbbbb', 'cc'] },
    { label: 'space when no line break', text: 'aaaa bbbb cccc', max: 10, parts: ['aaaa bbbb', 'cccc'] },
    { label: 'hard cut for one long word', text: 'x'.repeat(25), max: 10, parts: ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)] },
    { label: 'no broken surrogate pair', text: 'x'.repeat(9) + '😀' + 'y', max: 10, parts: ['x'.repeat(9), '😀y'] },
  ];
  it.each(splits)('splitText: $label', ({ text, max, parts }) => {
    expect(splitText(text, max)).toEqual(parts);
  });
});

describe('classifyTelegramError', () => {
  const cases: { label: string; err: unknown; retryable: boolean; code: string; retryAfterMs?: number }[] = [
    { label: '429', err: new TelegramError({ error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 7 } }), retryable: true, code: 'rate_limited', retryAfterMs: 7000 },
    { label: '500', err: new TelegramError({ error_code: 500, description: 'Internal' }), retryable: true, code: 'server_error_500' },
    { label: '502', err: new TelegramError({ error_code: 502, description: 'Bad Gateway' }), retryable: true, code: 'server_error_502' },
    { label: '403 blocked', err: new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' }), retryable: false, code: 'forbidden' },
    { label: '400', err: new TelegramError({ error_code: 400, description: 'Bad Request' }), retryable: false, code: 'bad_request_400' },
    { label: 'network', err: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), retryable: true, code: 'network' },
    { label: 'timeout', err: Object.assign(new Error('aborted'), { name: 'AbortError' }), retryable: true, code: 'timeout' },
  ];
  it.each(cases)('$label', ({ err, retryable, code, retryAfterMs }) => {
    const r = classifyTelegramError(err);
    expect(r).toMatchObject({ ok: false, retryable, code });
    if (retryAfterMs) expect(r.retryAfterMs).toBe(retryAfterMs);
  });
});

describe('adapter against the fake Bot API', () => {
  let fake: FakeTelegram;
  beforeAll(async () => { fake = await startFakeTelegram(); });
  afterAll(async () => { await fake.close(); });
  const adapter = () => createTelegramAdapter(loadConfig({ NODE_ENV: 'test', TELEGRAM_BOT_TOKEN: '123:ABC', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url }))!;

  it('is null without Telegram settings', () => {
    expect(createTelegramAdapter(loadConfig({ NODE_ENV: 'test' }))).toBeNull();
  });

  it('sends, returns message ids, deletes first, and answers callbacks', async () => {
    const a = adapter();
    const r = await a.send('4242', { text: 'hello', options: [{ label: 'Menu', payload: 'main' }], deleteMessageIds: ['5', '6'] });
    expect(r).toEqual({ ok: true, messageIds: ['101'] });
    expect(fake.calls('deleteMessages')[0]!.body).toEqual({ chat_id: '4242', message_ids: [5, 6] });
    expect(fake.calls('sendMessage')[0]!.path).toBe('/bot123:ABC/sendMessage');
    await a.acknowledge!({ channel: 'telegram', channelUserId: '4242', updateId: '1', kind: 'choice', payload: 'x', callbackId: 'cbq-9', at: new Date() });
    expect(fake.calls('answerCallbackQuery')[0]!.body).toEqual({ callback_query_id: 'cbq-9' });
  });

  it('falls back to deleteMessage one by one and ignores failures', async () => {
    fake.failNext(1, '400', { apiMethod: 'deleteMessages' });
    fake.failNext(1, '400', { apiMethod: 'deleteMessage' });
    const r = await adapter().send('55', { text: 'deleted', deleteMessageIds: ['7', '8'] });
    expect(r.ok).toBe(true);
    expect(fake.calls('deleteMessage', true).map((c) => c.body.message_id)).toEqual([7, 8]);
  });

  it('maps 429 and 403 to retry decisions', async () => {
    const a = adapter();
    fake.failNext(1, '429', { retryAfter: 3 });
    expect(await a.send('60', { text: 'x' })).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
    fake.failNext(1, '403');
    expect(await a.send('60', { text: 'x' })).toMatchObject({ ok: false, retryable: false, code: 'forbidden' });
    fake.failNext(1, '500');
    expect(await a.send('60', { text: 'x' })).toMatchObject({ ok: false, retryable: true, code: 'server_error_500' });
    expect(fake.sent('60')).toEqual([]);
  });

  it('after a partial failure of a split reply, the retry sends only the missing part', async () => {
    const a = adapter();
    const long = `${'r'.repeat(4000)}\n\n${'s'.repeat(100)}`;
    fake.failNext(1, '500', { after: 1 });
    expect(await a.send('62', { text: long })).toMatchObject({ ok: false, retryable: true });
    expect(fake.sent('62')).toEqual(['r'.repeat(4000)]);
    const r = await a.send('62', { text: long });
    expect(r.ok && r.messageIds.length).toBe(2);
    expect(fake.sent('62')).toEqual(['r'.repeat(4000), 's'.repeat(100)]);
  });

  it('CLI --set registers the webhook with the secret, only our update kinds, and the commands; --info hides the token', async () => {
    const cfg = loadConfig({ NODE_ENV: 'test', TELEGRAM_BOT_TOKEN: '123:ABC', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url, PUBLIC_URL: 'https://bot.example.org' });
    await runTelegramWebhook(['--set'], cfg);
    expect(fake.calls('setWebhook')[0]!.body).toMatchObject({ url: 'https://bot.example.org/webhooks/telegram', secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    const cmds = fake.calls('setMyCommands').map((c) => c.body);
    expect(cmds).toHaveLength(2);
    expect(cmds[1]).toMatchObject({ language_code: 'en' });
    expect((cmds[0]!.commands as { command: string }[]).map((c) => c.command)).toEqual(['start', 'menu', 'exit', 'lang']);
    const info = (await runTelegramWebhook(['--info'], cfg)).join('\n');
    expect(info).not.toContain('123:ABC');
    await runTelegramWebhook(['--delete'], cfg);
    expect(fake.calls('deleteWebhook')).toHaveLength(1);
    await expect(runTelegramWebhook([], cfg)).rejects.toThrow(/usage/);
  });
});
