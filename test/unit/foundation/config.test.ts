import { ConfigError, DEV_DEFAULTS, loadConfig } from '../../../src/config';

const strong = {
  NODE_ENV: 'production', PSEUDONYM_KEY: 'p'.repeat(40), SESSION_SECRET: 's'.repeat(40),
  DATA_KEY: 'ab'.repeat(32),
};

describe('configuration', () => {
  it('has working development defaults and turns channels without credentials off with a reason', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.defaultLanguage).toBe('vi');
    expect(c.tzReports).toBe('Asia/Ho_Chi_Minh');
    expect(c.telegram).toBeUndefined();
    expect(c.zalo).toBeUndefined();
    expect(c.disabledChannels).toEqual([expect.stringMatching(/^telegram disabled/), expect.stringMatching(/^zalo disabled/)]);
    expect(c.hotlineNumber).toBeUndefined();
  });

  it('refuses to start in production with default or missing secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...strong, DATA_KEY: DEV_DEFAULTS.DATA_KEY })).toThrow(/DATA_KEY/);
    expect(() => loadConfig({ ...strong, PSEUDONYM_KEY: DEV_DEFAULTS.PSEUDONYM_KEY })).toThrow(/PSEUDONYM_KEY/);
    expect(() => loadConfig({ ...strong, TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(loadConfig(strong).env).toBe('production');
  });

  it('enables a channel only with all its credentials and validates formats', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_WEBHOOK_SECRET: 'sec_ret-1', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' });
    expect(c.telegram).toEqual({ token: '1:abc', webhookSecret: 'sec_ret-1', apiRoot: 'http://127.0.0.1:9' });
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: 'bad secret!' })).toThrow(/A-Z/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_KEY: 'tooshort' })).toThrow(/32 bytes/);
  });

  it('accepts previous data keys for rotation', () => {
    const c = loadConfig({ DATA_KEY: 'cd'.repeat(32), DATA_KEYS_PREVIOUS: 'ab'.repeat(32) });
    expect(c.dataKeys).toHaveLength(2);
  });
});
