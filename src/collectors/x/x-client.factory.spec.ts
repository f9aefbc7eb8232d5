import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XApiEmulator } from './emulator/x-api-emulator';
import { createXClient, X_API_V2_PREFIX, XApiBaseUrlPlugin } from './x-client.factory';

describe('createXClient', () => {
  const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls');
  const tls = { key: readFileSync(join(fixtures, 'key.pem'), 'utf8'), cert: readFileSync(join(fixtures, 'cert.pem'), 'utf8') };
  let emulator: XApiEmulator;
  let baseUrl: string;

  beforeAll(async () => {
    emulator = new XApiEmulator({ tls, bearerToken: 'secret' });
    ({ baseUrl } = await emulator.start());
    emulator.addUser({ username: 'lumi_br', name: 'Lumi' });
    emulator.addTweet({ author_username: 'lumi_br', text: 'Olá, mundo! #lumi', created_at: new Date(Date.now() - 60_000) });
  });

  afterAll(() => emulator.stop());

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
