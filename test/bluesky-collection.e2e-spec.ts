import { LISTENING_PLATFORMS } from '../src/common/platform';
import { AtpAgent } from '@atproto/api';
import { MetricsRefresher } from '../src/collectors/metrics-refresher';
import type { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { BLUESKY_TEST_PASSWORD, BlueskyTestServer, startBlueskyTestServer } from './support/bluesky-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * The Bluesky collector end to end: the real application on the embedded engine, logged in with
 * an app password to a local HTTPS server that answers like Bluesky's XRPC API.
 */
describe('Collection from Bluesky', () => {
  let bsky: BlueskyTestServer;
  let t: TestApp;
  let bskyBaseUrl: string;
  const bskyAgentPosts = async (uris: string[]) => {
    const agent = new AtpAgent({ service: bskyBaseUrl });
    await agent.login({ identifier: 'ana.bsky.social', password: BLUESKY_TEST_PASSWORD });
    return (await agent.getPosts({ uris })).data.posts;
  };
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const collect = async (topicId: string, status = 200) => (await admin().post(`/api/v1/topics/${topicId}/collect`).expect(status)).body;
  const newTopic = async (body: Record<string, unknown>) =>
    (
      await admin()
        .post('/api/v1/topics')
        .send({ platforms: ['bluesky'], ...body })
        .expect(201)
    ).body as { id: string };

  beforeAll(async () => {
    const started = await startBlueskyTestServer();
    bsky = started.server;
    bskyBaseUrl = started.baseUrl;
    bsky.addUser({ handle: 'lumi.bsky.social', displayName: 'Lumi', followersCount: 4200 });
    bsky.addUser({ handle: 'ana.bsky.social', displayName: 'Ana' });
    bsky.addUser({ handle: 'john.bsky.social', displayName: 'John' });
    bsky.addUser({ handle: 'carla.bsky.social', displayName: 'Carla' });
    t = await startTestApp({ bluesky: { identifier: 'lumi.bsky.social', appPassword: BLUESKY_TEST_PASSWORD, service: started.baseUrl } });
  });

  afterAll(async () => {
    await t?.close();
    await bsky?.stop();
  });

  it('stores mentions, own posts and the brand’s replies once; a second run stores nothing new', async () => {
    const ana = bsky.addPost({
      author: 'ana.bsky.social',
      text: 'Meu cartão Lumi foi bloqueado e ninguém responde, preciso de ajuda urgente',
      langs: ['pt'],
      createdAt: hoursAgo(5),
    });
    bsky.addPost({ author: 'john.bsky.social', text: 'I love the new Lumi app, great job!', langs: ['en'], createdAt: hoursAgo(4) });
    bsky.addPost({
      author: 'carla.bsky.social',
      text: 'lumi é a pior empresa, péssimo atendimento',
      langs: ['pt'],
      createdAt: hoursAgo(3),
    });
    // excluded by the query's negation, and too old for a first run
    bsky.addPost({ author: 'carla.bsky.social', text: 'lumi sorteio grátis', langs: ['pt'], createdAt: hoursAgo(2) });
    bsky.addPost({ author: 'john.bsky.social', text: 'lumi from last month', langs: ['en'], createdAt: hoursAgo(24 * 30) });
    // the brand: a post (a mention of itself, never a mention), a reply to Ana, a thread, a repost
    const own = bsky.addPost({
      author: 'lumi.bsky.social',
      text: 'Conheça a nova fatura digital da Lumi!',
      langs: ['pt'],
      createdAt: hoursAgo(6),
      likeCount: 10,
      repostCount: 2,
      quoteCount: 1,
      replyCount: 3,
    });
    bsky.addPost({
      author: 'lumi.bsky.social',
      text: '2/2 Disponível para todos os clientes.',
      langs: ['pt'],
      createdAt: hoursAgo(5.9),
      replyTo: own.uri,
    });
    const replyAt = new Date(Math.floor(hoursAgo(4.5).getTime() / 1000) * 1000);
    bsky.addPost({
      author: 'lumi.bsky.social',
      text: 'Oi Ana, já desbloqueamos seu cartão Lumi.',
      langs: ['pt'],
      createdAt: replyAt,
      replyTo: ana.uri,
    });
    bsky.addRepost('lumi.bsky.social', ana.uri, hoursAgo(4.4));

    const topic = await newTopic({
      name: 'Lumi',
      query: '(lumi OR #lumibank) -sorteio',
      ownedAccounts: [{ platform: 'bluesky', handle: '@Lumi.bsky.social' }],
    });
    expect(await collect(topic.id)).toEqual({ mentions: 3, posts: 2, replies: 1 });
    expect(await collect(topic.id)).toEqual({ mentions: 0, posts: 0, replies: 0 });

    const list = (await admin().get(`/api/v1/mentions?topic=${topic.id}&platform=bluesky`).expect(200)).body;
    expect(list.data.map((m: { author: { handle: string } }) => m.author.handle)).toEqual([
      'carla.bsky.social',
      'john.bsky.social',
      'ana.bsky.social',
    ]);
    const byAuthor = Object.fromEntries(list.data.map((m: { author: { handle: string } }) => [m.author.handle, m]));
    expect(byAuthor['ana.bsky.social']).toMatchObject({
      platform: 'bluesky',
      externalId: ana.uri,
      lang: 'pt',
      sentiment: { label: 'negative' },
      url: `https://bsky.app/profile/ana.bsky.social/post/${ana.uri.split('/').pop()}`,
    });
    expect(byAuthor['john.bsky.social']).toMatchObject({ lang: 'en', sentiment: { label: 'positive' }, intent: 'praise' });

    const topicNow = (await admin().get(`/api/v1/topics/${topic.id}`).expect(200)).body;
    expect(topicNow.ownedAccounts[0]).toEqual({
      platform: 'bluesky',
      handle: 'lumi.bsky.social',
      externalId: expect.stringMatching(/^did:plc:/),
    });

    // the brand's reply answered Ana's case
    const cases = (await admin().get('/api/v1/cases?limit=200').expect(200)).body.data as {
      platform: string;
      inboundCount: number;
      outboundCount: number;
      firstResponseAt: string | null;
      customer?: { handle: string };
    }[];
    const anaCase = cases.find((c) => c.platform === 'bluesky' && c.outboundCount === 1);
    expect(anaCase).toMatchObject({ inboundCount: 1, firstResponseAt: replyAt.toISOString() });

    // search asked for the query's positive terms only; the feed was read with the brand's DID
    const searches = bsky.requests.filter((r) => r.nsid === 'app.bsky.feed.searchPosts').map((r) => r.params.q);
    expect([...new Set(searches)].sort()).toEqual(['#lumibank', 'lumi']);
    expect(bsky.requests.every((r) => r.nsid.startsWith('com.atproto.server.') || r.authorized)).toBe(true);
    expect(bsky.sessionsCreated).toBe(1);
  });

  it('pages through more than one page of search results', async () => {
    for (let i = 0; i < 230; i++)
      bsky.addPost({
        author: 'john.bsky.social',
        text: `pagination check ${i} for acmepaged`,
        langs: ['en'],
        createdAt: hoursAgo(1 + i / 1000),
      });
    const topic = await newTopic({ name: 'Paged', query: 'acmepaged' });
    expect((await collect(topic.id)).mentions).toBe(230);
    const pages = bsky.requests.filter((r) => r.nsid === 'app.bsky.feed.searchPosts' && r.params.q === 'acmepaged');
    expect(pages.map((r) => r.params.limit)).toEqual(['100', '100', '100']);
  });

  it('waits out a 429 until ratelimit-reset, retries a 5xx, and refreshes an expired token', async () => {
    bsky.addPost({ author: 'ana.bsky.social', text: 'ratelimitcheck one', langs: ['en'], createdAt: hoursAgo(1) });
    const topic = await newTopic({ name: 'Limited', query: 'ratelimitcheck' });
    bsky.failNext('app.bsky.feed.searchPosts', { status: 429, resetInSeconds: 2 });
    bsky.failNext('app.bsky.feed.searchPosts', { status: 503 });
    bsky.failNext('app.bsky.feed.searchPosts', { expiredToken: true });
    const started = Date.now();
    expect((await collect(topic.id)).mentions).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(bsky.requests.some((r) => r.nsid === 'com.atproto.server.refreshSession')).toBe(true);
    expect(bsky.sessionsCreated).toBe(1);
  });

  it('resumes a failed run from the cursor of the last stored page', async () => {
    for (let i = 0; i < 250; i++)
      bsky.addPost({ author: 'carla.bsky.social', text: `resumecheck ${i}`, langs: ['en'], createdAt: hoursAgo(2 + i / 1000) });
    const topic = await newTopic({ name: 'Resume', query: 'resumecheck' });
    // the first page is stored, then the service fails past the collector's retries (one try and
    // five back-offs): the collect job fails, and the job's own retry starts again from the cursor
    bsky.failNext('app.bsky.feed.searchPosts', { delayMs: 1 });
    bsky.failNext('app.bsky.feed.searchPosts', { status: 502 }, 6);
    const res = await collect(topic.id);
    // the answer counts the run that completed: the pages after the one stored before the failure
    expect(res.mentions).toBe(150);
    expect((await admin().get(`/api/v1/mentions?topic=${topic.id}&limit=200`).expect(200)).body.data).toHaveLength(200);
    const more = (
      await admin()
        .get(
          `/api/v1/mentions?topic=${topic.id}&limit=200&cursor=${(await admin().get(`/api/v1/mentions?topic=${topic.id}&limit=200`)).body.nextCursor}`,
        )
        .expect(200)
    ).body.data;
    expect(more).toHaveLength(50);
    const asked = bsky.requests.filter((r) => r.nsid === 'app.bsky.feed.searchPosts' && r.params.q === 'resumecheck');
    expect(asked).toHaveLength(1 + 6 + 2);
    // the retry starts at the page that failed, not at the first page again
    expect(asked[7].params.cursor).toBeDefined();
    expect(asked[7].params.cursor).toBe(asked[1].params.cursor);
    // operators see the failure and the success that followed
    const status = (await admin().get('/api/v1/collectors/status').expect(200)).body;
    const resume = status.topics.find((x: { id: string }) => x.id === topic.id);
    expect(resume).toMatchObject({ lastCounts: { mentions: 150, posts: 0, replies: 0 }, lastError: expect.any(String) });
    expect(Date.parse(resume.lastSucceededAt)).toBeGreaterThan(Date.parse(resume.lastFailedAt));
    expect(resume.streams).toEqual([
      expect.objectContaining({
        stream: 'bluesky:search:resumecheck',
        platform: 'bluesky',
        resuming: false,
        caughtUpTo: expect.any(String),
      }),
    ]);
  }, 120_000);

  it('refreshes likes and reposts of recent posts and mentions', async () => {
    const own = bsky.addPost({
      author: 'lumi.bsky.social',
      text: 'metricscheck own post',
      langs: ['en'],
      createdAt: hoursAgo(1),
      likeCount: 1,
    });
    const mention = bsky.addPost({
      author: 'ana.bsky.social',
      text: 'metricscheck lumi mention',
      langs: ['en'],
      createdAt: hoursAgo(1),
      likeCount: 1,
    });
    const topic = await newTopic({
      name: 'Metrics',
      query: 'metricscheck',
      ownedAccounts: [{ platform: 'bluesky', handle: 'lumi.bsky.social' }],
    });
    await collect(topic.id);
    bsky.setCounts(own.uri, { likeCount: 42, repostCount: 7 });
    bsky.setCounts(mention.uri, { likeCount: 9 });
    await t.app.get(MetricsRefresher).refreshAll();
    const list = (await admin().get(`/api/v1/mentions?topic=${topic.id}`).expect(200)).body.data as {
      externalId: string;
      metrics: { likes: number };
    }[];
    expect(list.find((m) => m.externalId === mention.uri)?.metrics.likes).toBe(9);
    expect(bsky.requests.some((r) => r.nsid === 'app.bsky.feed.getPosts' && [r.params.uris].flat().includes(own.uri))).toBe(true);
  });

  it('counts a reply recorded through the API with its at-uri once, when the collector reads it too', async () => {
    const question = bsky.addPost({
      author: 'john.bsky.social',
      text: 'replycheck how do I unblock my card?',
      langs: ['en'],
      createdAt: hoursAgo(3),
    });
    const topic = await newTopic({
      name: 'Recorded',
      query: 'replycheck',
      ownedAccounts: [{ platform: 'bluesky', handle: 'lumi.bsky.social' }],
    });
    expect((await collect(topic.id)).mentions).toBe(1);
    const cases = (await admin().get('/api/v1/cases?limit=200').expect(200)).body.data as {
      id: string;
      platform: string;
      outboundCount: number;
      lastInboundAt?: string;
    }[];
    const open = cases.find((c) => c.platform === 'bluesky' && c.outboundCount === 0);
    expect(open).toBeDefined();
    // newer than anything in the brand's feed, so the next collection reads it
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const reply = bsky.addPost({
      author: 'lumi.bsky.social',
      text: 'Hi John, tap Card > Unblock in the app.',
      langs: ['en'],
      createdAt: at,
      replyTo: question.uri,
    });
    await admin()
      .post(`/api/v1/cases/${open!.id}/replies`)
      .send({ text: 'Hi John, tap Card > Unblock in the app.', externalId: reply.uri, at: at.toISOString() })
      .expect(201);
    expect((await collect(topic.id)).replies).toBe(1);
    const after = (await admin().get(`/api/v1/cases/${open!.id}`).expect(200)).body;
    expect(after).toMatchObject({ outboundCount: 1, firstResponseAt: at.toISOString() });
  });

  it('sends an agent’s reply on Bluesky in the customer’s thread, and counts it once when the feed is read', async () => {
    const root = bsky.addPost({
      author: 'carla.bsky.social',
      text: 'sendcheck my card is blocked, help!',
      langs: ['en'],
      createdAt: hoursAgo(2),
    });
    const followUp = bsky.addPost({
      author: 'carla.bsky.social',
      text: 'sendcheck still waiting…',
      langs: ['en'],
      createdAt: hoursAgo(1),
      replyTo: root.uri,
    });
    const topic = await newTopic({
      name: 'Send',
      query: 'sendcheck',
      ownedAccounts: [{ platform: 'bluesky', handle: 'lumi.bsky.social' }],
    });
    expect((await collect(topic.id)).mentions).toBe(2);
    const cases = (await admin().get('/api/v1/cases?limit=200&platform=bluesky').expect(200)).body.data as {
      id: string;
      customer: { handle: string };
      outboundCount: number;
    }[];
    const carla = cases.find((c) => c.customer.handle === 'carla.bsky.social' && c.outboundCount === 0)!;
    expect(carla).toBeDefined();

    // validated before anything is sent
    const tooLong = await admin()
      .post(`/api/v1/cases/${carla.id}/replies`)
      .send({ text: 'x'.repeat(301), send: true })
      .expect(400);
    expect(tooLong.body.message).toMatch(/^text: at most 300 graphemes on Bluesky/);
    await admin().post(`/api/v1/cases/${carla.id}/replies`).send({ text: 'hi', send: true, externalId: 'abc' }).expect(400);
    expect(bsky.requests.some((r) => r.nsid === 'com.atproto.repo.createRecord')).toBe(false);

    const sent = (
      await admin()
        .post(`/api/v1/cases/${carla.id}/replies`)
        .send({ text: 'Hi Carla, tap Card > Unblock. More at https://lumi.example/help #LumiCares', send: true })
        .expect(201)
    ).body;
    const outbound = sent.messages.filter((m: { direction: string }) => m.direction === 'outbound');
    expect(outbound).toEqual([
      expect.objectContaining({ source: 'api', externalId: expect.stringMatching(/^at:\/\/did:plc:[a-z2-7]+\/app\.bsky\.feed\.post\//) }),
    ]);
    expect(sent).toMatchObject({ outboundCount: 1, firstResponseAt: expect.any(String) });
    // the post is a reply to the latest message, in the thread of the first
    const [created] = (await bskyAgentPosts([outbound[0].externalId])) as unknown as {
      record: { reply: { parent: { uri: string }; root: { uri: string } }; facets?: unknown[] };
    }[];
    expect(created.record.reply.parent.uri).toBe(followUp.uri);
    expect(created.record.reply.root.uri).toBe(root.uri);
    expect(created.record.facets).toHaveLength(2); // the link and the hashtag

    // the collector reads the brand's feed and finds the same post: known from the platform too, still one response
    expect((await collect(topic.id)).replies).toBe(1);
    expect((await admin().get(`/api/v1/cases/${carla.id}`).expect(200)).body).toMatchObject({
      outboundCount: 1,
      firstResponseAt: sent.firstResponseAt,
    });
  });

  it('refuses a Bluesky handle that is not a domain, and a query Bluesky cannot search', async () => {
    const bad = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Bad', query: 'lumi', platforms: ['bluesky'], ownedAccounts: [{ platform: 'bluesky', handle: 'lumi_br' }] })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/Bluesky handle/);
    const x = await admin()
      .post('/api/v1/topics')
      .send({ name: 'X ok', query: 'lumi', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi.bsky.social' }] })
      .expect(400);
    expect(JSON.stringify(x.body.message)).toMatch(/X handle/);
    const unsearchable = await admin()
      .post('/api/v1/topics')
      .send({ name: 'From only', query: 'from:lumi_br OR lumi', platforms: ['x', 'bluesky'] })
      .expect(400);
    expect(unsearchable.body.message).toMatch(/query cannot be searched on Bluesky/);
    await admin()
      .post('/api/v1/topics')
      .send({ name: 'From only', query: 'from:lumi_br OR lumi', platforms: ['x'] })
      .expect(201);
  });
});

describe('Bluesky without credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('skips Bluesky with a warning instead of failing the collection', async () => {
    const topic = (
      await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Lumi', query: 'lumi', platforms: ['bluesky'] })
        .expect(201)
    ).body;
    const res = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.id}/collect`).expect(200);
    expect(res.body).toEqual({ mentions: 0, posts: 0, replies: 0 });
  });
});

describe('Reports narrowed to one network', () => {
  let bsky: BlueskyTestServer;
  let x: XApiEmulator;
  let t: TestApp;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

  beforeAll(async () => {
    const b = await startBlueskyTestServer();
    const xs = await startXTestServer();
    bsky = b.server;
    x = xs.server;
    t = await startTestApp({
      bluesky: { identifier: 'lumi.bsky.social', appPassword: BLUESKY_TEST_PASSWORD, service: b.baseUrl },
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: xs.baseUrl, monthlyReadCap: 100000 },
    });
  });

  afterAll(async () => {
    await t?.close();
    await bsky?.stop();
    await x?.stop();
  });

  it('counts each network’s mentions, own posts and cases under platform=, and all of them without it', async () => {
    bsky.addUser({ handle: 'lumi.bsky.social', followersCount: 1000 });
    bsky.addUser({ handle: 'ana.bsky.social' });
    bsky.addPost({
      author: 'ana.bsky.social',
      text: 'lumi meu cartão foi bloqueado, preciso de ajuda',
      langs: ['pt'],
      createdAt: hoursAgo(5),
    });
    bsky.addPost({ author: 'lumi.bsky.social', text: 'Novidade no app da Lumi', langs: ['pt'], createdAt: hoursAgo(6), likeCount: 30 });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi', public_metrics: { followers_count: 5000 } });
    x.addUser({ id: '201', username: 'joao', name: 'João' });
    x.addTweet({ author_id: '201', text: 'lumi não consigo pagar a fatura, alguém ajuda?', lang: 'pt', created_at: hoursAgo(4) });
    x.addTweet({ author_id: '201', text: 'lumi app caiu de novo', lang: 'pt', created_at: hoursAgo(3) });
    x.addTweet({
      author_id: '100',
      text: 'Fatura digital chegou na Lumi',
      lang: 'pt',
      created_at: hoursAgo(7),
      public_metrics: { like_count: 10, retweet_count: 1, quote_count: 0, reply_count: 0, impression_count: 100 },
    });
    x.addTweet({ author_id: '100', text: 'Mais uma novidade Lumi', lang: 'pt', created_at: hoursAgo(6.5) });

    const topic = (
      await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({
          name: 'Both',
          query: 'lumi',
          platforms: ['x', 'bluesky'],
          ownedAccounts: [
            { platform: 'x', handle: 'lumi_br' },
            { platform: 'bluesky', handle: 'lumi.bsky.social' },
          ],
        })
        .expect(201)
    ).body;
    expect((await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body).toEqual({
      mentions: 3,
      posts: 3,
      replies: 0,
    });

    const overview = async (platform?: string) =>
      (
        await t
          .as(TEST_ADMIN_KEY)
          .get(`/api/v1/reports/overview?topic=${topic.id}${platform ? `&platform=${platform}` : ''}`)
          .expect(200)
      ).body;
    const all = await overview();
    const onBluesky = await overview('bluesky');
    const onX = await overview('x');
    expect([all.volume.mentions, onBluesky.volume.mentions, onX.volume.mentions]).toEqual([3, 1, 2]);
    const none = Object.fromEntries(LISTENING_PLATFORMS.map((p) => [p, 0]));
    expect(all.volume.byPlatform).toEqual({ ...none, x: 2, bluesky: 1 });
    expect(onBluesky.volume.byPlatform).toEqual({ ...none, bluesky: 1 });
    const series = (
      await t.as(TEST_ADMIN_KEY).get(`/api/v1/reports/timeseries?metric=volume.byPlatform.x&interval=day&topic=${topic.id}`).expect(200)
    ).body;
    expect(series.points.reduce((n: number, p: { value: number }) => n + p.value, 0)).toBe(2);
    expect([all.engagement.posts, onBluesky.engagement.posts, onX.engagement.posts]).toEqual([3, 1, 2]);
    expect(onBluesky.service.casesOpened + onX.service.casesOpened).toBe(all.service.casesOpened);
    expect(onBluesky.service.casesOpened).toBeGreaterThan(0);
    expect(onX.service.casesOpened).toBeGreaterThan(0);
    const care = (await t.as(TEST_ADMIN_KEY).get('/api/v1/reports/care?platform=bluesky').expect(200)).body;
    expect(care.range.platform).toBe('bluesky');
    expect(care.service.casesOpened).toBe(onBluesky.service.casesOpened);

    const status = (await t.as(TEST_ADMIN_KEY).get('/api/v1/collectors/status').expect(200)).body;
    // the other networks (Meta's, YouTube, Reddit) are listed too, unconfigured here
    expect(status.networks).toEqual(
      expect.arrayContaining([
        { platform: 'x', configured: true, readsThisMonth: expect.any(Number), monthlyReadCap: 100000 },
        { platform: 'bluesky', configured: true, readsThisMonth: expect.any(Number), monthlyReadCap: null },
        { platform: 'mastodon', configured: false, readsThisMonth: 0, monthlyReadCap: null },
        { platform: 'reddit', configured: false, readsThisMonth: 0, monthlyReadCap: null },
      ]),
    );
    expect(status.networks[0].readsThisMonth).toBeGreaterThanOrEqual(4);
    const both = status.topics.find((x: { id: string }) => x.id === topic.id);
    expect(both).toMatchObject({ name: 'Both', lastCounts: { mentions: 3, posts: 3, replies: 0 }, lastError: null });
    const streams = both.streams.map((x: { stream: string }) => x.stream);
    expect(streams).toHaveLength(4);
    expect(streams).toEqual(
      expect.arrayContaining(['bluesky:search:lumi', expect.stringMatching(/^bluesky:timeline:did:plc:/), 'x:search', 'x:timeline:100']),
    );

    // X's app-only token cannot post: sending is refused with what to do instead, and nothing is recorded
    const xCase = (
      (await t.as(TEST_ADMIN_KEY).get('/api/v1/cases?platform=x&limit=10').expect(200)).body.data as { id: string; outboundCount: number }[]
    )[0];
    const refused = await t.as(TEST_ADMIN_KEY).post(`/api/v1/cases/${xCase.id}/replies`).send({ text: 'Oi!', send: true }).expect(422);
    expect(refused.body.message).toMatch(/^send: replies cannot be sent on X from Ouvidor .*record it without "send"/);
    expect((await t.as(TEST_ADMIN_KEY).get(`/api/v1/cases/${xCase.id}`).expect(200)).body.outboundCount).toBe(xCase.outboundCount);

    const csv = (await t.as(TEST_ADMIN_KEY).get(`/api/v1/exports/posts.csv?topic=${topic.id}&platform=bluesky`).expect(200)).text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(csv[0]).toMatch(/^platform,external_id,/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['bluesky']);
  });
});
