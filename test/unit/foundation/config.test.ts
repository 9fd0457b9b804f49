import { ConfigError, DEV_DEFAULTS, loadConfig } from '../../../src/config';

/** Random values (openssl rand) in the three encodings production accepts. */
const strong = {
  NODE_ENV: 'production', PSEUDONYM_KEY: '767bc21d42ac1608fc9ae6ba5a569d44dbe5c6ae13310d34ca47d16e2a4922da',
  SESSION_SECRET: 'cdoXQReo_B-wZ3uONRKRfh3Fn78amziBY7AKx69mtUg', DATA_KEY: 'xXkMtTINakesPSwayGAH44KVtNfi1gNtp3sWFMoAihw=',
};
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');
const zeros = Buffer.alloc(32);

/** Weak secrets, each in the form an attacker found production accepting (or might). */
const weak: { label: string; env: Record<string, string>; why: RegExp }[] = [
  { label: 'development pseudonym key in base64', env: { PSEUDONYM_KEY: b64(DEV_DEFAULTS.PSEUDONYM_KEY) }, why: /PSEUDONYM_KEY is a development value/ },
  { label: 'development pseudonym key in base64url', env: { PSEUDONYM_KEY: b64url(DEV_DEFAULTS.PSEUDONYM_KEY) }, why: /PSEUDONYM_KEY is a development value/ },
  { label: 'development pseudonym key in hex', env: { PSEUDONYM_KEY: hex(DEV_DEFAULTS.PSEUDONYM_KEY) }, why: /PSEUDONYM_KEY is a development value/ },
  { label: 'development session secret in base64', env: { SESSION_SECRET: b64(DEV_DEFAULTS.SESSION_SECRET) }, why: /SESSION_SECRET is a development value/ },
  { label: 'development session secret as the pseudonym key', env: { PSEUDONYM_KEY: DEV_DEFAULTS.SESSION_SECRET }, why: /PSEUDONYM_KEY is a development value/ },
  { label: 'development data key (zeros) in base64', env: { DATA_KEY: zeros.toString('base64') }, why: /DATA_KEY is a development value/ },
  { label: 'development data key (zeros) in base64url', env: { DATA_KEY: zeros.toString('base64url') }, why: /DATA_KEY is a development value/ },
  { label: 'development value with a suffix', env: { SESSION_SECRET: `${DEV_DEFAULTS.SESSION_SECRET}-2026` }, why: /SESSION_SECRET is too easy to guess/ },
  { label: 'all spaces', env: { SESSION_SECRET: ' '.repeat(40) }, why: /SESSION_SECRET is too easy to guess/ },
  { label: 'one letter', env: { PSEUDONYM_KEY: 'p'.repeat(40) }, why: /PSEUDONYM_KEY is too easy to guess/ },
  { label: 'one letter in base64', env: { PSEUDONYM_KEY: b64('a'.repeat(40)) }, why: /PSEUDONYM_KEY is too easy to guess/ },
  { label: 'one letter in hex', env: { SESSION_SECRET: hex('s'.repeat(40)) }, why: /SESSION_SECRET is too easy to guess/ },
  { label: 'one byte repeated as a hex data key', env: { DATA_KEY: 'ab'.repeat(32) }, why: /DATA_KEY is too easy to guess/ },
  { label: 'a short pattern repeated as a base64 data key', env: { DATA_KEY: Buffer.from('0123456789abcdef'.repeat(2)).toString('base64') }, why: /DATA_KEY is too easy to guess/ },
  { label: 'a 4-byte pattern as a hex data key', env: { DATA_KEY: 'deadbeef'.repeat(8) }, why: /DATA_KEY is too easy to guess/ },
  { label: 'a keyboard walk', env: { SESSION_SECRET: 'qwertyuiopasdfghjklzxcvbnm123456' }, why: /SESSION_SECRET is too easy to guess/ },
  { label: 'a sequence', env: { PSEUDONYM_KEY: '0123456789abcdef0123456789abcdef' }, why: /PSEUDONYM_KEY is too easy to guess/ },
  { label: 'a short metrics token', env: { METRICS_TOKEN: 'metrics' }, why: /METRICS_TOKEN must be at least 24 characters/ },
  { label: 'a repetitive metrics token', env: { METRICS_TOKEN: 'm'.repeat(32) }, why: /METRICS_TOKEN is too easy to guess/ },
  { label: 'a weak Telegram webhook secret', env: { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(30) }, why: /TELEGRAM_WEBHOOK_SECRET is too easy to guess/ },
];

describe('configuration', () => {
  it('has working development defaults and turns channels without credentials off with a reason', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.defaultLanguage).toBe('vi');
    expect(c.tzReports).toBe('Asia/Ho_Chi_Minh');
    expect(c.telegram).toBeUndefined();
    expect(c.zalo).toBeUndefined();
    expect(c.messenger).toBeUndefined();
    expect(c.disabledChannels).toEqual([expect.stringMatching(/^telegram disabled/), expect.stringMatching(/^zalo disabled/), expect.stringMatching(/^messenger disabled/)]);
    expect(c.hotlineNumber).toBeUndefined();
  });

  it('refuses to start in production with default or missing secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...strong, DATA_KEY: DEV_DEFAULTS.DATA_KEY })).toThrow(/DATA_KEY/);
    expect(() => loadConfig({ ...strong, PSEUDONYM_KEY: DEV_DEFAULTS.PSEUDONYM_KEY })).toThrow(/PSEUDONYM_KEY/);
    expect(() => loadConfig({ ...strong, TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...strong, MESSENGER_PAGE_ACCESS_TOKEN: 'EAAx', MESSENGER_APP_SECRET: 's', MESSENGER_VERIFY_TOKEN: 'short' })).toThrow(/MESSENGER_VERIFY_TOKEN/);
    expect(loadConfig(strong).env).toBe('production');
  });

  it('turns Messenger on with its three settings, the pinned Graph API version and the human-agent switch', () => {
    const c = loadConfig({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAx', MESSENGER_APP_SECRET: 's', MESSENGER_VERIFY_TOKEN: 'v' });
    expect(c.messenger).toEqual({ pageAccessToken: 'EAAx', appSecret: 's', verifyToken: 'v', apiBase: expect.stringMatching(/^https:\/\/graph\.facebook\.com\/v\d+\.\d$/), humanAgent: false });
    expect(c.disabledChannels.some((l) => l.startsWith('messenger'))).toBe(false);
    expect(loadConfig({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAx', MESSENGER_APP_SECRET: 's', MESSENGER_VERIFY_TOKEN: 'v', MESSENGER_HUMAN_AGENT: 'true' }).messenger?.humanAgent).toBe(true);
    expect(loadConfig({ MESSENGER_PAGE_ACCESS_TOKEN: 'EAAx', MESSENGER_APP_SECRET: 's' }).messenger).toBeUndefined();
  });

  it.each(weak)('refuses in production: $label', ({ env, why }) => {
    expect(() => loadConfig({ ...strong, ...env })).toThrow(why);
  });

  it('accepts random secrets in hex, base64 and base64url', () => {
    const c = loadConfig({ ...strong, PSEUDONYM_KEY: 'xJPlETc2DvM1ER22h98dcTpfxJPlETc2', TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_SECRET: 'xJPlETc2DvM1ER22h98dcTpf' });
    expect(c.telegram?.webhookSecret).toBe('xJPlETc2DvM1ER22h98dcTpf');
    expect(loadConfig({ ...strong, DATA_KEY: '7d8e39aa7786936ac03f71a4be9a448aefee16bbcae766fe275c55f29acea183' }).dataKeys).toHaveLength(1);
  });

  it('names the setting in a refusal, never the secret', () => {
    const secret = b64(DEV_DEFAULTS.PSEUDONYM_KEY);
    let message = 'accepted';
    try { loadConfig({ ...strong, PSEUDONYM_KEY: secret }); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(/^PSEUDONYM_KEY /);
    expect(message).not.toContain(secret);
  });

  it('judges secrets only in production: development keeps its defaults', () => {
    expect(loadConfig({ NODE_ENV: 'development', SESSION_SECRET: ' '.repeat(40) }).sessionSecret).toBe(' '.repeat(40));
  });

  it('enables a channel only with all its credentials and validates formats', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 'sec_ret-1', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' });
    expect(c.telegram).toEqual({ token: '1:abc', webhookSecret: 'sec_ret-1', apiRoot: 'http://127.0.0.1:9' });
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'bad secret!' })).toThrow(/A-Z/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_KEY: 'tooshort' })).toThrow(/32 bytes/);
  });

  it('keeps the Zalo freshness window shorter than the 3 days the seen log keeps update ids', () => {
    const zalo = { ZALO_APP_ID: '1', ZALO_APP_SECRET: 's', ZALO_OA_SECRET: 'o' };
    expect(loadConfig(zalo).zalo?.eventMaxAgeMs).toBe(60 * 60_000);
    expect(loadConfig({ ...zalo, ZALO_EVENT_MAX_AGE_MINUTES: '240' }).zalo?.eventMaxAgeMs).toBe(240 * 60_000);
    expect(() => loadConfig({ ...zalo, ZALO_EVENT_MAX_AGE_MINUTES: String(3 * 24 * 60) })).toThrow(/ZALO_EVENT_MAX_AGE_MINUTES/);
    expect(() => loadConfig({ ...zalo, ZALO_EVENT_MAX_AGE_MINUTES: '0' })).toThrow(/ZALO_EVENT_MAX_AGE_MINUTES/);
  });

  it('accepts previous data keys for rotation', () => {
    const c = loadConfig({ DATA_KEY: 'cd'.repeat(32), DATA_KEYS_PREVIOUS: 'ab'.repeat(32) });
    expect(c.dataKeys).toHaveLength(2);
  });
});
