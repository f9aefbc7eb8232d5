import { XRPCError } from '@atproto/api';
import { MastoDeserializeError, MastoHttpError } from 'masto';
import { describeXrpcError } from './bluesky/bluesky.collector';
import { isTransient as blueskyTransient } from './bluesky/bluesky-retry';
import { describeMastoError } from './mastodon/mastodon.collector';
import { isTransient as mastodonTransient } from './mastodon/mastodon-retry';
import { glimpseOf, NetworkApiError } from './network-error';
import { assertTweetPage } from './x/x.collector';

describe('What a failing network answered, in words', () => {
  it('names an HTML page by its title, and quotes a few words of other text', () => {
    expect(glimpseOf('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>')).toBe('an HTML page “502 Bad Gateway”');
    expect(glimpseOf('  upstream   connect error  ')).toBe('“upstream connect error”');
    expect(glimpseOf({ error: 'x' })).toBe('{"error":"x"}');
  });

  it('reads an X page that is not an answer as X failing, and an empty or not-found timeline as empty', () => {
    expect(() => assertTweetPage('<html><title>X</title></html>')).toThrow(
      new NetworkApiError('x', 'answered an HTML page “X” with status 200 instead of JSON'),
    );
    expect(() => assertTweetPage({ errors: [{ title: 'Service Unavailable', detail: 'try later', type: 'about:blank' }] })).toThrow(
      'X API: answered an error with status 200: Service Unavailable: try later',
    );
    expect(() => assertTweetPage({ title: 'Unauthorized', type: 'about:blank', status: 401 })).toThrow(
      'X API: answered an error with status 200: Unauthorized',
    );
    expect(() => assertTweetPage({ meta: { result_count: 0 } })).not.toThrow();
    expect(() => assertTweetPage({ data: [{ id: '1', text: 'a' }], meta: { result_count: 1 } })).not.toThrow();
    expect(() =>
      assertTweetPage({ errors: [{ title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found' }] }),
    ).not.toThrow();
  });

  it('retries a Bluesky body cut short or a connection lost, not an answer that is not the method’s', () => {
    const cut = new XRPCError(2, undefined, 'Failed to parse response body: SyntaxError: Unexpected end of JSON input');
    expect(blueskyTransient(cut)).toBe(true);
    expect(describeXrpcError(cut)).toBe(
      'answered a body that could not be read: Failed to parse response body: SyntaxError: Unexpected end of JSON input (after retrying)',
    );
    const refused = new XRPCError(1, undefined, 'fetch failed');
    expect(blueskyTransient(refused)).toBe(true);
    expect(describeXrpcError(refused)).toBe('could not be reached: fetch failed (after retrying)');
    const invalid = Object.assign(new XRPCError(2, 'Invalid Response', 'The server gave an invalid response and may be out of date.'), {
      lexiconNsid: 'app.bsky.feed.searchPosts',
      validationError: new Error('Output must have the property "posts"'),
      responseBody: { error: 'InternalServerError', message: 'Internal Server Error' },
    });
    expect(blueskyTransient(invalid)).toBe(false);
    expect(describeXrpcError(invalid)).toBe(
      'answered InternalServerError: Internal Server Error with status 200, which is not a app.bsky.feed.searchPosts response (Output must have the property "posts")',
    );
    expect(describeXrpcError(new XRPCError(401, 'AuthenticationRequired', 'Invalid identifier or password'))).toBe(
      'answered 401 AuthenticationRequired: Invalid identifier or password',
    );
  });

  it('retries a Mastodon body cut short; a 5xx says it was retried, a 4xx does not', () => {
    const cut = new MastoDeserializeError('Malformed JSON [{"id":"1" returned from the server.', 'json', '[{"id":"1"');
    expect(mastodonTransient(cut)).toBe(true);
    expect(describeMastoError(cut)).toBe('answered a body that could not be read (json cut short or malformed) (after retrying)');
    expect(describeMastoError(new MastoHttpError({ statusCode: 503, message: 'There was a temporary problem' }))).toBe(
      'answered 503: There was a temporary problem (after retrying)',
    );
    expect(describeMastoError(new MastoHttpError({ statusCode: 401, message: 'The access token is invalid' }))).toBe(
      'answered 401: The access token is invalid',
    );
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    expect(mastodonTransient(refused)).toBe(true);
    expect(describeMastoError(refused)).toBe('could not be reached: ECONNREFUSED (after retrying)');
  });
});
