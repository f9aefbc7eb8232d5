import { appSecretProof, classifyGraphError, GraphApiError, usageOf } from './graph-client';
import { NetworkApiError } from '../network-error';

const graphError = (status: number, error: Record<string, unknown> | null, usagePercent = 0, regainAccessAt: number | null = null) =>
  new GraphApiError(status, error, usagePercent, regainAccessAt);

describe('Graph error classification', () => {
  const now = 1_800_000_000_000;

  it.each([4, 17, 32, 613])('waits on rate-limit code %i, until the announced time or a minute', (code) => {
    expect(classifyGraphError(graphError(400, { code, message: 'limit' }, 100, now + 5 * 60_000), now)).toEqual({
      rateLimitedUntil: now + 5 * 60_000,
    });
    expect(classifyGraphError(graphError(400, { code, message: 'limit' }), now)).toEqual({ rateLimitedUntil: now + 60_000 });
  });

  it('waits when usage is at 100 % whatever the code, and on a 429', () => {
    expect(classifyGraphError(graphError(400, { code: 1, message: 'x' }, 100), now)).toEqual({ rateLimitedUntil: now + 60_000 });
    expect(typeof classifyGraphError(graphError(429, null), now)).toBe('object');
  });

  it('stops on 190, whatever the subcode', () => {
    expect(classifyGraphError(graphError(400, { code: 190, error_subcode: 463, message: 'expired' }))).toBe('token');
    expect(classifyGraphError(graphError(401, { code: 190, message: 'invalid' }))).toBe('token');
  });

  it('retries 5xx, codes 1 and 2, is_transient, and dropped connections', () => {
    expect(classifyGraphError(graphError(500, { code: 2, message: 'unexpected' }))).toBe('transient');
    expect(classifyGraphError(graphError(503, null))).toBe('transient');
    expect(classifyGraphError(graphError(400, { code: 1, message: 'unknown' }))).toBe('transient');
    expect(classifyGraphError(graphError(400, { code: 100, is_transient: true, message: 'x' }))).toBe('transient');
    expect(classifyGraphError(new TypeError('fetch failed'))).toBe('transient');
    expect(classifyGraphError(new NetworkApiError('facebook', 'cut', true))).toBe('transient');
  });

  it('fails on anything else (a permission missing, an unknown object)', () => {
    expect(classifyGraphError(graphError(400, { code: 10, message: 'permission' }))).toBe('fatal');
    expect(classifyGraphError(graphError(400, { code: 100, error_subcode: 33, message: 'does not exist' }))).toBe('fatal');
    expect(classifyGraphError(new Error('storage failed'))).toBe('fatal');
  });

  it('names the Graph error in its description', () => {
    expect(
      graphError(400, {
        code: 190,
        error_subcode: 463,
        type: 'OAuthException',
        message: 'Session has expired',
        fbtrace_id: 'AbC',
      }).describe(),
    ).toBe('answered 400, error 190/463 (OAuthException): Session has expired [fbtrace_id AbC]');
  });
});

describe('Graph usage headers', () => {
  const now = 1_800_000_000_000;
  it('reads the highest percentage of X-App-Usage and X-Business-Use-Case-Usage and the time to regain access', () => {
    const headers = new Headers({
      'x-app-usage': JSON.stringify({ call_count: 12, total_cputime: 40, total_time: 30 }),
      'x-business-use-case-usage': JSON.stringify({
        '123': [{ type: 'pages', call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 7 }],
      }),
    });
    expect(usageOf(headers, now)).toEqual({ percent: 100, regainAccessAt: now + 7 * 60_000 });
    expect(usageOf(new Headers(), now)).toEqual({ percent: 0, regainAccessAt: null });
    expect(usageOf(new Headers({ 'x-app-usage': 'not json' }), now)).toEqual({ percent: 0, regainAccessAt: null });
  });

  it('signs with HMAC-SHA256 of the token keyed by the app secret, in hex', () => {
    // openssl: echo -n token | openssl dgst -sha256 -hmac secret
    expect(appSecretProof('token', 'secret')).toBe('e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a');
  });
});
