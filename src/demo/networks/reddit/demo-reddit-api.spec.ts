import { NetworkTargets } from '../../../config/network-targets';
import { loadSettings } from '../../../config/settings';
import { listingOf } from '../../../collectors/reddit/reddit-payload';
import { RedditClient } from '../../../collectors/reddit/reddit-client';
import { startDemoRedditApi, type DemoRedditApi } from './demo-reddit-api';

describe('Demo Reddit', () => {
  let demo: DemoRedditApi;
  let client: RedditClient;
  beforeAll(async () => {
    demo = await startDemoRedditApi({ tickSeconds: 3600 });
    const targets = new NetworkTargets(loadSettings({}, { overrides: { dataDir: ':memory:' } }));
    targets.set('reddit', {
      apiUrl: demo.apiUrl,
      authUrl: demo.authUrl,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      userAgent: demo.userAgent,
      account: demo.account,
    });
    client = new RedditClient(targets);
  });
  afterAll(() => demo.stop());

  it('serves a week of the brand’s traffic: its submissions, customers’ submissions found by search, comments in the watched subreddit', async () => {
    expect(demo.ownedHandles).toEqual(['lumi_br', 'lumi_ajuda']);
    const own = listingOf(await client.get('user/lumi_br/submitted', { sort: 'new', limit: 100 }))!;
    expect(own.children.length).toBeGreaterThan(0);
    const found = listingOf(await client.get('search', { q: 'lumi', sort: 'new', type: 'link', limit: 100 }))!;
    expect(found.children.some((c) => (c as { data: { subreddit: string } }).data.subreddit === 'personalfinance')).toBe(true);
    const watched = listingOf(await client.get(`r/${demo.subreddits[0]}/comments`, { limit: 100 }))!;
    expect(watched.children.length).toBeGreaterThan(0);
    const care = listingOf(await client.get('user/lumi_ajuda/comments', { sort: 'new', limit: 100 }))!;
    expect(care.children.length).toBeGreaterThan(0);
  });

  it('takes a reply as the brand’s script account', async () => {
    const watched = listingOf(await client.get(`r/${demo.subreddits[0]}/comments`, { limit: 1 }))!;
    const parent = (watched.children[0] as { data: { name: string } }).data.name;
    const res = (await client.post('api/comment', { api_type: 'json', thing_id: parent, text: 'Oi! Vamos te ajudar.' })) as {
      json: { errors: unknown[]; data: { things: { data: { author: string; parent_id: string } }[] } };
    };
    expect(res.json.errors).toEqual([]);
    expect(res.json.data.things[0].data).toMatchObject({ author: 'lumi_br', parent_id: parent });
  });
});
