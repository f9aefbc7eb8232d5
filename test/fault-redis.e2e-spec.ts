import { Queue } from 'bullmq';
import type { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { PrivateRedis } from './support/private-redis';
import { describeWithRedisServer } from './support/redis-available';
import { startRecordingXTestServer, XSearchRequest } from './support/recording-x-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { X_TEST_TOKEN } from './support/x-test-server';
import { waitUntil as waitFor, within } from './support/waiting';

/**
 * Fault injection: the queues on BullMQ over a Redis of the test's own, which is stopped while
 * collect jobs are running and waiting, then started again on the same port and data. Meanwhile
 * the API keeps answering and `/health` says the queue is down; afterwards every collection asked
 * for (before and during the outage) completes and answers, each job ran once, and every post is
 * stored once.
 */
const PER_TOPIC = 150;
const QUERIES = ['redisfaultalpha', 'redisfaultbeta', 'redisfaultgamma', 'redisfaultdelta'];
/**
 * How long a condition may take to come true: a bound for a stuck run, not a speed requirement
 * (a run's pages take a few seconds alone and several times that on a loaded CI machine).
 */
const WAIT_MS = 60_000;
/** Each teardown step's bound, so that a failed test cannot hold the suite up. */
const TEARDOWN_STEP_MS = 15_000;

describeWithRedisServer('Fault injection: Redis stopped mid-run (e2e, BullMQ)', () => {
  let redis: PrivateRedis | null = null;
  let x: XApiEmulator;
  let searches: XSearchRequest[];
  let t: TestApp | null = null;
  /** whether the test has stopped Redis and not started it again */
  let redisStopped = false;
  /** collect requests sent: one left waiting by a failed test would keep the app from closing */
  const collectRequests: { abort(): unknown }[] = [];
  const prefix = `ouvidor-fault-redis-${process.pid}`;
  const expected = new Map<string, string[]>();

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const started = await startRecordingXTestServer();
    x = started.server;
    searches = started.searches;
    x.addUser({ id: '900', username: 'crowd' });
    for (const query of QUERIES) {
      const ids: string[] = [];
      for (let i = 0; i < PER_TOPIC; i++) {
        ids.push(
          x.addTweet({
            author_username: 'crowd',
            text: `${query} post number ${i}`,
            created_at: new Date(Date.now() - (PER_TOPIC - i) * 60_000),
          }).id,
        );
      }
      expected.set(query, ids.sort());
    }
    t = await startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 100000 },
      redisUrl: redis.url,
      queuePrefix: prefix,
    });
  });

  afterAll(
    async () => {
      // After a failed test: the app's BullMQ connections and workers wait for Redis and for the
      // jobs under way before they close, so Redis comes back and the jobs are let finish first;
      // the HTTP server waits for the collect requests still open, so they go.
      if (redisStopped) await within(TEARDOWN_STEP_MS, redis?.start());
      if (t && redis) {
        const queue = collectQueue();
        await within(
          WAIT_MS,
          waitUntil('the collect jobs are done', async () => {
            const counts = await queue.getJobCounts('active', 'waiting', 'delayed');
            return counts.active + counts.waiting + counts.delayed === 0;
          }),
        );
        await within(TEARDOWN_STEP_MS, queue.close());
      }
      for (const req of collectRequests) req.abort();
      await within(TEARDOWN_STEP_MS, t?.close());
      await within(TEARDOWN_STEP_MS, x?.stop());
      await within(TEARDOWN_STEP_MS, redis?.destroy());
    },
    WAIT_MS + 5 * TEARDOWN_STEP_MS,
  );

  const admin = () => t!.as(TEST_ADMIN_KEY);
  const collect = (topic: { id: string }) => {
    const req = admin().post(`/api/v1/topics/${topic.id}/collect`);
    collectRequests.push(req);
    return req.then((res) => res);
  };
  const collectQueue = () => new Queue('collect', { connection: { host: '127.0.0.1', port: redis!.port }, prefix });
  const waitUntil = (what: string, ok: () => Promise<boolean>, timeoutMs = WAIT_MS) => waitFor(what, ok, { timeoutMs });
  const storedIds = async (topicId: string): Promise<string[]> => {
    const csv = (await admin().get(`/api/v1/exports/mentions.csv?topic=${topicId}`).expect(200)).text;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const column = lines[0].split(',').indexOf('external_id');
    return lines.slice(1).map((line) => line.split(',')[column]);
  };

  it(
    'keeps answering while Redis is down, and completes the queued collections once after it returns',
    async () => {
      if (!t) throw new Error('the app did not start');
      const topics: { id: string; query: string }[] = [];
      for (const query of QUERIES) {
        const res = await admin()
          .post('/api/v1/topics')
          .send({ name: query, query, platforms: ['x'] })
          .expect(201);
        topics.push({ id: res.body.id, query });
      }

      // two collections running (the queue's concurrency), their first page answered late, and a
      // third waiting in Redis. Asked for one at a time: requests sent together may reach the queue
      // in any order, and the topics running must be the first two. The first pages are held long
      // enough for the three to be queued and Redis stopped, on a loaded machine too.
      x.failNext('tweets/search/recent', { delayMs: 5000 }, 2);
      const before: Promise<{ status: number; body: unknown }>[] = [];
      const queue = collectQueue();
      try {
        for (const [i, topic] of topics.slice(0, 3).entries()) {
          before.push(collect(topic));
          await waitUntil(`the collect job of ${topic.query} is queued`, async () => {
            const counts = await queue.getJobCounts('active', 'waiting', 'completed', 'failed');
            return counts.active + counts.waiting + counts.completed + counts.failed === i + 1;
          });
        }
        expect(await queue.getJobCounts('active', 'waiting', 'completed', 'failed')).toEqual({
          active: 2,
          waiting: 1,
          completed: 0,
          failed: 0,
        });
        const active = (await queue.getJobs(['active'])).map((job) => (job.data as { topicId: string }).topicId).sort();
        expect(active).toEqual([topics[0].id, topics[1].id].sort());
      } finally {
        await queue.close();
      }

      redisStopped = true;
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
      expect(health.body).toMatchObject({
        status: 'error',
        mongo: { status: 'up' },
        queue: {
          status: 'down',
          mode: 'bullmq',
          detail: expect.stringMatching(/^Redis connection is (connecting|reconnecting|close|end)$/),
        },
      });
      // a collection asked for while Redis is away waits for it
      const during = collect(topics[3]);
      // the two running collections read their last page with Redis still away, so they finish
      // (and tell BullMQ so) while it cannot hear them
      const pagesRead = (query: string) => searches.filter((s) => s.query === query).length;
      await waitUntil(
        'the running collections have read both their pages',
        async () => pagesRead(QUERIES[0]) === 2 && pagesRead(QUERIES[1]) === 2,
      );
      const finished = async (topic: { id: string }) => {
        const status = await admin().get('/api/v1/collectors/status').expect(200);
        return status.body.topics.find((s: { id: string }) => s.id === topic.id)?.lastSucceededAt != null;
      };
      await waitUntil(
        'the running collections have stored their runs',
        async () => (await finished(topics[0])) && (await finished(topics[1])),
      );

      await redis!.start();
      redisStopped = false;
      const answers = await Promise.all([...before, during]);
      expect(answers.map((res) => [res.status, res.body])).toEqual(topics.map(() => [200, { mentions: PER_TOPIC, posts: 0, replies: 0 }]));

      for (const topic of topics) {
        // every post stored once
        expect({ query: topic.query, ids: (await storedIds(topic.id)).sort() }).toEqual({
          query: topic.query,
          ids: expected.get(topic.query),
        });
        // one run each: its two pages, and no second run (which would search again from since_id)
        const read = searches
          .filter((s) => s.query === topic.query)
          .map((s) => (s.paginationToken ? 'next page' : s.sinceId ? 'run after a stored one' : s.untilId ? 'resumed run' : 'first page'));
        expect({ query: topic.query, read }).toEqual({ query: topic.query, read: ['first page', 'next page'] });
      }
      const after = collectQueue();
      try {
        expect(await after.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed')).toEqual({
          completed: 4,
          failed: 0,
          active: 0,
          waiting: 0,
          delayed: 0,
        });
        // started once each: none was taken for stalled and run again
        expect((await after.getJobs(['completed'])).map((job) => job.attemptsStarted)).toEqual([1, 1, 1, 1]);
      } finally {
        await after.close();
      }
      await waitUntil('/health answers 200 again', async () => (await t!.http().get('/health')).status === 200);
    },
    4 * WAIT_MS,
  );
});
