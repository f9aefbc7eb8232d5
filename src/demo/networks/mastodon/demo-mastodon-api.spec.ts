import { createRestAPIClient } from 'masto';
import { startDemoMastodonApi, type DemoMastodonApi } from './demo-mastodon-api';

describe('the demo Mastodon instance', () => {
  let api: DemoMastodonApi;

  beforeAll(async () => {
    api = await startDemoMastodonApi({ days: 2, tickSeconds: 3600 });
  });
  afterAll(async () => api?.stop());

  it('serves two days of the brand’s traffic over plain HTTP to the token made at start-up', async () => {
    expect(api.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.ownedHandles).toEqual(['lumi_br', 'lumi_ajuda']);
    await expect(
      createRestAPIClient({ url: api.baseUrl, accessToken: 'wrong' }).v2.search.list({ q: 'lumi', type: 'statuses' }),
    ).rejects.toThrow();
    const client = createRestAPIClient({ url: api.baseUrl, accessToken: api.accessToken });
    const found = await client.v2.search.list({ q: 'lumi', type: 'statuses', limit: 40 });
    expect(found.statuses.length).toBeGreaterThan(10);
    const care = await client.v1.accounts.lookup({ acct: 'lumi_ajuda' });
    const statuses = await client.v1.accounts.$select(care.id).statuses.list({ limit: 40 });
    expect(statuses.filter((s) => s.inReplyToAccountId && s.inReplyToAccountId !== care.id).length).toBeGreaterThan(5);
    expect((await client.v1.accounts.lookup({ acct: 'lumi_br' })).followersCount).toBeGreaterThan(1000);
  });
});
