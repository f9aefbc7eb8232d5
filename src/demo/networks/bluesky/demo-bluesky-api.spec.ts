import { AtpAgent } from '@atproto/api';
import { blueskyHandleFor, startDemoBlueskyApi, type DemoBlueskyApi } from './demo-bluesky-api';

describe('the demo Bluesky API', () => {
  let api: DemoBlueskyApi;

  beforeAll(async () => {
    api = await startDemoBlueskyApi({ days: 2, tickSeconds: 3600 });
  });
  afterAll(async () => api?.stop());

  it('maps X usernames to Bluesky handles', () => {
    expect(blueskyHandleFor('Lumi_BR')).toBe('lumi-br.bsky.social');
    expect(api.ownedHandles).toEqual(['lumi-br.bsky.social', 'lumi-ajuda.bsky.social']);
  });

  it('serves two days of the brand’s traffic to a logged-in agent over plain HTTP', async () => {
    expect(api.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const agent = new AtpAgent({ service: api.baseUrl });
    await expect(agent.login({ identifier: api.identifier, password: 'wrong' })).rejects.toThrow();
    await agent.login({ identifier: api.identifier, password: api.password });

    const found = await agent.app.bsky.feed.searchPosts({ q: 'lumi', limit: 100 });
    expect(found.data.posts.length).toBeGreaterThan(20);
    // mentions follow the handles: no X-style @username is left in a text
    for (const p of found.data.posts) expect((p.record as { text: string }).text).not.toMatch(/@lumi_br\b/);

    const care = await agent.getAuthorFeed({ actor: 'lumi-ajuda.bsky.social', limit: 100 });
    const replies = care.data.feed.filter((item) => (item.post.record as { reply?: unknown }).reply);
    expect(replies.length).toBeGreaterThan(5);
    const profile = await agent.getProfile({ actor: 'lumi-br.bsky.social' });
    expect(profile.data.followersCount).toBeGreaterThan(1000);
  });
});
