import { describeWithRedis, TEST_REDIS_URL } from './support/redis-available';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import type { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { BLUESKY_TEST_PASSWORD, BlueskyTestServer, startBlueskyTestServer } from './support/bluesky-test-server';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Nothing collected is lost in silence. Against the real application and local servers answering
 * as X, Bluesky and Mastodon do: an item faulty in itself goes to quarantine (listed, replayed once
 * the network serves it right) while the rest of its page is stored; a fault of the run (a broken
 * setting) stops the run without moving the cursor; a network answering HTML, JSON cut short or
 * an error at status 200 fails the run with 502 and the network's words, and nothing is stored.
 */
describe('Quarantine, failing runs and failing networks', () => {
  let x: XApiEmulator;
  let bsky: BlueskyTestServer;
  let masto: MastodonTestServer;
  let t: TestApp;
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const db = () => t.app.get<Connection>(getConnectionToken());

  type Network = 'x' | 'bluesky' | 'mastodon';
  /** three posts containing `word` on one network, oldest first */
  const addPosts = (network: Network, word: string) => {
    const texts = [`${word} my card was blocked`, `${word} the app is great`, `${word} how do I change my address?`];
    return texts.map((text, i) => {
      const createdAt = hoursAgo(3 - i);
      if (network === 'x') return x.addTweet({ author_id: '201', text, lang: 'en', created_at: createdAt }).id;
      if (network === 'bluesky') return bsky.addPost({ author: 'ana.bsky.social', text, langs: ['en'], createdAt }).uri;
      return masto.addPost({ author: 'ana', text, language: 'en', createdAt }).id;
    });
  };
  /** the request the topic's search makes on each network, as its test server names it */
  const SEARCH: Record<Network, string> = { x: 'tweets/search/recent', bluesky: 'app.bsky.feed.searchPosts', mastodon: 'search' };
  const failSearch = (network: Network, fault: object, times = 1) => {
    if (network === 'x') x.failNext(SEARCH.x, fault as never, times);
    else if (network === 'bluesky') bsky.failNext(SEARCH.bluesky, fault as never, times);
    else masto.failNext(SEARCH.mastodon, fault as never, times);
  };
  /** the search page's items as each API writes them, and how to make one malformed */
  const itemsOf = (network: Network, body: Record<string, unknown>) =>
    (network === 'x' ? body.data : network === 'bluesky' ? body.posts : body.statuses) as Record<string, unknown>[];
  const idOf = (network: Network, item: Record<string, unknown>) => String(network === 'bluesky' ? item.uri : item.id);
  const spoil = (network: Network, item: Record<string, unknown>) => {
    if (network === 'x') item.created_at = 'yesterday';
    else if (network === 'bluesky') (item.record as Record<string, unknown>).createdAt = 'not a date';
    else item.created_at = 'yesterday';
  };

  const newTopic = async (network: Network, name: string, query: string, key = TEST_ADMIN_KEY) =>
    (
      await t
        .as(key)
        .post('/api/v1/topics')
        .send({ name, query, platforms: [network] })
        .expect(201)
    ).body as { id: string };
  const mentionsOf = async (topicId: string, key = TEST_ADMIN_KEY) =>
    (await t.as(key).get(`/api/v1/mentions?topic=${topicId}&limit=200`).expect(200)).body.data as { externalId: string }[];
  const statusOf = async (topicId: string, key = TEST_ADMIN_KEY) =>
    ((await t.as(key).get('/api/v1/collectors/status').expect(200)).body.topics as Record<string, unknown>[]).find(
      (s) => s.id === topicId,
    ) as {
      lastError: string | null;
      lastErrorKind: string | null;
      quarantined: number;
      streams: {
        stream: string;
        caughtUpTo: string | null;
        resuming: boolean;
        lastRun: { stored: number; known: number; rejected: number } | null;
        quarantined: number;
      }[];
    };

  beforeAll(async () => {
    const [xs, bs, ms] = await Promise.all([startXTestServer(), startBlueskyTestServer(), startMastodonTestServer()]);
    x = xs.server;
    bsky = bs.server;
    masto = ms.server;
    x.addUser({ id: '201', username: 'ana_souza', name: 'Ana' });
    bsky.addUser({ handle: 'lumi.bsky.social', displayName: 'Lumi' });
    bsky.addUser({ handle: 'ana.bsky.social', displayName: 'Ana' });
    masto.addUser({ username: 'lumi', displayName: 'Lumi' });
    masto.addUser({ username: 'ana', displayName: 'Ana' });
    t = await startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: xs.baseUrl, monthlyReadCap: 100000 },
      bluesky: { identifier: 'lumi.bsky.social', appPassword: BLUESKY_TEST_PASSWORD, service: bs.baseUrl },
      mastodon: { url: ms.baseUrl, accessToken: MASTODON_TEST_TOKEN },
    });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([x?.stop(), bsky?.stop(), masto?.stop()]);
  });

  describe.each<Network>(['x', 'bluesky', 'mastodon'])('a malformed item on %s', (network) => {
    it('is quarantined and listed with its reason while the rest of the page is stored; a replay stores it once the network serves it right', async () => {
      const word = `quarantinecheck${network}`;
      const ids = addPosts(network, word);
      let spoiled = '';
      failSearch(network, {
        alter: (body: Record<string, unknown>) => {
          const items = itemsOf(network, body);
          spoiled = idOf(network, items[1]);
          spoil(network, items[1]);
        },
      });
      const topic = await newTopic(network, `Quarantine ${network}`, word);
      expect((await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body).toEqual({ mentions: 2, posts: 0, replies: 0 });
      expect(ids).toContain(spoiled);
      expect((await mentionsOf(topic.id)).map((m) => m.externalId).sort()).toEqual(ids.filter((id) => id !== spoiled).sort());

      const listed = (await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}`).expect(200)).body;
      expect(listed.nextCursor).toBeNull();
      expect(listed.data).toHaveLength(1);
      expect(listed.data[0]).toMatchObject({
        topicId: topic.id,
        platform: network,
        externalId: spoiled,
        reason: 'invalid_payload',
        sightings: 1,
      });
      expect(listed.data[0].problem).toMatch(/created_?at/i);
      expect(JSON.stringify(listed.data[0].payload)).toMatch(/yesterday|not a date/);
      // the filters select it, or not
      expect(
        (await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}&platform=${network}&reason=invalid_payload`).expect(200)).body
          .data,
      ).toHaveLength(1);
      expect((await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}&reason=no_text`).expect(200)).body.data).toHaveLength(0);
      expect(
        (
          await admin()
            .get(`/api/v1/collectors/rejected?topic=${topic.id}&from=${new Date(Date.now() + 60_000).toISOString()}`)
            .expect(200)
        ).body.data,
      ).toHaveLength(0);

      const status = await statusOf(topic.id);
      expect(status.quarantined).toBe(1);
      expect(status.lastError).toBeNull();
      const search = status.streams.find((s) => s.lastRun !== null)!;
      expect(search).toMatchObject({ lastRun: { stored: 2, known: 0, rejected: 1 }, quarantined: 1 });

      const replay = (
        await admin()
          .post('/api/v1/collectors/rejected/replay')
          .send({ ids: [listed.data[0].id] })
          .expect(200)
      ).body;
      expect(replay).toMatchObject({
        selected: 1,
        stored: { mentions: 1, posts: 0, replies: 0 },
        alreadyKnown: 0,
        released: 1,
        stillRejected: [],
        unreadable: [],
      });
      expect((await mentionsOf(topic.id)).map((m) => m.externalId).sort()).toEqual([...ids].sort());
      expect((await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}`).expect(200)).body.data).toEqual([]);
      expect((await statusOf(topic.id)).quarantined).toBe(0);
      // replaying again finds nothing; the next run stores nothing twice
      expect((await admin().post('/api/v1/collectors/rejected/replay').send({ topic: topic.id }).expect(200)).body).toMatchObject({
        selected: 0,
        released: 0,
      });
      expect((await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body).toEqual({ mentions: 0, posts: 0, replies: 0 });
      expect(await mentionsOf(topic.id)).toHaveLength(3);
    }, 60_000);
  });

  it('a replay of an item the network still serves malformed keeps it in quarantine with one more sighting', async () => {
    const ids = addPosts('x', 'stillbadcheck');
    const spoilFirst = (body: Record<string, unknown>) => spoil('x', (body.data as Record<string, unknown>[])[0]);
    x.failNext('tweets/search/recent', { alter: spoilFirst });
    const topic = await newTopic('x', 'Still bad', 'stillbadcheck');
    expect((await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body.mentions).toBe(2);
    // the lookup the replay reads it with answers it malformed too
    x.failNext('tweets', { alter: spoilFirst });
    const replay = (await admin().post('/api/v1/collectors/rejected/replay').send({ topic: topic.id, platform: 'x' }).expect(200)).body;
    expect(replay).toMatchObject({
      selected: 1,
      stored: { mentions: 0 },
      released: 0,
      stillRejected: [expect.objectContaining({ reason: 'invalid_payload', problem: expect.stringContaining('created_at') })],
    });
    const listed = (await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}`).expect(200)).body.data;
    expect(listed).toEqual([expect.objectContaining({ sightings: 2, externalId: ids[2] })]);
    expect(await mentionsOf(topic.id)).toHaveLength(2);
  });

  it('a post with no text is quarantined by ingestion (reason no_text) with the post as normalised, and replayed like the others', async () => {
    const ids = addPosts('x', 'notextcheck');
    x.failNext('tweets/search/recent', { alter: (body: { data: { text: string }[] }) => void (body.data[0].text = '  ') });
    const topic = await newTopic('x', 'No text', 'notextcheck');
    expect((await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body.mentions).toBe(2);
    const listed = (await admin().get(`/api/v1/collectors/rejected?topic=${topic.id}&reason=no_text`).expect(200)).body.data;
    expect(listed).toEqual([
      expect.objectContaining({
        platform: 'x',
        stream: 'x:search',
        externalId: ids[2],
        reason: 'no_text',
        payload: expect.objectContaining({ externalId: ids[2], text: '  ' }),
      }),
    ]);
    expect((await statusOf(topic.id)).streams.find((s) => s.stream === 'x:search')).toMatchObject({
      lastRun: { stored: 2, known: 0, rejected: 1 },
      quarantined: 1,
    });
    const replay = (await admin().post('/api/v1/collectors/rejected/replay').send({ topic: topic.id, reason: 'no_text' }).expect(200)).body;
    expect(replay).toMatchObject({ selected: 1, stored: { mentions: 1 }, released: 1, stillRejected: [] });
    expect(await mentionsOf(topic.id)).toHaveLength(3);
  });

  it('validates the list and replay inputs, and only an admin replays', async () => {
    await admin().get('/api/v1/collectors/rejected?reason=bogus').expect(400);
    await admin().get('/api/v1/collectors/rejected?topic=%7B%22%24ne%22%3A1%7D').expect(400);
    const bad = await admin()
      .post('/api/v1/collectors/rejected/replay')
      .send({ ids: ['not-an-id'] })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/ids/);
    await admin().post('/api/v1/collectors/rejected/replay').send({ ids: [] }).expect(400);
    const analyst = (await admin().post('/api/v1/api-keys').send({ name: 'analyst', role: 'analyst' }).expect(201)).body;
    await t.as(analyst.key).get('/api/v1/collectors/rejected').expect(200);
    await t.as(analyst.key).post('/api/v1/collectors/rejected/replay').send({}).expect(403);
  });

  it("another workspace's key sees none of this workspace's quarantine and cannot replay it", async () => {
    const mine = (await admin().get('/api/v1/collectors/rejected').expect(200)).body.data as { id: string }[];
    expect(mine.length).toBeGreaterThan(0);
    const other = (
      await admin().post('/api/v1/workspaces').send({ name: 'Other quarantine', timezone: 'UTC', currency: 'USD' }).expect(201)
    ).body;
    const theirs = await t.as(other.apiKey.key).get('/api/v1/collectors/rejected').expect(200);
    expect(theirs.body).toEqual({ data: [], nextCursor: null });
    const replay = (
      await t
        .as(other.apiKey.key)
        .post('/api/v1/collectors/rejected/replay')
        .send({ ids: mine.map((m) => m.id) })
        .expect(200)
    ).body;
    expect(replay).toMatchObject({ selected: 0, released: 0 });
    expect((await admin().get('/api/v1/collectors/rejected').expect(200)).body.data).toHaveLength(mine.length);
  });

  it('a run that fails in ingestion (a broken setting) leaves the cursor where it was; once fixed, the next run stores each post exactly once', async () => {
    const ws = (await admin().post('/api/v1/workspaces').send({ name: 'Broken settings', timezone: 'UTC', currency: 'USD' }).expect(201))
      .body;
    const key = ws.apiKey.key as string;
    const ids = addPosts('x', 'runfaultcheck');
    const topic = await newTopic('x', 'Run fault', 'runfaultcheck', key);
    const workspaces = db().collection('workspaces');
    const wsId = new Types.ObjectId(String(ws.workspace.id));
    const stored = await workspaces.findOne({ _id: wsId });
    expect(stored?.settings?.routingRules).toEqual([]);
    // a routing rule broken in the database: routing a support post through it throws
    await workspaces.updateOne({ _id: wsId }, { $set: { 'settings.routingRules': [null] } });

    const failed = await t.as(key).post(`/api/v1/topics/${topic.id}/collect`);
    expect(failed.status).toBe(500);
    const status = await statusOf(topic.id, key);
    expect(status.lastErrorKind).toBe('run');
    expect(status.lastError).toMatch(/null/);
    expect(status.quarantined).toBe(0);
    // the search cursor never moved: no stream has caught up to anything
    expect(status.streams.filter((s) => s.caughtUpTo !== null || s.resuming)).toEqual([]);
    expect(await mentionsOf(topic.id, key)).toHaveLength(0);
    // the failure is raised once per episode
    const failing = async () =>
      ((await t.as(key).get('/api/v1/alerts?type=collection_failing').expect(200)).body.data as { topicId: string }[]).filter(
        (a) => a.topicId === topic.id,
      );
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    expect(await failing()).toHaveLength(1);

    await workspaces.updateOne({ _id: wsId }, { $set: { 'settings.routingRules': [] } });
    // the same three posts are read again, and stored
    expect((await t.as(key).post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body).toEqual({ mentions: 3, posts: 0, replies: 0 });
    const recovered = await statusOf(topic.id, key);
    expect(recovered).toMatchObject({ lastError: expect.stringMatching(/null/), lastErrorKind: 'run' });
    expect(recovered.streams.find((s) => s.stream === 'x:search')).toMatchObject({
      caughtUpTo: ids[2],
      resuming: false,
      lastRun: { stored: 3, known: 0, rejected: 0 },
    });
    expect((await t.as(key).post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body).toEqual({ mentions: 0, posts: 0, replies: 0 });
    expect((await mentionsOf(topic.id, key)).map((m) => m.externalId).sort()).toEqual([...ids].sort());
  }, 60_000);

  /**
   * The collect job tries a failing run three times (TEST_COLLECT_RETRY_BACKOFF_MS, then twice that,
   * apart; 5 s and 10 s in production), each time after the collector's own retries of what may
   * pass (5 more, from TEST_COLLECTOR_RETRY_BASE_MS doubling; 0.5 s to 8 s in production): a fault
   * that retrying will not change is served once per attempt, one that retrying might (JSON cut
   * short) six times per attempt. The four networks' failures run side by side, each on its own topic.
   */
  const answers: [string, Network, object, number, RegExp][] = [
    [
      'an HTML page with status 200',
      'x',
      { status: 200, html: true },
      3,
      /^X API: answered an HTML page “X” with status 200 instead of JSON$/,
    ],
    ['JSON cut short', 'x', { malformed: true }, 18, /^X API: answered a response cut short: .*\(after retrying\)$/],
    [
      'an error with status 200',
      'bluesky',
      { alter: () => ({ error: 'InternalServerError', message: 'Internal Server Error' }) },
      3,
      /^Bluesky API: answered InternalServerError: Internal Server Error with status 200, which is not a app.bsky.feed.searchPosts response/,
    ],
    [
      'an HTML page with status 200',
      'mastodon',
      { status: 200, html: true },
      3,
      /^Mastodon API: answered a body that is not JSON \(an HTML page\?\) with status 200/,
    ],
  ];
  it('a network answering HTML, JSON cut short or an error at status 200: 502 with its words, the run records the error, nothing is stored, the cursor stays', async () => {
    await Promise.all(
      answers.map(async ([what, network, fault, times, message]) => {
        const word = `downcheck${network}${what.replace(/\W/g, '').toLowerCase()}`;
        addPosts(network, word);
        const topic = await newTopic(network, `Down ${network} ${what}`, word);
        if (network === 'x')
          x.failNext((req) => req.endpoint === SEARCH.x && (req.query.get('query') ?? '').includes(word), fault as never, times);
        else failSearch(network, fault, times);
        const res = await admin().post(`/api/v1/topics/${topic.id}/collect`);
        expect({ what, network, status: res.status, body: res.body }).toMatchObject({
          status: 502,
          body: { statusCode: 502, error: 'Bad Gateway', message: expect.stringMatching(message) },
        });
        const status = await statusOf(topic.id);
        expect(status).toMatchObject({ lastError: res.body.message, lastErrorKind: 'network', quarantined: 0 });
        expect(status.streams.filter((s) => s.caughtUpTo !== null || s.resuming)).toEqual([]);
        expect(await mentionsOf(topic.id)).toHaveLength(0);
        // the network answers again: the same posts are read and stored
        expect((await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body.mentions).toBe(3);
      }),
    );
  }, 150_000);
});

describeWithRedis('A failing network on BullMQ over Redis', () => {
  const REDIS_URL = TEST_REDIS_URL;
  let x: XApiEmulator;
  let t: TestApp | undefined;

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    x.addUser({ id: '201', username: 'ana_souza', name: 'Ana' });
    t = await startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 100000 },
      redisUrl: REDIS_URL,
      queuePrefix: `ouvidor-quarantine-${process.pid}-${Date.now()}`,
    });
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it("answers 502 with X's words although the worker's error reaches the API as a message only", async () => {
    if (!t) throw new Error('the app did not start');
    x.addTweet({ author_id: '201', text: 'bullmqdowncheck one', lang: 'en', created_at: new Date(Date.now() - 3600_000) });
    const topic = (
      await t
        .as(TEST_ADMIN_KEY)
        .post('/api/v1/topics')
        .send({ name: 'Down on BullMQ', query: 'bullmqdowncheck', platforms: ['x'] })
        .expect(201)
    ).body;
    x.failNext('tweets/search/recent', { status: 200, html: true }, 3);
    const res = await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.id}/collect`).expect(502);
    expect(res.body).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'X API: answered an HTML page “X” with status 200 instead of JSON',
    });
    expect((await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.id}/collect`).expect(200)).body.mentions).toBe(1);
  }, 60_000);
});
