import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createXClient, X_API_V2_PREFIX, XApiBaseUrlPlugin } from './x-client.factory';

/** Answers the two v2 calls below as X does, over HTTPS with the fixture certificate, for bearer `secret` only. */
function startXStub(tls: { key: string; cert: string }): Promise<Server> {
  const server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== 'Bearer secret')
      return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    if (url.pathname === '/2/tweets/search/recent' && url.searchParams.get('query') === '#lumi') {
      return send(200, {
        data: [{ id: '1', text: 'Olá, mundo! #lumi', edit_history_tweet_ids: ['1'] }],
        meta: { result_count: 1, newest_id: '1', oldest_id: '1' },
      });
    }
    if (url.pathname === '/2/users/by/username/lumi_br') return send(200, { data: { id: '10', name: 'Lumi', username: 'lumi_br' } });
    return send(404, { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', detail: url.pathname });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('createXClient', () => {
  const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
  const tls = { key: readFileSync(join(fixtures, 'key.pem'), 'utf8'), cert: readFileSync(join(fixtures, 'cert.pem'), 'utf8') };
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startXStub(tls);
    baseUrl = `https://localhost:${(server.address() as AddressInfo).port}/2/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends v2 calls to the configured base URL, trusting the fixture certificate', async () => {
    const client = createXClient({ bearerToken: 'secret', baseUrl, ca: readFileSync(join(fixtures, 'ca.pem')) });
    const paginator = await client.v2.search('#lumi', { max_results: 10 });
    expect(paginator.tweets.map((t) => t.text)).toEqual(['Olá, mundo! #lumi']);
    const user = await client.v2.userByUsername('lumi_br');
    expect(user.data.name).toBe('Lumi');
  });

  it('accepts a base URL without the trailing slash', async () => {
    const client = createXClient({ bearerToken: 'secret', baseUrl: baseUrl.replace(/\/$/, ''), ca: tls.cert });
    await expect(client.v2.userByUsername('lumi_br')).resolves.toMatchObject({ data: { username: 'lumi_br' } });
  });

  it('adds no plugin for the real X API and refuses a non-HTTPS base URL', () => {
    expect(createXClient({ bearerToken: 't' }).getPlugins()).toEqual([]);
    expect(createXClient({ bearerToken: 't', baseUrl: X_API_V2_PREFIX }).getPlugins()).toEqual([]);
    expect(() => createXClient({ bearerToken: 't', baseUrl: 'http://127.0.0.1:1/2/' })).toThrow(/https/);
    expect(() => createXClient({ bearerToken: 't', baseUrl: 'not a url' })).toThrow(/not a URL/);
  });

  it('rewrites only URLs under the v2 prefix', () => {
    const plugin = new XApiBaseUrlPlugin('https://127.0.0.1:9/2/');
    const params = { url: 'https://api.x.com/2/tweets/:id', method: 'GET' };
    plugin.onBeforeRequestConfig({ params, url: new URL(params.url), client: undefined as never });
    expect(params.url).toBe('https://127.0.0.1:9/2/tweets/:id');
    const v1 = { url: 'https://api.x.com/1.1/statuses/show.json', method: 'GET' };
    plugin.onBeforeRequestConfig({ params: v1, url: new URL(v1.url), client: undefined as never });
    expect(v1.url).toBe('https://api.x.com/1.1/statuses/show.json');
  });
});
