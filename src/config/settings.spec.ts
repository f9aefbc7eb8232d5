import { InvalidSettingsError, loadSettings } from './settings';

describe('loadSettings', () => {
  it('defaults to the embedded engine, in-process queue and the demo', () => {
    const s = loadSettings({});
    expect(s.port).toBe(3000);
    expect(s.mongodbUri).toBeNull();
    expect(s.redisUrl).toBeNull();
    expect(s.dataDir).toBe('./data');
    expect(s.demo).toBe(true);
    expect(s.collectIntervalSeconds).toBe(60);
    expect(s.x.apiBaseUrl).toBe('https://api.x.com/2/');
  });

  it('turns the demo off and slows collection when an X token is given', () => {
    const s = loadSettings({ X_BEARER_TOKEN: 'token', MONGODB_URI: 'mongodb://db:27017/ouvidor', REDIS_URL: 'redis://r:6379' });
    expect(s.demo).toBe(false);
    expect(s.collectIntervalSeconds).toBe(300);
    expect(s.mongodbUri).toBe('mongodb://db:27017/ouvidor');
    expect(s.redisUrl).toBe('redis://r:6379');
  });

  it('keeps the production back-offs and takeover: shorter ones are for tests, set in code only', () => {
    expect(loadSettings({}).collectRetryBackoffMs).toBe(5_000);
    expect(loadSettings({ COLLECT_RETRY_BACKOFF_MS: '10' }).collectRetryBackoffMs).toBe(5_000);
    expect(loadSettings({}, { overrides: { collectRetryBackoffMs: 200 } }).collectRetryBackoffMs).toBe(200);
    expect(loadSettings({}).takeoverMs).toBe(30_000);
    expect(loadSettings({ TAKEOVER_MS: '1000' }).takeoverMs).toBe(30_000);
    expect(loadSettings({ NODE_ENV: 'production', TAKEOVER_MS: '1000' }).takeoverMs).toBe(30_000);
    expect(loadSettings({ NODE_ENV: 'test', TAKEOVER_MS: '8000' }).takeoverMs).toBe(8_000);
    expect(loadSettings({}).collectorRetryBaseMs).toBe(500);
  });

  it('reads DATA_DIR=:memory: as no data directory', () => {
    expect(loadSettings({ DATA_DIR: ':memory:' }).dataDir).toBeNull();
  });

  it('names the variable and the key of an invalid value', () => {
    expect(() => loadSettings({ PORT: 'eighty' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ PORT: 'eighty' })).toThrow(/PORT \(port\)/);
    expect(() => loadSettings({ MONGODB_URI: 'postgres://x' })).toThrow(/MONGODB_URI \(mongodbUri\): must be a URL/);
    expect(() => loadSettings({ X_API_BASE_URL: 'http://plain' })).toThrow(/X_API_BASE_URL/);
    expect(() => loadSettings({ COLLECT_INTERVAL_SECONDS: '1' })).toThrow(/COLLECT_INTERVAL_SECONDS/);
  });

  it('reads Bluesky credentials, which go together', () => {
    const s = loadSettings({ BLUESKY_IDENTIFIER: 'lumi.bsky.social', BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop' });
    expect(s.bluesky).toEqual({ identifier: 'lumi.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop', service: 'https://bsky.social' });
    expect(loadSettings({}).bluesky.identifier).toBeNull();
    expect(() => loadSettings({ BLUESKY_IDENTIFIER: 'lumi.bsky.social' })).toThrow(
      /BLUESKY_APP_PASSWORD \(bluesky.appPassword\): BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD go together/,
    );
    expect(() => loadSettings({ BLUESKY_SERVICE: 'http://pds.example' })).toThrow(/BLUESKY_SERVICE/);
  });

  it('reads a Mastodon instance and token, which go together', () => {
    expect(loadSettings({ MASTODON_URL: 'https://social.example', MASTODON_ACCESS_TOKEN: 'tok' }).mastodon).toEqual({
      url: 'https://social.example',
      accessToken: 'tok',
    });
    expect(() => loadSettings({ MASTODON_URL: 'https://social.example' })).toThrow(
      /MASTODON_ACCESS_TOKEN \(mastodon.accessToken\): MASTODON_URL and MASTODON_ACCESS_TOKEN go together/,
    );
    expect(() => loadSettings({ MASTODON_URL: 'http://social.example', MASTODON_ACCESS_TOKEN: 'tok' })).toThrow(/MASTODON_URL/);
  });

  it('reads the outbound policy: public addresses only unless the installation opens internal ones', () => {
    expect(loadSettings({}).outbound).toEqual({ allowPrivate: false, allowedCidrs: [], dnsServers: [] });
    expect(
      loadSettings({
        OUTBOUND_ALLOW_PRIVATE: 'true',
        OUTBOUND_ALLOWED_CIDRS: '10.0.0.0/8, 127.0.0.1/32',
        OUTBOUND_DNS_SERVERS: '127.0.0.1:5353',
      }).outbound,
    ).toEqual({
      allowPrivate: true,
      allowedCidrs: ['10.0.0.0/8', '127.0.0.1/32'],
      dnsServers: ['127.0.0.1:5353'],
    });
    expect(() => loadSettings({ OUTBOUND_ALLOWED_CIDRS: '10.0.0/8' })).toThrow(
      /OUTBOUND_ALLOWED_CIDRS \(outbound.allowedCidrs\): must be CIDRs/,
    );
    expect(() => loadSettings({ OUTBOUND_DNS_SERVERS: 'dns.example.com' })).toThrow(/OUTBOUND_DNS_SERVERS/);
  });

  it.each([
    [undefined, false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['192.168.1.10', ['192.168.1.10']],
  ])('reads TRUST_PROXY=%j as %j', (value, expected) => {
    expect(loadSettings(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses a TRUST_PROXY that is not hops or addresses', () => {
    expect(() => loadSettings({ TRUST_PROXY: 'proxy.example.com' })).toThrow(/TRUST_PROXY \(trustProxy\): must be true, false/);
  });

  it('reads the signed CSV links: 5 minutes and a derived key by default, an explicit secret of 32 characters or more', () => {
    expect(loadSettings({}).exportLinks).toEqual({ secret: null, ttlSeconds: 300 });
    const secret = 'c2lnbmVkLWxpbmtzLXNlY3JldC1mb3ItdGVzdHMtMDE=';
    expect(loadSettings({ EXPORT_LINK_SECRET: secret, EXPORT_LINK_TTL_SECONDS: '60' }).exportLinks).toEqual({ secret, ttlSeconds: 60 });
    expect(() => loadSettings({ EXPORT_LINK_SECRET: 'short' })).toThrow(/EXPORT_LINK_SECRET \(exportLinks\.secret\): must be at least 32/);
    expect(() => loadSettings({ EXPORT_LINK_TTL_SECONDS: '5' })).toThrow(/EXPORT_LINK_TTL_SECONDS/);
  });

  it('rejects an unknown key in a settings file', () => {
    expect(() => loadSettings({}, { overrides: { prot: 1 } })).toThrow(/Unrecognized key/);
  });
});
