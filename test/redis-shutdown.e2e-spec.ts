import { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorRequest, XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { PrivateRedis } from './support/private-redis';
import { describeWithRedisServer } from './support/redis-available';
import { startRecordingXTestServer } from './support/recording-x-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { X_TEST_TOKEN } from './support/x-test-server';
import { waitUntil as waitFor, within } from './support/waiting';

/**
 * Fault injection: the service is stopped (app.close(), what SIGTERM does) while Redis is down and
 * a BullMQ collect job is running, its second page held by the X test server. The stop finishes
 * in bounded time instead of waiting for Redis for ever; after Redis and the service are back
 * (same database, same queues), the interrupted collection is taken up again and every post is
 * stored once.
 */
const POSTS = 250; // three pages of 100
const QUERY = 'redisshutdownalpha';
/** The bound on the stop: the engine's grace period for running jobs, its closing steps, slack. */
const CLOSE_BOUND_MS = 30_000;
/** How long the stalled job may take to be run again: BullMQ's lock and stalled check, the topic's lease. */
const WAIT_MS = 150_000;
/**
 * BullMQ's lock, its stalled-job check and the topic's lease, 30 s each in production: shortened so
 * the abandoned run is taken up sooner. BullMQ renews a running job's lock every 4 s then, and the
 * lease every 2.7 s: a loaded machine's pauses stay well inside both.
 */
const TAKEOVER_MS = 8_000;
const TEARDOWN_STEP_MS = 15_000;

describeWithRedisServer('Shutdown while Redis is down (e2e, BullMQ)', () => {
  let redis: PrivateRedis | null = null;
  let x: XApiEmulator;
  let baseUrl: string;
  let dataDir: string;
  let first: TestApp | null = null;
  let second: TestApp | null = null;
  const prefix = `ouvidor-redis-shutdown-${process.pid}`;
  const expected: string[] = [];
  /** whether the test has stopped Redis and not started it again (starting a running one would leak it) */
  let redisStopped = false;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-redis-shutdown-'));
    const started = await startRecordingXTestServer();
    x = started.server;
    baseUrl = started.baseUrl;
    x.addUser({ id: '901', username: 'crowd' });
    for (let i = 0; i < POSTS; i++) {
      expected.push(
        x.addTweet({ author_username: 'crowd', text: `${QUERY} post number ${i}`, created_at: new Date(Date.now() - (POSTS - i) * 60_000) })
          .id,
      );
    }
    expected.sort();
  });

  afterAll(async () => {
    if (redisStopped) await within(TEARDOWN_STEP_MS, redis?.start());
    await within(TEARDOWN_STEP_MS, second?.close());
    await within(TEARDOWN_STEP_MS, first?.close());
    // wakes the page still held for the first service's abandoned run
    await within(TEARDOWN_STEP_MS, x?.stop());
    await within(TEARDOWN_STEP_MS, redis?.destroy());
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 6 * TEARDOWN_STEP_MS);

  const start = () =>
    startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: baseUrl, monthlyReadCap: 100000 },
      redisUrl: redis!.url,
      queuePrefix: prefix,
      dataDir,
      takeoverMs: TAKEOVER_MS,
    });
  const collectQueue = () => new Queue('collect', { connection: { host: '127.0.0.1', port: redis!.port }, prefix });
  const waitUntil = (what: string, ok: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS) =>
    waitFor(what, ok, { timeoutMs, everyMs: 200 });
  const storedIds = async (t: TestApp, topicId: string): Promise<string[]> => {
    const csv = (await t.as(TEST_ADMIN_KEY).get(`/api/v1/exports/mentions.csv?topic=${topicId}`).expect(200)).text;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const column = lines[0].split(',').indexOf('external_id');
    return lines.slice(1).map((line) => line.split(',')[column]);
  };

  it(
    'stops within bounds during a Redis outage, and the interrupted collection is finished after, each post once',
    async () => {
      if (!redis) throw new Error('Redis did not start');
      const escaped: unknown[] = [];
      const record = (err: unknown) => escaped.push(err);
      process.on('unhandledRejection', record);
      process.on('uncaughtException', record);
      try {
        first = await start();
        const topic = (
          await first
            .as(TEST_ADMIN_KEY)
            .post('/api/v1/topics')
            .send({ name: QUERY, query: QUERY, platforms: ['x'] })
            .expect(201)
        ).body as { id: string };

        // the run's second page is held (far longer than the test): the job is running when the service stops
        let held = false;
        x.failNext(
          (req: EmulatorRequest) => {
            const next = req.path === '/2/tweets/search/recent' && (req.query.has('next_token') || req.query.has('pagination_token'));
            if (next) held = true;
            return next;
          },
          { delayMs: 10 * 60_000 },
        );
        const queue = collectQueue();
        try {
          // queued as the scheduler does: nobody waits on it over HTTP
          await queue.add(
            'collect',
            { topicId: topic.id },
            { jobId: `collect.${topic.id}.shutdown`, attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
          );
          await waitUntil('the second page is asked for', () => held, 60_000);
          expect(await queue.getJobCounts('active', 'waiting', 'completed', 'failed')).toEqual({
            active: 1,
            waiting: 0,
            completed: 0,
            failed: 0,
          });
        } finally {
          await queue.close();
        }
        // the first page is stored
        expect((await storedIds(first, topic.id)).length).toBe(100);

        redisStopped = true;
        await redis.stop('SIGTERM');
        const closing = Date.now();
        await first.close();
        const closeMs = Date.now() - closing;
        first = null;
        expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);

        await redis.start();
        redisStopped = false;
        second = await start();
        const after = collectQueue();
        try {
          await waitUntil('the interrupted collection has been run again and completed', async () => {
            const counts = await after.getJobCounts('completed', 'active', 'waiting', 'delayed', 'failed');
            return counts.completed === 1 || counts.failed === 1;
          });
          expect(await after.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed')).toEqual({
            completed: 1,
            failed: 0,
            active: 0,
            waiting: 0,
            delayed: 0,
          });
        } finally {
          await after.close();
        }
        // every post stored, and once
        expect((await storedIds(second, topic.id)).sort()).toEqual(expected);
        expect(escaped).toEqual([]);
      } finally {
        process.off('unhandledRejection', record);
        process.off('uncaughtException', record);
      }
    },
    2 * WAIT_MS,
  );
});
