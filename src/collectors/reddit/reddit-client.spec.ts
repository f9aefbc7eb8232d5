import { NetworkTargets } from '../../config/network-targets';
import { loadSettings } from '../../config/settings';
import {
  RedditEmulator,
  REDDIT_EMULATOR_CLIENT_ID,
  REDDIT_EMULATOR_CLIENT_SECRET,
  REDDIT_EMULATOR_PASSWORD,
  REDDIT_EMULATOR_USER_AGENT,
} from '../../demo/networks/reddit/reddit-emulator';
import { NetworkApiError } from '../network-error';
import { classifyRedditError, errorDetailOf, rateLimitOf, RedditApiError, RedditClient } from './reddit-client';

describe('Reddit client', () => {
  it('reads the rate-limit headers (remaining may be a float, reset in seconds)', () => {
    const headers = new Headers({ 'x-ratelimit-used': '4', 'x-ratelimit-remaining': '95.0', 'x-ratelimit-reset': '120' });
    expect(rateLimitOf(headers, 1_000)).toEqual({ used: 4, remaining: 95, resetAt: 121_000 });
    expect(rateLimitOf(new Headers(), 1_000)).toEqual({ used: null, remaining: null, resetAt: null });
  });

  it('classifies a 429 as a wait until the reset, a 5xx or a cut connection as transient, the rest as fatal', () => {
    expect(classifyRedditError(new RedditApiError(429, 'Too Many Requests', 5_000))).toEqual({ rateLimitedUntil: 5_000 });
    expect(classifyRedditError(new RedditApiError(503, 'over capacity'))).toBe('transient');
    expect(classifyRedditError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifyRedditError(new RedditApiError(403, 'Forbidden'))).toBe('fatal');
    expect(classifyRedditError(new NetworkApiError('reddit', 'not JSON'))).toBe('fatal');
  });

  it('reads Reddit’s error bodies', () => {
    expect(errorDetailOf({ message: 'Forbidden', error: 403 }, '?')).toBe('Forbidden');
    expect(errorDetailOf({ error: 'invalid_grant' }, '?')).toBe('invalid_grant');
    expect(errorDetailOf({ json: { errors: [['THREAD_LOCKED', 'that thread is locked', 'parent']] } }, '?')).toBe(
      'THREAD_LOCKED: that thread is locked',
    );
    expect(errorDetailOf(undefined, 'an HTML page')).toBe('an HTML page');
  });

  describe('against the emulator', () => {
    let server: RedditEmulator;
    let client: RedditClient;
    let targets: NetworkTargets;
    beforeEach(async () => {
      server = new RedditEmulator({
        account: { username: 'acmebank', password: REDDIT_EMULATOR_PASSWORD },
        rateLimit: { limit: 2, windowSeconds: 1 },
      });
      const { apiUrl, authUrl } = await server.start();
      targets = new NetworkTargets(loadSettings({}, { overrides: { dataDir: ':memory:' } }));
      targets.set('reddit', {
        apiUrl,
        authUrl,
        clientId: REDDIT_EMULATOR_CLIENT_ID,
        clientSecret: REDDIT_EMULATOR_CLIENT_SECRET,
        userAgent: REDDIT_EMULATOR_USER_AGENT,
        account: { username: 'acmebank', password: REDDIT_EMULATOR_PASSWORD },
      });
      client = new RedditClient(targets);
    });
    afterEach(() => server.stop());

    it('caches the app token, gets a new one after a 401, and waits for the window when none are left', async () => {
      await client.get('search', { q: 'acme' });
      await client.get('search', { q: 'acme' });
      expect(client.rateLimit.remaining).toBe(0);
      const started = Date.now();
      await client.get('search', { q: 'acme' }); // waits for the 1-second window instead of drawing a 429
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      expect(server.requests.filter((r) => r.route === 'token')).toHaveLength(1);
      server.revokeTokens();
      await client.get('search', { q: 'acme' });
      expect(server.requests.filter((r) => r.route === 'token')).toHaveLength(2);
      expect(server.requests.filter((r) => r.route === 'search').every((r) => r.userAgent === REDDIT_EMULATOR_USER_AGENT)).toBe(true);
    });

    it('names the refused credentials without echoing them', async () => {
      const target = targets.get('reddit')!;
      targets.set('reddit', { ...target, clientSecret: 'wrong-secret', account: { username: 'acmebank', password: 'wrong-password' } });
      const err = await client.get('search').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkApiError);
      expect((err as Error).message).toBe(
        'Reddit API: refused the app credentials (REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET): 401 Unauthorized',
      );
      targets.set('reddit', { ...target, account: { username: 'acmebank', password: 'wrong-password' } });
      const denied = await client.post('api/comment', { api_type: 'json', thing_id: 't3_x', text: 'hi' }).catch((e: unknown) => e);
      expect((denied as Error).message).toBe('Reddit API: refused the account (REDDIT_USERNAME/REDDIT_PASSWORD): 200 invalid_grant');
      expect((denied as Error).message).not.toContain('wrong-password');
    });

    it('reports a 429 with the announced reset', async () => {
      server.failNext('search', { status: 429, resetSeconds: 7 });
      const err = (await client.get('search').catch((e: unknown) => e)) as RedditApiError;
      expect(err).toBeInstanceOf(RedditApiError);
      expect(err.status).toBe(429);
      expect(err.resetAt! - Date.now()).toBeGreaterThan(6_000);
      expect(client.rateLimit.lastLimitedAt).not.toBeNull();
    });
  });
});
