import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from './support/redis-available';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

const modes: [string, boolean][] = [
  ['in process', false],
  ['on BullMQ over Redis', true],
];

for (const [label, useRedis] of modes)
  (useRedis ? describeWithRedis : describe)(`Collection from X (${label})`, () => {
    let x: XApiEmulator;
    let t: TestApp;
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

    beforeAll(async () => {
      const started = await startXTestServer();
      x = started.server;
      t = await startTestApp({
        x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 100000 },
        ...(useRedis ? { redisUrl: REDIS_URL, queuePrefix: `ouvidor-test-${process.pid}-${Date.now()}` } : {}),
      });
      x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi', public_metrics: { followers_count: 5000 } });
      x.addUser({ id: '201', username: 'ana_souza', name: 'Ana' });
      x.addUser({ id: '202', username: 'john_doe', name: 'John' });
      x.addUser({ id: '203', username: 'carla', name: 'Carla' });
    });

    afterAll(async () => {
      await t?.close();
      await x?.stop();
    });

    it('stores every mention, own post and reply once; a second run stores nothing new', async () => {
      const m1 = x.addTweet({
        author_id: '201',
        text: 'Meu cartão Lumi foi bloqueado e ninguém responde, preciso de ajuda urgente @lumi_br',
        lang: 'pt',
        created_at: hoursAgo(5),
      });
      const m2 = x.addTweet({
        author_id: '202',
        text: 'I love the new Lumi app, great job! @lumi_br',
        lang: 'en',
        created_at: hoursAgo(4),
      });
      x.addTweet({ author_id: '203', text: 'lumi é a pior empresa, péssimo atendimento', lang: 'pt', created_at: hoursAgo(3) });
      // the brand's own post and its reply to Ana: not mentions
      x.addTweet({
        author_id: '100',
        text: 'Conheça a nova fatura digital da Lumi!',
        lang: 'pt',
        created_at: hoursAgo(6),
        public_metrics: { like_count: 10, retweet_count: 2, quote_count: 1, reply_count: 3, impression_count: 500 },
      });
      x.addTweet({
        author_id: '100',
        text: '@ana_souza Oi Ana, já desbloqueamos seu cartão Lumi.',
        lang: 'pt',
        in_reply_to_tweet_id: m1.id,
        created_at: hoursAgo(4.5),
      });
      // a retweet is not a mention
      x.addTweet({ author_id: '203', text: '', retweet_of_tweet_id: m2.id, created_at: hoursAgo(2) });

      const topic = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({
          name: 'Lumi',
          query: '(lumi OR @lumi_br) -is:retweet',
          platforms: ['x'],
          ownedAccounts: [{ platform: 'x', handle: '@Lumi_BR' }],
        })
        .expect(201);
      expect(topic.body.ownedAccounts).toEqual([{ platform: 'x', handle: 'lumi_br', externalId: null }]);

      const first = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
      expect(first.body).toEqual({ mentions: 3, posts: 1, replies: 1 });

      const again = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
      expect(again.body).toEqual({ mentions: 0, posts: 0, replies: 0 });

      const list = await t.as(TEST_ADMIN_KEY).get(`/api/v1/mentions?topic=${topic.body.id}`).expect(200);
      expect(list.body.data).toHaveLength(3);
      const byAuthor = Object.fromEntries(list.body.data.map((m: { author: { handle: string } }) => [m.author.handle, m]));
      expect(byAuthor.ana_souza).toMatchObject({
        lang: 'pt',
        sentiment: { label: 'negative' },
        url: `https://x.com/ana_souza/status/${m1.id}`,
      });
      expect(['support', 'complaint']).toContain(byAuthor.ana_souza.intent);
      expect(byAuthor.john_doe).toMatchObject({ lang: 'en', sentiment: { label: 'positive' }, intent: 'praise' });
      expect(byAuthor.carla.sentiment.label).toBe('negative');
      // newest first
      expect(list.body.data.map((m: { author: { handle: string } }) => m.author.handle)).toEqual(['carla', 'john_doe', 'ana_souza']);

      const topicNow = await t.as(TEST_ADMIN_KEY).get(`/api/v1/topics/${topic.body.id}`).expect(200);
      expect(topicNow.body.ownedAccounts[0].externalId).toBe('100');
    });

    it('pages through more than one page of results with the paginator', async () => {
      for (let i = 0; i < 150; i++)
        x.addTweet({ author_id: '202', text: `pagination check ${i} for acmepaged`, lang: 'en', created_at: hoursAgo(1 + i / 1000) });
      const topic = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Paged', query: 'acmepaged', platforms: ['x'] })
        .expect(201);
      const res = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
      expect(res.body.mentions).toBe(150);
      let cursor: string | null = null;
      let seen = 0;
      do {
        const page: { body: { data: unknown[]; nextCursor: string | null } } = await t
          .as(TEST_ADMIN_KEY)
          .get(`/api/v1/mentions?topic=${topic.body.id}&limit=40${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen += page.body.data.length;
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toBe(150);
    });

    it('waits out a 429 until x-rate-limit-reset and completes the run', async () => {
      const topic = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Limited', query: 'ratelimitcheck', platforms: ['x'] })
        .expect(201);
      x.addTweet({ author_id: '201', text: 'ratelimitcheck one', lang: 'en', created_at: hoursAgo(1) });
      x.failNext('tweets/search/recent', { status: 429, resetInSeconds: 2 });
      const started = Date.now();
      const res = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
      expect(res.body.mentions).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('retries a 503 and a cut-short payload, then stores the page', async () => {
      const topic = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Flaky', query: 'flakycheck', platforms: ['x'] })
        .expect(201);
      x.addTweet({ author_id: '201', text: 'flakycheck one', lang: 'en', created_at: hoursAgo(1) });
      x.failNext('tweets/search/recent', { status: 503 });
      x.failNext('tweets/search/recent', { malformed: true });
      const res = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);
      expect(res.body.mentions).toBe(1);
    });

    it("a key of another workspace cannot collect or read this workspace's topic", async () => {
      const other = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/workspaces')
        .send({ name: 'Other', timezone: 'UTC', currency: 'USD' })
        .expect(201);
      const topics = await t.as(TEST_ADMIN_KEY).get('/api/v1/topics').expect(200);
      const id = topics.body[0].id;
      await t.as(other.body.apiKey.key).post(`/api/v1/topics/${id}/collect`).expect(404);
      await t.as(other.body.apiKey.key).get(`/api/v1/topics/${id}`).expect(404);
      const mentions = await t.as(other.body.apiKey.key).get(`/api/v1/mentions?topic=${id}`).expect(200);
      expect(mentions.body.data).toEqual([]);
      // the collection status lists this workspace's topics only
      const mine = await t.as(TEST_ADMIN_KEY).get('/api/v1/collectors/status').expect(200);
      expect(mine.body.topics.map((x: { id: string }) => x.id)).toContain(id);
      const theirs = await t.as(other.body.apiKey.key).get('/api/v1/collectors/status').expect(200);
      expect(theirs.body.topics).toEqual([]);
    });

    it('rejects an invalid query with a 400 that says what is wrong, and stores nothing', async () => {
      const before = await t.as(TEST_ADMIN_KEY).get('/api/v1/topics').expect(200);
      const res = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Bad', query: '(lumi OR "acme', platforms: ['x'] })
        .expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/unclosed double quote/);
      const bad = await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Bad', query: 'lumi', platforms: ['myspace'] })
        .expect(400);
      expect(JSON.stringify(bad.body.message)).toMatch(/platforms/);
      const after = await t.as(TEST_ADMIN_KEY).get('/api/v1/topics').expect(200);
      expect(after.body).toHaveLength(before.body.length);
    });
  });
