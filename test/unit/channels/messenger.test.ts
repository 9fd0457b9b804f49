/**
 * Messenger adapter tables: signature and handshake, event parsing (batches, echoes,
 * postbacks, quick replies, attachments, stale replays), quick replies vs numbered lines and
 * splitting, the messaging window, Graph error classification, the profile.
 */
import type { Request } from 'express';
import {
  classifyGraphError, messagingMode, MESSENGER_EVENT_MAX_AGE_MS, MESSENGER_STALE_EVENT, messengerHandshake, messengerProfile,
  parseMessengerBody, renderMessenger, verifyMessenger,
} from '../../../src/channels/messenger';
import type { Outbound } from '../../../src/channels/types';
import { signMessenger } from '../../fakes/fakeMessenger';

const SECRET = 'app-secret-1';
const NOW = new Date('2026-11-29T10:00:00Z');
const T = NOW.getTime() - 5_000;
const HOUR = 3_600_000;
const req = (raw: string, sig?: string): Request => ({
  header: (n: string) => (n.toLowerCase() === 'x-hub-signature-256' ? sig : undefined), body: Buffer.from(raw),
}) as unknown as Request;
const page = (...messaging: unknown[]) => Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '1', time: T, messaging }] }));
const from = (psid: string, rest: Record<string, unknown>) => ({ sender: { id: psid }, recipient: { id: '1' }, timestamp: T, ...rest });

describe('verifyMessenger: X-Hub-Signature-256 over the raw body', () => {
  const raw = '{"object":"page","entry":[]}';
  it.each([
    ['the right signature', signMessenger(raw, SECRET), true],
    ['upper-case hex', signMessenger(raw, SECRET).toUpperCase().replace('SHA256=', 'sha256='), true],
    ['another secret', signMessenger(raw, 'other'), false],
    ['the bare digest without sha256=', signMessenger(raw, SECRET).slice(7), false],
    ['a SHA-1 style header value', 'sha1=' + '0'.repeat(40), false],
    ['missing', undefined, false],
    ['empty', '', false],
  ])('%s → %s', (_l, sig, ok) => {
    expect(verifyMessenger(req(raw, sig as string | undefined), SECRET)).toBe(ok);
  });
  it('a re-serialised body does not match (the exact bytes are signed)', () => {
    const sig = signMessenger(raw, SECRET);
    expect(verifyMessenger(req(JSON.stringify(JSON.parse(raw), null, 1), sig), SECRET)).toBe(false);
  });
});

describe('messengerHandshake', () => {
  const q = (o: Record<string, string>) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '123', ...o });
  it.each([
    [q({}), { ok: true, challenge: '123' }],
    [q({ 'hub.verify_token': 'nope' }), { ok: false, status: 403 }],
    [q({ 'hub.mode': 'unsubscribe' }), { ok: false, status: 403 }],
    [q({ 'hub.challenge': '<b>x</b>' }), { ok: false, status: 400 }],
    [{ 'hub.mode': 'subscribe' }, { ok: false, status: 400 }],
  ])('%j → %j', (query, want) => { expect(messengerHandshake(query, 'vt')).toEqual(want); });
});

describe('parseMessengerBody', () => {
  it('turns a batch into inbounds in order: text, quick reply, postback, attachment', () => {
    const r = parseMessengerBody(Buffer.from(JSON.stringify({ object: 'page', entry: [
      { id: '1', time: T, messaging: [from('a', { message: { mid: 'm1', text: 'xin chào' } }), from('a', { message: { mid: 'm2', text: '1. Có', quick_reply: { payload: 'consent_yes' } } })] },
      { id: '1', time: T, messaging: [from('b', { postback: { mid: 'm3', title: 'Menu', payload: 'menu' } }), from('c', { message: { mid: 'm4', attachments: [{ type: 'audio' }] } })] },
    ] })), NOW);
    expect(r).toEqual({ kind: 'updates', updates: [
      { channel: 'messenger', channelUserId: 'a', updateId: 'm1', at: new Date(T), kind: 'text', text: 'xin chào' },
      { channel: 'messenger', channelUserId: 'a', updateId: 'm2', at: new Date(T), kind: 'choice', payload: 'consent_yes' },
      { channel: 'messenger', channelUserId: 'b', updateId: 'm3', at: new Date(T), kind: 'choice', payload: 'menu' },
      { channel: 'messenger', channelUserId: 'c', updateId: 'm4', at: new Date(T), kind: 'media' },
    ] });
  });

  it('ignores echoes, deliveries, reads and reactions; other objects too', () => {
    const r = parseMessengerBody(page(
      from('1', { message: { mid: 'e1', is_echo: true, text: 'Xin chào' } }),
      from('a', { delivery: { mids: ['m1'], watermark: T } }), from('a', { read: { watermark: T } }),
      from('a', { reaction: { mid: 'm1', action: 'react', emoji: '❤' } }),
    ), NOW);
    expect(r).toMatchObject({ kind: 'ignored' });
    expect(parseMessengerBody(Buffer.from('{"object":"instagram","entry":[]}'), NOW)).toMatchObject({ kind: 'ignored' });
  });

  it('a postback without mid gets a stable id that does not contain the page-scoped id', () => {
    const body = page(from('7391045823901001', { postback: { title: 'Get Started', payload: 'menu' } }));
    const a = parseMessengerBody(body, NOW);
    const b = parseMessengerBody(body, NOW);
    const id = a.kind === 'updates' ? a.updates[0]!.updateId : '';
    expect(id).toMatch(/^pb-[0-9a-f]{40}$/);
    expect(id).not.toContain('7391045823901001');
    expect(b.kind === 'updates' && b.updates[0]!.updateId).toBe(id);
  });

  it('ignores events older than the seen log keeps ids (replays)', () => {
    const old = { ...from('a', { message: { mid: 'old', text: 'hi' } }), timestamp: NOW.getTime() - MESSENGER_EVENT_MAX_AGE_MS - 1 };
    expect(parseMessengerBody(page(old), NOW)).toEqual({ kind: 'ignored', reason: MESSENGER_STALE_EVENT });
    const fresh = parseMessengerBody(page(old, from('a', { message: { mid: 'new', text: 'hi' } })), NOW);
    expect(fresh.kind === 'updates' && fresh.updates.map((u) => u.updateId)).toEqual(['new']);
  });

  it.each([
    ['not JSON', Buffer.from('{x'), /not valid JSON/],
    ['no entry', Buffer.from('{"object":"page"}'), /entry/],
    ['a message without mid', page(from('a', { message: { text: 'x' } })), /entry\.0\.messaging\.0\.message\.mid/],
    ['a message without sender', page({ timestamp: T, message: { mid: 'm', text: 'x' } }), /sender/],
    ['a postback without payload', page(from('a', { postback: { title: 'x' } })), /postback\.payload/],
  ])('%s → invalid naming the field', (_l, raw, re) => {
    const r = parseMessengerBody(raw, NOW);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.errors.join(' ')).toMatch(re);
  });

  it('empty text without attachments is ignored', () => {
    expect(parseMessengerBody(page(from('a', { message: { mid: 'm', text: '   ' } })), NOW)).toMatchObject({ kind: 'ignored' });
  });
});

describe('renderMessenger: quick replies or numbered lines, 2,000-character parts', () => {
  const opts = (n: number, label = (i: number) => `Mục ${i}`) => Array.from({ length: n }, (_, i) => ({ label: label(i + 1), payload: `p${i + 1}` }));
  it('up to 13 short options become numbered chips', () => {
    const [m] = renderMessenger({ text: 'Chọn', options: opts(13) });
    expect(m!.text).toBe('Chọn');
    expect(m!.quick_replies).toHaveLength(13);
    expect(m!.quick_replies![12]).toEqual({ content_type: 'text', title: '13. Mục 13', payload: 'p13' });
  });
  it.each([
    ['14 options', { text: 'Chọn', options: opts(14) }],
    ['one title over 20 characters', { text: 'Chọn', options: [{ label: 'Có', payload: 'y' }, { label: 'Nói chuyện với tư vấn viên', payload: 'c' }] }],
  ])('%s → every option as a numbered line, no chips', (_l, out: Outbound) => {
    const [m] = renderMessenger(out);
    expect(m!.quick_replies).toBeUndefined();
    expect(m!.text.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(out.options!.length);
  });
  it('counts composed letters: a decomposed Vietnamese title that fits after NFC stays a chip', () => {
    const label = 'Quyền của tôi ở'.normalize('NFD');
    expect(`1. ${label}`.length).toBeGreaterThan(20);
    expect(renderMessenger({ text: 'x', options: [{ label, payload: 'r' }] })[0]!.quick_replies).toHaveLength(1);
  });
  it('splits long texts at 2,000 characters; chips ride on the last part', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Đoạn ${i} ` + 'chữ '.repeat(30)).join('\n\n');
    const parts = renderMessenger({ text, options: opts(2) });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(2000);
    expect(parts.slice(0, -1).every((p) => !p.quick_replies)).toBe(true);
    expect(parts[parts.length - 1]!.quick_replies).toHaveLength(2);
    expect(parts.map((p) => p.text).join('').replace(/\s+/g, '')).toBe(text.normalize('NFC').replace(/\s+/g, ''));
  });
});

describe('messagingMode: the 24-hour window and the human-agent tag', () => {
  const at = (h: number) => new Date(NOW.getTime() - h * HOUR);
  it.each([
    ['no context (answering a message just received)', undefined, false, 'RESPONSE'],
    ['bot, 23 h', { origin: 'bot' as const, lastInboundAt: at(23) }, true, 'RESPONSE'],
    ['bot, 25 h, even with the permission', { origin: 'bot' as const, lastInboundAt: at(25) }, true, null],
    ['system, 25 h', { origin: 'system' as const, lastInboundAt: at(25) }, true, null],
    ['counsellor, 23 h', { origin: 'counsellor' as const, lastInboundAt: at(23) }, false, 'RESPONSE'],
    ['counsellor, 25 h, no permission', { origin: 'counsellor' as const, lastInboundAt: at(25) }, false, null],
    ['counsellor, 25 h, permission', { origin: 'counsellor' as const, lastInboundAt: at(25) }, true, 'HUMAN_AGENT'],
    ['counsellor, 6 days 23 h, permission', { origin: 'counsellor' as const, lastInboundAt: at(167) }, true, 'HUMAN_AGENT'],
    ['counsellor, 7 days, permission', { origin: 'counsellor' as const, lastInboundAt: at(168) }, true, null],
    ['conversation gone', { origin: 'counsellor' as const }, true, null],
    ['a minute short of 24 h is kept as margin', { origin: 'bot' as const, lastInboundAt: new Date(NOW.getTime() - 24 * HOUR + 30_000) }, false, null],
  ])('%s', (_l, ctx, human, want) => {
    const m = messagingMode(ctx, NOW.getTime(), human);
    if (want === null) expect(m).toBeNull();
    else if (want === 'RESPONSE') expect(m).toEqual({ messaging_type: 'RESPONSE' });
    else expect(m).toEqual({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });
});

describe('classifyGraphError', () => {
  it.each([
    [429, undefined, '2', { retryable: true, code: 'rate_limited', retryAfterMs: 2000 }],
    [400, { code: 613 }, '', { retryable: true, code: 'rate_limited', retryAfterMs: 15_000 }],
    [400, { code: 4 }, '', { retryable: true, code: 'rate_limited' }],
    [400, { code: 10, error_subcode: 2018278 }, '', { retryable: false, windowExpired: true, code: 'window_expired' }],
    [500, { code: 1 }, '', { retryable: true, code: 'server_error_500' }],
    [400, { code: 2 }, '', { retryable: true, code: 'graph_2' }],
    [400, { code: 1200 }, '', { retryable: true }],
    [400, { code: 100, is_transient: true }, '', { retryable: true }],
    [400, { code: 190 }, '', { retryable: false, code: 'token_invalid' }],
    [400, { code: 551 }, '', { retryable: false, code: 'person_unavailable' }],
    [400, { code: 100, error_subcode: 2018001 }, '', { retryable: false, code: 'graph_100_2018001' }],
    [403, undefined, '', { retryable: false, code: 'http_403' }],
  ])('HTTP %s %j', (status, error, after, want) => {
    expect(classifyGraphError(status, error, after)).toMatchObject({ ok: false, ...want });
  });
});

describe('messengerProfile', () => {
  const titles: Record<string, Record<string, string>> = {
    vi: { menu: 'Menu chính', counsellor: 'Nói chuyện với tư vấn viên', exit: 'Thoát nhanh' },
    en: { menu: 'Main menu', counsellor: 'Talk to a counsellor', exit: 'Quick exit' },
  };
  it('Get Started opens the menu; the persistent menu has menu, counsellor, exit per locale', () => {
    const p = messengerProfile('vi', ['vi', 'en'], (lang, item) => titles[lang]![item]!) as { get_started: unknown; persistent_menu: { locale: string; call_to_actions: { title: string; payload: string }[] }[] };
    expect(p.get_started).toEqual({ payload: 'menu' });
    expect(p.persistent_menu.map((m) => m.locale)).toEqual(['default', 'vi_VN', 'en_US', 'en_GB']);
    expect(p.persistent_menu[2]!.call_to_actions).toEqual([
      { type: 'postback', title: 'Main menu', payload: 'menu' },
      { type: 'postback', title: 'Talk to a counsellor', payload: 'topic:counsellor' },
      { type: 'postback', title: 'Quick exit', payload: 'exit' },
    ]);
  });
  it('refuses a title Messenger would cut (over 30 characters)', () => {
    expect(() => messengerProfile('vi', ['vi'], () => 'x'.repeat(31))).toThrow(/1-30 characters/);
  });
});
