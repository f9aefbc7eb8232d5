import { messageWithoutQuery, redactUrlSecrets } from './url-secrets';

describe('redactUrlSecrets', () => {
  it.each([
    ['/api/v1/mentions/stream?access_token=ouv_secret', '/api/v1/mentions/stream?access_token=***'],
    ['/x?topic=1&access_token=ouv_secret&limit=2', '/x?topic=1&access_token=***&limit=2'],
    ['/x?key=abc', '/x?key=***'],
    ['/x?API_KEY=abc&token=def', '/x?API_KEY=***&token=***'],
    ['/x?apikey=abc#frag', '/x?apikey=***#frag'],
    [
      '/api/v1/exports/mentions.csv?sentiment=negative&ws=65a0&by=65b0&exp=1796616300&sig=q1w2-E3_r4',
      '/api/v1/exports/mentions.csv?sentiment=negative&ws=65a0&by=65b0&exp=1796616300&sig=***',
    ],
    ['/x?signal=1&SIG=abc', '/x?signal=1&SIG=***'],
    ['/x?monkey=banana&keys=1', '/x?monkey=banana&keys=1'],
    ['/x?q=key%3Dvalue', '/x?q=key%3Dvalue'],
    ['/health', '/health'],
  ])('%s is logged as %s', (url, expected) => {
    expect(redactUrlSecrets(url)).toBe(expected);
  });
});

describe('messageWithoutQuery', () => {
  it("cuts the request's query string from Nest's 404 message", () => {
    const url = '/api/v1/nothing?access_token=secret&x=1';
    expect(messageWithoutQuery(`Cannot GET ${url}`, url)).toBe('Cannot GET /api/v1/nothing');
  });
  it('masks a secret parameter in any message, and in each message of a list', () => {
    expect(messageWithoutQuery(['see /a?token=secret', 'fine'], '/b')).toEqual(['see /a?token=***', 'fine']);
    expect(messageWithoutQuery('topic: must be a topic id', '/x?topic=1')).toBe('topic: must be a topic id');
  });
  it('leaves other messages and shapes as they are', () => {
    expect(messageWithoutQuery({ nested: 'x' }, '/x?access_token=s')).toEqual({ nested: 'x' });
    expect(messageWithoutQuery('Cannot GET /x', undefined)).toBe('Cannot GET /x');
  });
});
