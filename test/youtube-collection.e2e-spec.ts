import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startYouTubeTestServer, YouTubeTestServer } from './support/youtube-test-server';

/**
 * The YouTube collector end to end: the real application on the embedded engine, reading a local
 * server that answers like the YouTube Data API v3 (and Google's token endpoint, for replies).
 */
describe('Collection from YouTube', () => {
  let yt: YouTubeTestServer;
  let t: TestApp;
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const collect = async (topicId: string) => (await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body;
  const asked = (route: string) => yt.requests.filter((r) => r.route === route);
  const BRAND = 'UCacmebank0000000000000a';
  const ANA = 'UCana000000000000000000a';
  const BOB = 'UCbob000000000000000000b';
  const CARLA = 'UCcarla00000000000000000';
  const CREATOR = 'UCcreator000000000000000';
  let topicId: string;

  beforeAll(async () => {
    const started = await startYouTubeTestServer();
    yt = started.server;
    yt.grantChannelId = BRAND;
    yt.addChannel({ id: BRAND, handle: '@AcmeBank', title: 'Acme Bank', subscribers: 5000 });
    yt.addChannel({ id: ANA, handle: '@ana', title: 'Ana', subscribers: 12 });
    yt.addChannel({ id: BOB, handle: '@bob', title: 'Bob', subscribers: 3 });
    yt.addChannel({ id: CARLA, handle: '@carla', title: 'Carla', subscribers: 40 });
    yt.addChannel({ id: CREATOR, handle: '@fintechreviews', title: 'Fintech Reviews', subscribers: 90000 });
    t = await startTestApp({ youtube: started.settings });
  });

  afterAll(async () => {
    await t?.close();
    await yt?.stop();
  });

  it('stores the brand’s videos, comments of others, its replies and matching videos once; a second run stores nothing new', async () => {
    yt.addVideo({
      id: 'acmeVideo01',
      channelId: BRAND,
      title: 'How to unblock your Acme card',
      publishedAt: hoursAgo(48),
      likes: 120,
      views: 3000,
    });
    yt.addVideo({ id: 'acmeVideo02', channelId: BRAND, title: 'Acme savings explained', publishedAt: hoursAgo(24), likes: 30, views: 900 });
    // older than BACKFILL_DAYS (30): not read on the first run
    yt.addVideo({
      id: 'acmeVideo00',
      channelId: BRAND,
      title: 'Acme 2025 recap',
      publishedAt: hoursAgo(24 * 40),
      likes: 999,
      views: 99999,
    });
    yt.addVideo({
      id: 'reviewVid01',
      channelId: CREATOR,
      title: 'Acme bank review: is it worth it?',
      description: 'An honest review',
      publishedAt: hoursAgo(5),
      likes: 800,
      views: 20000,
    });
    yt.addVideo({
      id: 'otherVid001',
      channelId: CREATOR,
      title: 'Best credit cards of the year',
      publishedAt: hoursAgo(4),
      likes: 50,
      views: 1000,
    });
    yt.addComment({
      id: 'UgAna0001',
      videoId: 'acmeVideo01',
      authorChannelId: ANA,
      text: 'My Acme card is still blocked, how do I unblock it? Nobody answers support',
      publishedAt: hoursAgo(10),
      likes: 2,
    });
    const replyAt = hoursAgo(9);
    yt.addComment({
      id: 'UgAna0001.brand01',
      videoId: 'acmeVideo01',
      authorChannelId: BRAND,
      parentId: 'UgAna0001',
      text: 'Hi Ana, we unblocked it: please try again.',
      publishedAt: replyAt,
    });
    yt.addComment({
      id: 'UgAna0001.carla01',
      videoId: 'acmeVideo01',
      authorChannelId: CARLA,
      parentId: 'UgAna0001',
      text: 'Same problem here, terrible service',
      publishedAt: hoursAgo(8),
    });
    yt.addComment({
      id: 'UgBob0001',
      videoId: 'acmeVideo02',
      authorChannelId: BOB,
      text: 'How do I open a savings account with Acme? I cannot find it in the app',
      publishedAt: hoursAgo(5),
    });

    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'Acme', query: 'acme', platforms: ['youtube'], ownedAccounts: [{ platform: 'youtube', handle: '@AcmeBank' }] })
        .expect(201)
    ).body as { id: string };
    topicId = topic.id;
    // 2 own videos; Ana's, Carla's and Bob's comments and the review video; the brand's reply to Ana
    expect(await collect(topic.id)).toEqual({ mentions: 4, posts: 2, replies: 1 });
    expect(await collect(topic.id)).toEqual({ mentions: 0, posts: 0, replies: 0 });

    const topicNow = (await admin().get(`/api/v1/topics/${topic.id}`).expect(200)).body;
    expect(topicNow.ownedAccounts[0]).toMatchObject({ platform: 'youtube', handle: 'acmebank', externalId: BRAND });
    expect(asked('channels')[0].params).toMatchObject({ forHandle: '@acmebank', part: 'snippet,contentDetails,statistics' });
    // one search for the topic (100 units), newest first, videos only, from the backfill window
    expect(asked('search')[0].params).toMatchObject({ q: 'acme', type: 'video', order: 'date', publishedAfter: expect.any(String) });

    const list = (await admin().get(`/api/v1/mentions?topic=${topic.id}&platform=youtube`).expect(200)).body;
    const byId = Object.fromEntries(list.data.map((m: { externalId: string }) => [m.externalId, m]));
    expect(Object.keys(byId).sort()).toEqual(['UgAna0001', 'UgAna0001.carla01', 'UgBob0001', 'reviewVid01']);
    expect(byId.UgAna0001).toMatchObject({ url: 'https://www.youtube.com/watch?v=acmeVideo01&lc=UgAna0001', author: { handle: 'ana' } });
    expect(byId.reviewVid01).toMatchObject({ url: 'https://www.youtube.com/watch?v=reviewVid01' });

    // per platform: applause = likes per video, amplification unknown (no share count), conversation = comments per video
    const overview = (await admin().get(`/api/v1/reports/overview?topic=${topic.id}&platform=youtube`).expect(200)).body;
    expect(overview.engagement).toMatchObject({
      posts: 2,
      applauseRate: (120 + 30) / 2,
      amplificationRate: null,
      conversationRate: (3 + 1) / 2,
    });

    // Ana's case was answered by the reply collected from her thread
    const cases = (await admin().get('/api/v1/cases?limit=200&platform=youtube').expect(200)).body.data as {
      customer: { handle: string };
      firstResponseAt: string | null;
    }[];
    expect(cases.find((c) => c.customer.handle === 'ana')).toMatchObject({ firstResponseAt: replyAt.toISOString() });
  });

  it('sends a reply from a YouTube case with comments.insert as the brand channel, counted once', async () => {
    const cases = (await admin().get('/api/v1/cases?limit=200&platform=youtube').expect(200)).body.data as {
      id: string;
      customer: { handle: string };
      outboundCount: number;
    }[];
    const bob = cases.find((c) => c.customer.handle === 'bob')!;
    expect(bob).toMatchObject({ outboundCount: 0 });
    const text = 'Hi Bob, tap Savings > Open account in the app.';
    const sent = (await admin().post(`/api/v1/cases/${bob.id}/replies`).send({ text, send: true }).expect(201)).body;
    expect(sent.outboundCount).toBe(1);
    const inserted = yt.inserted();
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toMatchObject({ parentId: 'UgBob0001', text, authorChannelId: BRAND });
    expect(asked('token')).toHaveLength(1);
    const outbound = sent.messages.find((m: { direction: string }) => m.direction === 'outbound');
    expect(outbound.externalId).toBe(inserted[0].id);
    // sent again (a double click, a lost answer): the comment already there, not a second one
    const again = (await admin().post(`/api/v1/cases/${bob.id}/replies`).send({ text, send: true }).expect(201)).body;
    expect(again.outboundCount).toBe(1);
    expect(yt.inserted()).toHaveLength(1);
    expect(asked('comments.insert')).toHaveLength(1);
    expect(asked('channels').filter((r) => r.params.mine === 'true')).toHaveLength(1);
    // the collector meets the same comment in Bob's thread and does not count it again
    await collect(topicId);
    expect((await admin().get(`/api/v1/cases/${bob.id}`).expect(200)).body).toMatchObject({ outboundCount: 1 });

    // a comment YouTube no longer has: its message, as a 404
    const ana = cases.find((c) => c.customer.handle === 'ana')!;
    yt.failNext('comments.insert', {
      status: 404,
      reason: 'parentCommentNotFound',
      message: 'The specified parent comment could not be found.',
      domain: 'youtube.comment',
    });
    const refused = await admin().post(`/api/v1/cases/${ana.id}/replies`).send({ text: 'Hi again', send: true }).expect(404);
    expect(refused.body.message).toMatch(
      /^YouTube refused the reply: The specified parent comment could not be found\. \(parentCommentNotFound\)/,
    );
    // the cached access token served the second call
    expect(asked('token')).toHaveLength(1);
  });

  it('quarantines a malformed comment and keeps the rest of the page, retries a 503, and stores the comment once a replay reads it right', async () => {
    const GLOW = 'UCglowbank00000000000000';
    const DAN = 'UCdan0000000000000000000';
    yt.addChannel({ id: GLOW, handle: '@glowbank', title: 'Glow Bank', subscribers: 800 });
    yt.addChannel({ id: DAN, handle: '@dan', title: 'Dan', subscribers: 1 });
    yt.addVideo({ id: 'glowVideo01', channelId: GLOW, title: 'Glow card launch', publishedAt: hoursAgo(30), likes: 10, views: 100 });
    yt.addComment({
      id: 'UgDan0001',
      videoId: 'glowVideo01',
      authorChannelId: DAN,
      text: 'When does the card ship?',
      publishedAt: hoursAgo(3),
    });
    yt.addComment({
      id: 'UgEve0001',
      videoId: 'glowVideo01',
      authorChannelId: ANA,
      text: 'My Glow card never arrived',
      publishedAt: hoursAgo(2),
    });
    yt.failNext('commentThreads', {
      alter: (body: { items: { id: string; snippet: { topLevelComment: { snippet: Record<string, unknown> } } }[] }) => {
        delete body.items.find((i) => i.id === 'UgEve0001')!.snippet.topLevelComment.snippet.authorChannelId;
      },
    });
    yt.failNext('videos', { status: 503, reason: 'backendError', message: 'Backend Error', domain: 'global' });
    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'Glow', query: 'glow', platforms: ['youtube'], ownedAccounts: [{ platform: 'youtube', handle: GLOW }] })
        .expect(201)
    ).body as { id: string };
    expect(await collect(topic.id)).toEqual({ mentions: 1, posts: 1, replies: 0 });
    // the channel id is kept as written (ids are case-sensitive) and looked up by id
    expect(asked('channels').at(-1)!.params).toMatchObject({ id: GLOW });

    const status = (await admin().get('/api/v1/collectors/status').expect(200)).body;
    const streams = status.topics.find((x: { id: string }) => x.id === topic.id).streams as {
      stream: string;
      lastRun: unknown;
      quarantined: number;
    }[];
    expect(streams.find((x) => x.stream === `youtube:comments:${GLOW}`)).toMatchObject({
      lastRun: { stored: 1, known: 0, rejected: 1 },
      quarantined: 1,
    });
    const listed = (await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}`).expect(200)).body.data;
    expect(listed).toEqual([
      expect.objectContaining({
        platform: 'youtube',
        externalId: 'UgEve0001',
        reason: 'invalid_payload',
        problem: expect.stringContaining('authorChannelId'),
      }),
    ]);

    const replay = (
      await admin()
        .post('/api/v1/collectors/rejected/replay')
        .send({ ids: [listed[0].id] })
        .expect(200)
    ).body;
    expect(replay).toMatchObject({
      selected: 1,
      stored: { mentions: 1, posts: 0, replies: 0 },
      released: 1,
      stillRejected: [],
      unreadable: [],
    });
    expect(asked('commentThreads').at(-1)!.params).toMatchObject({ id: 'UgEve0001' });
    expect(await collect(topic.id)).toEqual({ mentions: 0, posts: 0, replies: 0 });
  });

  it('pauses collection until midnight Pacific when YouTube answers quotaExceeded, and shows it in the status', async () => {
    yt.exceedQuotaNext('playlistItems');
    const before = yt.requests.length;
    expect(await collect(topicId)).toEqual({ mentions: 0, posts: 0, replies: 0 });
    const status = (await admin().get('/api/v1/collectors/status').expect(200)).body;
    const youtube = status.networks.find((n: { platform: string }) => n.platform === 'youtube');
    const pausedUntil = new Date(youtube.quota.pausedUntil);
    expect(youtube).toMatchObject({ configured: true, quota: { limit: 10000, reason: expect.stringMatching(/quotaExceeded/) } });
    // midnight in Los Angeles: 08:00 or 07:00 UTC, within the next 24 hours
    expect([7, 8]).toContain(pausedUntil.getUTCHours());
    expect(pausedUntil.getUTCMinutes()).toBe(0);
    expect(pausedUntil.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 3600_000);
    expect(youtube.quota.used).toBeGreaterThan(100);
    expect(status.topics.find((x: { id: string }) => x.id === topicId)).toMatchObject({ lastError: null });
    const during = yt.requests.length;
    expect(during - before).toBeLessThanOrEqual(3);
    // paused: the next run asks YouTube nothing
    await collect(topicId);
    expect(yt.requests.length).toBe(during);
  });
});
