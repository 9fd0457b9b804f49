import { randomBytes } from 'node:crypto';
import { FieldCipher, pseudonymousId, safeEqual } from '../../../src/shared/crypto';

describe('pseudonymous id', () => {
  it('is a stable HMAC of channel and user id, different per channel and key', () => {
    const a = pseudonymousId('k1', 'telegram', '4242');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymousId('k1', 'telegram', '4242')).toBe(a);
    expect(pseudonymousId('k1', 'zalo', '4242')).not.toBe(a);
    expect(pseudonymousId('k2', 'telegram', '4242')).not.toBe(a);
  });
});

describe('field encryption', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('round-trips and never stores the plain text', () => {
    const c = new FieldCipher([k1]);
    const sealed = c.seal('chat 4242');
    expect(sealed).not.toContain('4242');
    expect(c.open(sealed)).toBe('chat 4242');
    expect(c.seal('chat 4242')).not.toBe(sealed); // fresh IV each time
  });

  it('opens data sealed with a previous key after rotation, and says it needs re-sealing', () => {
    const old = new FieldCipher([k1]).seal('zalo-user-9');
    const rotated = new FieldCipher([k2, k1]);
    expect(rotated.open(old)).toBe('zalo-user-9');
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('x'))).toBe(false);
  });

  it('refuses tampered data and unknown keys', () => {
    const c = new FieldCipher([k1]);
    const sealed = c.seal('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => c.open(parts.join('.'))).toThrow();
    expect(() => new FieldCipher([k2]).open(sealed)).toThrow(/unknown data key/);
  });
});

describe('safeEqual', () => {
  it('compares secrets of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
