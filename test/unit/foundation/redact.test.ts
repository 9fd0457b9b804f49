import { redactString, redactValue, REDACTED } from '../../../src/observability/redact';

describe('log redaction', () => {
  const phones = ['0912345678', '0912 345 678', '091.234.5678', '+84 912 345 678', '+84912345678', '84-912-345-678'];
  it.each(phones)('removes the Vietnamese phone number %s from free text', (p) => {
    const out = redactString(`gọi cho tôi ở ${p} nhé`);
    expect(out).not.toContain(p);
    expect(out.replace(/\D/g, '')).not.toMatch(/\d{6,}/);
    expect(out).toContain(REDACTED);
  });

  it('removes e-mail addresses', () => {
    expect(redactString('write to lan.nguyen@example.vn today')).toBe(`write to ${REDACTED} today`);
  });

  it('removes bot tokens, also inside API URLs', () => {
    const t = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
    expect(redactString(`POST https://api/bot${t}/sendMessage`)).not.toContain('AAHdqTcv');
    expect(redactString(`token ${t}`)).not.toContain(t);
  });

  it('replaces private fields whole, at any depth', () => {
    const rec = { event: 'inbound', pid: 'a'.repeat(64), update: { message: { text: 'chồng tôi đánh tôi', chat: { id: 4242 }, from: { first_name: 'Lan' } } }, chatId: 4242, address: 'zalo-user-1' };
    const out = JSON.stringify(redactValue(rec));
    for (const secret of ['chồng tôi', '4242', 'Lan', 'zalo-user-1']) expect(out).not.toContain(secret);
    expect(out).toContain('a'.repeat(64)); // the pid stays: it is how we trace a conversation
    expect(out).toContain('inbound');
  });

  it('scrubs strings in arrays and error messages', () => {
    const err = new Error('send to 0987654321 failed');
    const out = JSON.stringify(redactValue({ list: ['mail x@y.com'], err }));
    expect(out).not.toContain('0987654321');
    expect(out).not.toContain('x@y.com');
  });

  it('keeps ordinary operational values', () => {
    expect(redactString('outbox retry in 2000 ms, attempt 3')).toBe('outbox retry in 2000 ms, attempt 3');
  });
});
