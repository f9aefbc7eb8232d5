import { Queue } from 'bullmq';
import type { XApiEmulator } from '../src/collectors/x/emulator/x-api-emulator';
import { PrivateRedis, redisServerInstalled } from './support/private-redis';
import { startRecordingXTestServer, XSearchRequest } from './support/recording-x-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { X_TEST_TOKEN } from './support/x-test-server';

/**
 * Fault injection: the queues on BullMQ over a Redis of the test's own, which is stopped while
 * collect jobs are running and waiting, then started again on the same port and data. Meanwhile
 * the API keeps answering and `/health` says the queue is down; afterwards every collection asked
 * for (before and during the outage) completes and answers, each job ran once, and every post is
 * stored once.
 */
const PER_TOPIC = 150;
const QUERIES = ['redisfaultalpha', 'redisfaultbeta', 'redisfaultgamma', 'redisfaultdelta'];

describe('Fault injection: Redis stopped mid-run (e2e, BullMQ)', () => {
  let redis: PrivateRedis | null = null;
  let x: XApiEmulator;
  let searches: XSearchRequest[];
  let t: TestApp | null = null;
  const prefix = `ouvidor-fault-redis-${process.pid}`;
  const expected = new Map<string, string[]>();

  beforeAll(async () => {
    if (!redisServerInstalled()) {
      if (process.env.CI) throw new Error('redis-server is not installed; CI must install it (.ci/run does)');
      console.warn('Skipping the Redis fault test: redis-server is not installed');
      return;
    }
    redis = await PrivateRedis.start();
    const started = await startRecordingXTestServer();
    x = started.server;
    searches = started.searches;
    x.addUser({ id: '900', username: 'crowd' });
    for (const query of QUERIES) {
      const ids: string[] = [];
      for (let i = 0; i < PER_TOPIC; i++) {
        ids.push(x.addTweet({ author_username: 'crowd', text: `${query} post number ${i}`, created_at: new Date(Date.now() - (PER_TOPIC - i) * 60_000) }).id);
      }
      expected.set(query, ids.sort());
    }
    t = await startTestApp({ x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 100000 }, redisUrl: redis.url, queuePrefix: prefix });
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
    await redis?.destroy();
  });

  const admin = () => t!.as(TEST_ADMIN_KEY);
  const collectQueue = () => new Queue('collect', { connection: { host: '127.0.0.1', port: redis!.port }, prefix });
  const waitUntil = async (what: string, ok: () => Promise<boolean>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const storedIds = async (topicId: string): Promise<string[]> => {
    const csv = (await admin().get(`/api/v1/exports/mentions.csv?topic=${topicId}`).expect(200)).text;
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\n');
    const column = lines[0].split(',').indexOf('external_id');
    return lines.slice(1).map((line) => line.split(',')[column]);
  };

  it('keeps answering while Redis is down, and completes the queued collections once after it returns', async () => {
    if (!t) return;
    const topics: { id: string; query: string }[] = [];
    for (const query of QUERIES) {
      const res = await admin().post('/api/v1/topics').send({ name: query, query, platforms: ['x'] }).expect(201);
      topics.push({ id: res.body.id, query });
    }

    // two collections running (the queue's concurrency), their first page answered late, and a
    // third waiting in Redis
    x.failNext('tweets/search/recent', { delayMs: 2000 }, 2);
    const before = topics.slice(0, 3).map((topic) => admin().post(`/api/v1/topics/${topic.id}/collect`).then((res) => res));
    const queue = collectQueue();
    try {
      await waitUntil('two collect jobs are active and one waits', async () => {
        const counts = await queue.getJobCounts('active', 'waiting');
        return counts.active === 2 && counts.waiting === 1;
      });
    } finally {
      await queue.close();
    }

    await redis!.stop('SIGTERM');
    // the API answers without Redis, and promptly
    const asked = Date.now();
    const list = await admin().get('/api/v1/topics').expect(200);
    expect(list.body.map((topic: { name: string }) => topic.name).sort()).toEqual([...QUERIES].sort());
    expect(Date.now() - asked).toBeLessThan(2000);
    // health says the queue is down, the database up, and says it at once
    const checked = Date.now();
    const health = await t.http().get('/health').expect(503);
    expect(Date.now() - checked).toBeLessThan(2000);
    expect(health.body).toMatchObject({ status: 'error', mongo: { status: 'up' }, queue: { status: 'down', mode: 'bullmq', detail: expect.stringMatching(/^Redis connection is (connecting|reconnecting|close|end)$/) } });
    // a collection asked for while Redis is away waits for it
    const during = admin().post(`/api/v1/topics/${topics[3].id}/collect`).then((res) => res);
    // the two running collections read their last page with Redis still away, so they finish
    // (and tell BullMQ so) while it cannot hear them
    const pagesRead = (query: string) => searches.filter((s) => s.query === query).length;
    await waitUntil('the running collections have read both their pages', async () => pagesRead(QUERIES[0]) === 2 && pagesRead(QUERIES[1]) === 2);
    await new Promise((r) => setTimeout(r, 500));

    await redis!.start();
    const answers = await Promise.all([...before, during]);
    expect(answers.map((res) => [res.status, res.body])).toEqual(topics.map(() => [200, { mentions: PER_TOPIC, posts: 0, replies: 0 }]));

    for (const topic of topics) {
      // every post stored once
      expect({ query: topic.query, ids: (await storedIds(topic.id)).sort() }).toEqual({ query: topic.query, ids: expected.get(topic.query) });
      // one run each: its two pages, and no second run (which would search again from since_id)
      const read = searches.filter((s) => s.query === topic.query).map((s) => (s.paginationToken ? 'next page' : s.sinceId ? 'run after a stored one' : s.untilId ? 'resumed run' : 'first page'));
      expect({ query: topic.query, read }).toEqual({ query: topic.query, read: ['first page', 'next page'] });
    }
    const after = collectQueue();
    try {
      expect(await after.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed')).toEqual({ completed: 4, failed: 0, active: 0, waiting: 0, delayed: 0 });
      // started once each: none was taken for stalled and run again
      expect((await after.getJobs(['completed'])).map((job) => job.attemptsStarted)).toEqual([1, 1, 1, 1]);
    } finally {
      await after.close();
    }
    await waitUntil('/health answers 200 again', async () => (await t!.http().get('/health')).status === 200, 10_000);
  }, 90_000);
});
