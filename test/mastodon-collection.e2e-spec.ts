import { MetricsRefresher } from '../src/collectors/metrics-refresher';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

/**
 * The Mastodon collector end to end: the real application on the embedded engine, reading a
 * local HTTPS server that answers like a Mastodon 4.3 instance's REST API, with a read token.
 */
describe('Collection from Mastodon', () => {
  let masto: MastodonTestServer;
  let t: TestApp;
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const collect = async (topicId: string) => (await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body;
  const newTopic = async (body: Record<string, unknown>) =>
    (
      await admin()
        .post('/api/v1/topics')
        .send({ platforms: ['mastodon'], ...body })
        .expect(201)
    ).body as { id: string };
  const asked = (route: string) => masto.requests.filter((r) => r.route === route);

  beforeAll(async () => {
    const started = await startMastodonTestServer();
    masto = started.server;
    masto.addUser({ username: 'lumi', displayName: 'Lumi', followersCount: 3100 });
    masto.addUser({ username: 'ana', displayName: 'Ana' });
    masto.addUser({ username: 'john', displayName: 'John', domain: 'other.example' });
    masto.addUser({ username: 'carla', displayName: 'Carla' });
    t = await startTestApp({ mastodon: { url: started.baseUrl, accessToken: MASTODON_TEST_TOKEN } });
  });

  afterAll(async () => {
    await t?.close();
    await masto?.stop();
  });

  it('stores mentions from tag timelines and search, own posts and the brand’s replies once; a second run stores nothing new', async () => {
    const ana = masto.addPost({
      author: 'ana',
      text: 'Meu cartão Lumi foi bloqueado e ninguém responde, preciso de ajuda urgente',
      language: 'pt',
      createdAt: hoursAgo(5),
    });
    masto.addPost({
      author: 'john@other.example',
      text: 'I love the new app, great job! #LumiBank',
      language: 'en',
      createdAt: hoursAgo(4),
    });
    masto.addPost({
      author: 'carla',
      text: 'lumi é a pior empresa, péssimo atendimento',
      language: 'pt',
      createdAt: hoursAgo(3),
      spoilerText: 'reclamação',
    });
    // excluded by the negation; too old for a first run; not public (search and tags do not show it)
    masto.addPost({ author: 'carla', text: 'lumi sorteio grátis', language: 'pt', createdAt: hoursAgo(2) });
    masto.addPost({ author: 'ana', text: 'lumi from last month', language: 'en', createdAt: hoursAgo(24 * 30) });
    masto.addPost({ author: 'ana', text: 'lumi only for my followers', language: 'en', createdAt: hoursAgo(2), visibility: 'private' });
    // the brand: a post, a thread, a direct reply to Ana (a care response), a followers-only post, a reblog
    const own = masto.addPost({
      author: 'lumi',
      text: 'Conheça a nova fatura digital da Lumi!',
      language: 'pt',
      createdAt: hoursAgo(6),
      favouritesCount: 10,
      reblogsCount: 2,
    });
    masto.addPost({
      author: 'lumi',
      text: '2/2 Disponível para todos os clientes.',
      language: 'pt',
      createdAt: hoursAgo(5.9),
      replyTo: own.id,
    });
    const replyAt = hoursAgo(4.5);
    masto.addPost({
      author: 'lumi',
      text: '@ana Oi Ana, já desbloqueamos seu cartão.',
      language: 'pt',
      createdAt: replyAt,
      replyTo: ana.id,
      visibility: 'direct',
    });
    masto.addPost({ author: 'lumi', text: 'Só para seguidores', language: 'pt', createdAt: hoursAgo(5), visibility: 'private' });
    masto.addReblog('lumi', ana.id, hoursAgo(4.4));

    const topic = await newTopic({
      name: 'Lumi',
      query: '(lumi OR #lumibank) -sorteio',
      ownedAccounts: [{ platform: 'mastodon', handle: '@Lumi' }],
    });
    expect(await collect(topic.id)).toEqual({ mentions: 3, posts: 2, replies: 1 });
    expect(await collect(topic.id)).toEqual({ mentions: 0, posts: 0, replies: 0 });

    const list = (await admin().get(`/api/v1/mentions?topic=${topic.id}&platform=mastodon`).expect(200)).body;
    expect(list.data.map((m: { author: { handle: string } }) => m.author.handle)).toEqual(['carla', 'john@other.example', 'ana']);
    const byAuthor = Object.fromEntries(list.data.map((m: { author: { handle: string } }) => [m.author.handle, m]));
    expect(byAuthor.ana).toMatchObject({
      platform: 'mastodon',
      externalId: ana.id,
      lang: 'pt',
      sentiment: { label: 'negative' },
      url: ana.url,
    });
    expect(byAuthor['john@other.example']).toMatchObject({ lang: 'en', sentiment: { label: 'positive' }, intent: 'praise' });
    // the content warning is part of what a reader sees
    expect(byAuthor.carla.text).toBe('reclamação\nlumi é a pior empresa, péssimo atendimento');

    const topicNow = (await admin().get(`/api/v1/topics/${topic.id}`).expect(200)).body;
    expect(topicNow.ownedAccounts[0]).toMatchObject({ platform: 'mastodon', handle: 'lumi', externalId: expect.stringMatching(/^\d+$/) });

    const cases = (await admin().get('/api/v1/cases?limit=200&platform=mastodon').expect(200)).body.data as {
      outboundCount: number;
      firstResponseAt: string | null;
    }[];
    expect(cases.find((c) => c.outboundCount === 1)).toMatchObject({ firstResponseAt: replyAt.toISOString() });

    // hashtags were read from the tag timeline, the other term by search
    expect(asked('tag-timeline').map((r) => r.path)).toContain('/api/v1/timelines/tag/lumibank');
    expect([...new Set(asked('search').map((r) => r.params.q))]).toEqual(['lumi']);
    expect(masto.requests.every((r) => r.authorized)).toBe(true);
  });

  it('pages through more than one page of tag timeline and of search results', async () => {
    for (let i = 0; i < 95; i++)
      masto.addPost({ author: 'ana', text: `pagination check ${i} for #acmepaged`, language: 'en', createdAt: hoursAgo(1 + i / 1000) });
    for (let i = 0; i < 85; i++)
      masto.addPost({ author: 'carla', text: `searchpaged word ${i}`, language: 'en', createdAt: hoursAgo(1 + i / 1000) });
    const tags = await newTopic({ name: 'Paged tag', query: '#acmepaged' });
    expect((await collect(tags.id)).mentions).toBe(95);
    expect(asked('tag-timeline').filter((r) => r.path.endsWith('/acmepaged')).length).toBeGreaterThanOrEqual(3);
    const words = await newTopic({ name: 'Paged search', query: 'searchpaged' });
    expect((await collect(words.id)).mentions).toBe(85);
    expect(
      asked('search')
        .filter((r) => r.params.q === 'searchpaged')
        .map((r) => r.params.limit),
    ).toEqual(['40', '40', '40']);
  });

  it('waits out a 429 until X-RateLimit-Reset and retries a 5xx', async () => {
    masto.addPost({ author: 'ana', text: 'ratelimitcheck one', language: 'en', createdAt: hoursAgo(1) });
    const topic = await newTopic({ name: 'Limited', query: 'ratelimitcheck' });
    masto.failNext('search', { status: 429, resetInSeconds: 2 });
    masto.failNext('search', { status: 503 });
    const started = Date.now();
    expect((await collect(topic.id)).mentions).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('resumes a failed run from the max_id of the last stored page', async () => {
    for (let i = 0; i < 100; i++)
      masto.addPost({ author: 'carla', text: `resumecheck ${i}`, language: 'en', createdAt: hoursAgo(2 + i / 1000) });
    const topic = await newTopic({ name: 'Resume', query: 'resumecheck' });
    // the first page is stored, then search fails past the collector's retries (one try and five
    // back-offs): the collect job fails, and the job's own retry starts again from the cursor
    masto.failNext('search', { delayMs: 1 });
    masto.failNext('search', { status: 502 }, 6);
    expect((await collect(topic.id)).mentions).toBe(60);
    expect((await admin().get(`/api/v1/mentions?topic=${topic.id}&limit=200`).expect(200)).body.data).toHaveLength(100);
    const pages = asked('search').filter((r) => r.params.q === 'resumecheck');
    expect(pages).toHaveLength(1 + 6 + 2);
    expect(pages[7].params.max_id).toBeDefined();
    expect(pages[7].params.max_id).toBe(pages[1].params.max_id);
  }, 120_000);

  it('refreshes favourites and reblogs of recent posts and mentions', async () => {
    const own = masto.addPost({
      author: 'lumi',
      text: 'metricscheck own post',
      language: 'en',
      createdAt: hoursAgo(1),
      favouritesCount: 1,
    });
    const mention = masto.addPost({
      author: 'ana',
      text: 'metricscheck lumi mention',
      language: 'en',
      createdAt: hoursAgo(1),
      favouritesCount: 1,
    });
    const topic = await newTopic({ name: 'Metrics', query: 'metricscheck', ownedAccounts: [{ platform: 'mastodon', handle: 'lumi' }] });
    await collect(topic.id);
    masto.setCounts(own.id, { favouritesCount: 42, reblogsCount: 7 });
    masto.setCounts(mention.id, { favouritesCount: 9 });
    await t.app.get(MetricsRefresher).refreshAll();
    const list = (await admin().get(`/api/v1/mentions?topic=${topic.id}`).expect(200)).body.data as {
      externalId: string;
      metrics: { likes: number };
    }[];
    expect(list.find((m) => m.externalId === mention.id)?.metrics.likes).toBe(9);
    const csv = (await admin().get(`/api/v1/exports/posts.csv?topic=${topic.id}&platform=mastodon`).expect(200)).text;
    expect(csv).toContain(`mastodon,${own.id},`);
    expect(csv.split('\n').find((l) => l.includes(own.id))).toMatch(/,42,7,/);
  });

  it('raises one alert when a topic’s collection fails for good, and a new one only after it recovered', async () => {
    masto.addPost({ author: 'ana', text: 'alertcheck one', language: 'en', createdAt: hoursAgo(1) });
    const topic = await newTopic({ name: 'Broken token', query: 'alertcheck' });
    // a refused token is not retried by the collector; the collect job tries three times
    masto.failNext('search', { status: 401 }, 3);
    const failed = await admin().post(`/api/v1/topics/${topic.id}/collect`);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const failing = async () =>
      (
        (await admin().get('/api/v1/alerts?type=collection_failing').expect(200)).body.data as { topicId: string; message: string }[]
      ).filter((a) => a.topicId === topic.id);
    // the scheduled alert scan may have raised it already; either way there is exactly one
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    expect(await failing()).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Collection of “Broken token” is failing: .*token/i) }),
    ]);
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    expect(await failing()).toHaveLength(1);
    // it recovers, then fails again: a new episode
    expect((await collect(topic.id)).mentions).toBe(1);
    masto.failNext('search', { status: 401 }, 3);
    await admin().post(`/api/v1/topics/${topic.id}/collect`);
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    expect(await failing()).toHaveLength(2);
  }, 90_000);

  it('sends an agent’s reply on Mastodon naming the customer, once however often it is retried', async () => {
    const question = masto.addPost({
      author: 'john@other.example',
      text: 'sendcheck how do I unblock my card?',
      language: 'en',
      createdAt: hoursAgo(2),
    });
    const topic = await newTopic({ name: 'Send', query: 'sendcheck', ownedAccounts: [{ platform: 'mastodon', handle: 'lumi' }] });
    expect((await collect(topic.id)).mentions).toBe(1);
    const cases = (await admin().get('/api/v1/cases?limit=200&platform=mastodon').expect(200)).body.data as {
      id: string;
      customer: { handle: string };
      outboundCount: number;
    }[];
    const john = cases.find((c) => c.customer.handle === 'john@other.example' && c.outboundCount === 0)!;
    expect(john).toBeDefined();

    const tooLong = await admin()
      .post(`/api/v1/cases/${john.id}/replies`)
      .send({ text: 'x'.repeat(501), send: true })
      .expect(400);
    expect(tooLong.body.message).toMatch(/^text: at most 500 characters on Mastodon/);

    const text = 'Hi John, tap Card > Unblock in the app.';
    const sent = (await admin().post(`/api/v1/cases/${john.id}/replies`).send({ text, send: true }).expect(201)).body;
    expect(sent.outboundCount).toBe(1);
    const outbound = sent.messages.find((m: { direction: string }) => m.direction === 'outbound');
    expect(outbound.externalId).toMatch(/^\d+$/);
    // both messages link to their posts on the instance, for the inbox
    expect(outbound.url).toMatch(new RegExp(`/@lumi/${outbound.externalId}$`));
    expect(sent.messages.find((m: { direction: string }) => m.direction === 'inbound').url).toBe(question.url);
    // a retry of the same reply (a double click, a lost answer) is the same status, counted once
    const again = (await admin().post(`/api/v1/cases/${john.id}/replies`).send({ text, send: true }).expect(201)).body;
    expect(again.outboundCount).toBe(1);
    const posted = asked('create-status');
    expect(posted).toHaveLength(2);
    expect(new Set(posted.map((r) => r.params.in_reply_to_id))).toEqual(new Set([question.id]));
    // it names the customer so they are notified, and the collector does not count it again
    expect(posted[0].params.status).toBe(`@john@other.example ${text}`);
    expect((await collect(topic.id)).replies).toBe(1);
    expect((await admin().get(`/api/v1/cases/${john.id}`).expect(200)).body).toMatchObject({
      outboundCount: 1,
      firstResponseAt: sent.firstResponseAt,
    });
  });

  it('refuses a Mastodon handle that is not an account name', async () => {
    const bad = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Bad', query: 'lumi', platforms: ['mastodon'], ownedAccounts: [{ platform: 'mastodon', handle: 'lumi.bsky.social' }] })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/Mastodon account/);
    await admin()
      .post('/api/v1/topics')
      .send({
        name: 'Remote',
        query: 'lumi',
        platforms: ['mastodon'],
        ownedAccounts: [{ platform: 'mastodon', handle: 'lumi@social.example' }],
      })
      .expect(201);
    const unsearchable = await admin()
      .post('/api/v1/topics')
      .send({ name: 'From only', query: 'from:lumi_br OR lumi', platforms: ['mastodon'] })
      .expect(400);
    expect(unsearchable.body.message).toMatch(/query cannot be searched on Mastodon/);
  });
});
