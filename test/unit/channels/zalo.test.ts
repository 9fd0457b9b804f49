/**
 * Zalo OA adapter tables (courier-style IncomingTestCase): signature variants, event
 * parsing, numbered options and splitting, error classification.
 */
import type { Request } from 'express';
import {
  classifyTransportError, classifyZaloError, parseZaloBody, renderZalo, splitZaloText, verifyZalo, ZALO_STALE_EVENT, ZaloSignatureVariant,
} from '../../../src/channels/zalo';
import type { Inbound, ParseResult } from '../../../src/channels/types';
import { signZalo } from '../../fakes/fakeZalo';

const S = { appId: '2553928453557884079', oaSecret: 'oa-secret-key' };
const OA = '3662729599332560487';
const event = (name: string, extra: Record<string, unknown> = {}) => ({
  app_id: S.appId, user_id_by_app: '979122185046046317', event_name: name,
  sender: { id: '6142494823000000001' }, recipient: { id: OA },
  message: { msg_id: 'cb31dff1c39642cc1b83', text: 'Tôi cần giúp đỡ' }, timestamp: '1699003881354', ...extra,
});
const req = (raw: string, sig?: string): Request => ({
  header: (n: string) => (n.toLowerCase() === 'x-zevent-signature' ? sig : undefined), body: Buffer.from(raw),
}) as unknown as Request;

describe('verifyZalo: signature variants', () => {
  const raw = JSON.stringify(event('user_send_text'));
  const sign = (variant: ZaloSignatureVariant, over: Partial<{ appId: string; oaSecret: string; timestamp: string; oaId: string }> = {}) =>
    signZalo(raw, { ...S, oaId: OA, timestamp: '1699003881354', variant, ...over });
  const cases: { label: string; configured: ZaloSignatureVariant; sig: string | undefined; ok: boolean }[] = [
    { label: 'mac_appid signed mac_appid', configured: 'mac_appid', sig: sign('mac_appid'), ok: true },
    { label: 'mac_appid, upper-case hex', configured: 'mac_appid', sig: sign('mac_appid').toUpperCase().replace('MAC=', 'mac='), ok: true },
    { label: 'plain_appid signed plain_appid', configured: 'plain_appid', sig: sign('plain_appid'), ok: true },
    { label: 'mac_oaid signed mac_oaid', configured: 'mac_oaid', sig: sign('mac_oaid'), ok: true },
    { label: 'mac_appid refuses plain hex', configured: 'mac_appid', sig: sign('plain_appid'), ok: false },
    { label: 'plain_appid refuses mac=', configured: 'plain_appid', sig: sign('mac_appid'), ok: false },
    { label: 'mac_appid refuses oa id signature', configured: 'mac_appid', sig: sign('mac_oaid'), ok: false },
    { label: 'wrong secret', configured: 'mac_appid', sig: sign('mac_appid', { oaSecret: 'other' }), ok: false },
    { label: 'app secret instead of OA secret', configured: 'mac_appid', sig: sign('mac_appid', { oaSecret: 'app-secret' }), ok: false },
    { label: 'wrong timestamp', configured: 'mac_appid', sig: sign('mac_appid', { timestamp: '1699003881355' }), ok: false },
    { label: 'missing header', configured: 'mac_appid', sig: undefined, ok: false },
    { label: 'empty header', configured: 'mac_appid', sig: '', ok: false },
  ];
  it.each(cases)('$label → $ok', ({ configured, sig, ok }) => {
    expect(verifyZalo(req(raw, sig), { ...S, signatureVariant: configured })).toBe(ok);
  });

  it('a body changed by one byte no longer verifies', () => {
    const sig = sign('mac_appid');
    expect(verifyZalo(req(raw.replace('giúp', 'giup'), sig), { ...S, signatureVariant: 'mac_appid' })).toBe(false);
  });

  it('mac_oaid takes the OA id from oa_id on follow events', () => {
    const body = JSON.stringify({ app_id: S.appId, oa_id: OA, event_name: 'follow', follower: { id: '1' }, timestamp: '5' });
    const sig = signZalo(body, { ...S, oaId: OA, timestamp: '5', variant: 'mac_oaid' });
    expect(verifyZalo(req(body, sig), { ...S, signatureVariant: 'mac_oaid' })).toBe(true);
  });
});

interface IncomingTestCase { label: string; body: unknown; kind: ParseResult['kind']; expect?: Partial<Inbound>; errors?: RegExp }
const incoming: IncomingTestCase[] = [
  { label: 'user_send_text', body: event('user_send_text'), kind: 'updates',
    expect: { channel: 'zalo', kind: 'text', text: 'Tôi cần giúp đỡ', channelUserId: '6142494823000000001', updateId: 'cb31dff1c39642cc1b83', at: new Date(1699003881354) } },
  ...['image', 'sticker', 'audio', 'video', 'file', 'gif', 'location', 'link'].map((k): IncomingTestCase => ({
    label: `user_send_${k}`, kind: 'updates', expect: { kind: 'media', updateId: 'cb31dff1c39642cc1b83' },
    body: event(`user_send_${k}`, { message: { msg_id: 'cb31dff1c39642cc1b83', attachments: [{ type: k, payload: { url: 'https://x' } }] } }),
  })),
  { label: 'id beyond 2^53 stays exact', body: event('user_send_text', { sender: { id: '99999999999999999999' } }), kind: 'updates', expect: { channelUserId: '99999999999999999999' } },
  { label: 'oa_send_text echo', body: event('oa_send_text'), kind: 'ignored' },
  { label: 'oa_send_image echo', body: event('oa_send_image'), kind: 'ignored' },
  { label: 'follow', body: { app_id: S.appId, oa_id: OA, event_name: 'follow', follower: { id: '1' }, timestamp: '1' }, kind: 'ignored' },
  { label: 'unfollow', body: { app_id: S.appId, oa_id: OA, event_name: 'unfollow', follower: { id: '1' }, timestamp: '1' }, kind: 'ignored' },
  { label: 'user_seen_message', body: event('user_seen_message'), kind: 'ignored' },
  { label: 'user_submit_info', body: event('user_submit_info'), kind: 'ignored' },
  { label: 'blank text', body: event('user_send_text', { message: { msg_id: 'x', text: ' ' } }), kind: 'ignored' },
  { label: 'not JSON', body: '{{', kind: 'invalid', errors: /not valid JSON/ },
  { label: 'no event_name', body: { sender: { id: '1' } }, kind: 'invalid', errors: /event_name/ },
  { label: 'numeric sender id', body: event('user_send_text', { sender: { id: 6142494823 } }), kind: 'invalid', errors: /sender\.id/ },
  { label: 'no msg_id', body: event('user_send_text', { message: { text: 'x' } }), kind: 'invalid', errors: /msg_id/ },
  { label: 'text not a string', body: event('user_send_text', { message: { msg_id: 'x', text: 5 } }), kind: 'invalid', errors: /message\.text/ },
  { label: 'no message', body: event('user_send_text', { message: undefined }), kind: 'invalid', errors: /message/ },
];

describe('parseZaloBody', () => {
  it.each(incoming)('$label → $kind', ({ body, kind, expect: want, errors }) => {
    const r = parseZaloBody(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
    expect(r.kind).toBe(kind);
    if (r.kind === 'updates' && want) expect(r.updates[0]).toMatchObject(want);
    if (r.kind === 'invalid' && errors) expect(r.errors.join('; ')).toMatch(errors);
  });
});

describe('parseZaloBody: freshness window', () => {
  const at = 1699003881354;
  const hour = 60 * 60_000;
  const body = (timestamp?: string) => Buffer.from(JSON.stringify(event('user_send_text', { timestamp })));
  it.each([
    { label: 'an event just inside the window', now: at + hour - 1000, kind: 'updates' },
    { label: 'an event older than the window (a replay after the seen log was purged)', now: at + hour + 1000, kind: 'ignored' },
    { label: 'an event three days old', now: at + 3 * 24 * hour, kind: 'ignored' },
  ])('$label → $kind', ({ now, kind }) => {
    const r = parseZaloBody(body(String(at)), new Date(now), hour);
    expect(r.kind).toBe(kind);
    if (r.kind === 'ignored') expect(r.reason).toBe(ZALO_STALE_EVENT);
  });
  it('refuses a user event without a usable timestamp when a window is set', () => {
    expect(parseZaloBody(body(undefined), new Date(at), hour)).toEqual({ kind: 'ignored', reason: ZALO_STALE_EVENT });
    expect(parseZaloBody(body('yesterday'), new Date(at), hour)).toEqual({ kind: 'ignored', reason: ZALO_STALE_EVENT });
  });
  it('still answers a malformed event as invalid (400), not as stale', () => {
    const r = parseZaloBody(Buffer.from(JSON.stringify(event('user_send_text', { sender: undefined }))), new Date(at + 9 * hour), hour);
    expect(r.kind).toBe('invalid');
  });
});

describe('renderZalo', () => {
  it('appends options as numbered lines', () => {
    expect(renderZalo({ text: 'Bạn cần gì?', options: [{ label: 'Thông tin pháp luật', payload: 'rights' }, { label: 'Thoát', payload: 'exit' }] }))
      .toEqual(['Bạn cần gì?\n\n1. Thông tin pháp luật\n2. Thoát']);
  });
  it('normalises to NFC (decomposed Vietnamese counts as composed)', () => {
    const decomposed = 'Tiếng Việt'.normalize('NFD');
    expect(renderZalo({ text: decomposed })).toEqual(['Tiếng Việt'.normalize('NFC')]);
  });
  it('splits texts over 2000 characters at paragraph boundaries, options with the last part', () => {
    const text = ['a'.repeat(1200), 'b'.repeat(1200), 'c'.repeat(300)].join('\n\n');
    const parts = renderZalo({ text, options: [{ label: 'Menu', payload: 'main' }] });
    expect(parts).toEqual(['a'.repeat(1200), `${'b'.repeat(1200)}\n\n${'c'.repeat(300)}\n\n1. Menu`]);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
  });
  it('hard-cuts a single 4500-character word into ≤2000 parts', () => {
    expect(splitZaloText('x'.repeat(4500)).map((p) => p.length)).toEqual([2000, 2000, 500]);
  });
});

describe('classify Zalo errors', () => {
  const cases: { label: string; got: ReturnType<typeof classifyZaloError>; want: unknown }[] = [
    { label: '-216 → refresh', got: classifyZaloError(-216), want: { kind: 'token' } },
    { label: '-220 → refresh', got: classifyZaloError(-220), want: { kind: 'token' } },
    { label: '-230 → window expired, no retry', got: classifyZaloError(-230), want: { kind: 'fail', result: { retryable: false, windowExpired: true } } },
    { label: '-232 → window expired, no retry', got: classifyZaloError(-232), want: { kind: 'fail', result: { retryable: false, windowExpired: true } } },
    { label: '-32 → retry later', got: classifyZaloError(-32), want: { kind: 'fail', result: { retryable: true, code: 'rate_limited' } } },
    { label: '-201 → give up', got: classifyZaloError(-201), want: { kind: 'fail', result: { retryable: false, code: 'zalo_-201' } } },
    { label: 'HTTP 503 → retry', got: classifyTransportError({ response: { status: 503 } }), want: { kind: 'fail', result: { retryable: true } } },
    { label: 'timeout → retry', got: classifyTransportError({ code: 'ECONNABORTED' }), want: { kind: 'fail', result: { retryable: true, code: 'timeout' } } },
    { label: 'refused → retry', got: classifyTransportError({ code: 'ECONNREFUSED' }), want: { kind: 'fail', result: { retryable: true, code: 'network' } } },
  ];
  it.each(cases)('$label', ({ got, want }) => { expect(got).toMatchObject(want as object); });
});
