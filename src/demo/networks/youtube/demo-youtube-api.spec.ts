import { startDemoYouTubeApi, type DemoYouTubeApi } from './demo-youtube-api';

/** The demo's YouTube answers like the Data API with a week of the brand's videos and comments. */
describe('the demo YouTube', () => {
  let demo: DemoYouTubeApi;
  const get = async (resource: string, params: Record<string, string>) => {
    const url = new URL(resource, demo.target.apiUrl);
    for (const [k, v] of Object.entries({ ...params, key: demo.target.apiKey })) url.searchParams.set(k, v);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return (await res.json()) as { items?: any[] };
  };

  beforeAll(async () => {
    demo = await startDemoYouTubeApi({ tickSeconds: 3600 });
  });
  afterAll(() => demo?.stop());

  it('has the brand channel with uploads, comments of customers and the brand’s replies in their threads', async () => {
    expect(demo.ownedHandles).toEqual(['lumi_br']);
    const channel = (await get('channels', { part: 'snippet,contentDetails,statistics', forHandle: '@lumi_br' })).items![0];
    const uploads = await get('playlistItems', {
      part: 'contentDetails',
      playlistId: channel.contentDetails.relatedPlaylists.uploads,
      maxResults: '50',
    });
    expect(uploads.items!.length).toBeGreaterThan(0);
    const threads = await get('commentThreads', { part: 'snippet,replies', allThreadsRelatedToChannelId: channel.id, maxResults: '100' });
    expect(threads.items!.length).toBeGreaterThan(10);
    const replies = threads.items!.flatMap((t) => t.replies?.comments ?? []);
    expect(replies.some((r) => r.snippet.authorChannelId.value === channel.id)).toBe(true);
  });
});
