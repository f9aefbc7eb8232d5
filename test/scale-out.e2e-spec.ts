/**
 * Scale-out across processes: the embedded engine on its own (`npm run engine`), two API
 * instances (`WORKER=false`) and two workers, every one a child process with `MONGODB_URI` set to
 * the engine's socket, sharing BullMQ queues on the machine's Redis (a prefix of this run's own).
 * Four collections from the X emulator are asked for through the API instances and a burst of
 * lead writes goes to both; with every collection mid-way (each worker runs two, its concurrency),
 * one worker is killed with SIGKILL. Its two jobs are found stalled and taken up by the other
 * worker, which resumes from their cursors. Afterwards every post is stored once, every job
 * completed once (two after one stall each), and both API instances answer the same numbers.
 *
 * Skipped when the Redis at TEST_REDIS_URL does not answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import type { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { EngineProcess, startEngineProcess } from './support/engine-process';
import { describeWithRedis, TEST_REDIS_URL } from './support/redis-available';
import { startRecordingXTestServer } from './support/recording-x-server';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { waitUntil, within } from './support/waiting';
import { X_TEST_TOKEN } from './support/x-test-server';

const QUERIES = ['scaleoutalpha', 'scaleoutbeta', 'scaleoutgamma', 'scaleoutdelta'];
/** posts per topic: three pages of the collector's 100 */
const PER_TOPIC = 300;
/** leads written in the burst, each sent twice (once to each API instance) */
const LEADS = 120;
/**
 * how long a killed worker's job lock and topic lease outlive it (TAKEOVER_MS): long enough that a
 * live worker stalled by a loaded machine keeps renewing its locks in time (they renew every third)
 */
const TAKEOVER_MS = 8_000;
/** a bound for a stuck step, not a speed requirement */
const WAIT_MS = 90_000;

describeWithRedis('Scale-out: one engine, two API instances and two workers on BullMQ (e2e, child processes)', () => {
  const prefix = `ouvidor-scaleout-${process.pid}`;
  let root: string;
  let x: XApiEmulator;
  let engine: EngineProcess | null = null;
  let api: ServiceProcess[] = [];
  let workers: ServiceProcess[] = [];
  let events: QueueEvents | null = null;
  let collectQueue: Queue | null = null;
  const expected = new Map<string, string[]>();
  const completed: string[] = [];
  const failed: string[] = [];
  const stalled: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ouvidor-scaleout-'));
    const started = await startRecordingXTestServer();
    x = started.server;
    x.addUser({ id: '800', username: 'crowd' });
    for (const query of QUERIES) {
      const ids: string[] = [];
      for (let i = 0; i < PER_TOPIC; i++) {
        const at = new Date(Date.now() - (PER_TOPIC - i) * 60_000);
        ids.push(x.addTweet({ author_username: 'crowd', text: `${query} post number ${i}`, created_at: at }).id);
      }
      expected.set(query, ids.sort());
    }

    engine = await startEngineProcess(['--data-dir', join(root, 'engine')]);
    // the database goes in the URI's path, as for any MongoDB server
    const mongodbUri = engine.uri.replace('/?', '/ouvidor?');
    const env = (name: string, worker: boolean): Record<string, string> => ({
      MONGODB_URI: mongodbUri,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER: String(worker),
      TAKEOVER_MS: String(TAKEOVER_MS),
      // shared by every instance, as the README asks of several instances
      SECRETS_KEY: 'a'.repeat(64),
      DATA_DIR: join(root, name),
      X_BEARER_TOKEN: X_TEST_TOKEN,
      X_API_BASE_URL: started.baseUrl,
      X_MONTHLY_READ_CAP: '0',
    });
    const options = { healthy: true, timeoutMs: WAIT_MS };
    // The first instance makes the workspace and its admin key; the others find them.
    api = [await startServiceProcess(env('api-a', false), options)];
    const rest = await Promise.all([
      startServiceProcess(env('api-b', false), options),
      startServiceProcess(env('worker-a', true), options),
      startServiceProcess(env('worker-b', true), options),
    ]);
    api.push(rest[0]);
    workers = rest.slice(1);

    events = new QueueEvents('collect', { connection: { url: TEST_REDIS_URL }, prefix });
    events.on('completed', ({ jobId }) => completed.push(jobId));
    events.on('failed', ({ jobId }) => failed.push(jobId));
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    collectQueue = new Queue('collect', { connection: { url: TEST_REDIS_URL }, prefix });
  }, 3 * WAIT_MS);

  afterAll(async () => {
    x?.releaseHeld();
    await Promise.all([...api, ...workers].map((svc) => within(20_000, svc.kill('SIGTERM'))));
    await within(5_000, events?.close());
    await within(5_000, collectQueue?.close());
    // every key under this run's prefix, whichever queues the service defines
    const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    await within(
      10_000,
      (async () => {
        for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
          if (keys.length) await redis.del(...keys);
        }
      })(),
    );
    redis.disconnect();
    if (engine) await within(20_000, engine.stop('SIGTERM'));
    await x?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 90_000);

  const detail = () =>
    [...api, ...workers].map((svc, i) => `--- instance ${i} (pid ${svc.child.pid}) ---\n${svc.output().slice(-2000)}`).join('\n');

  /** The external ids of a topic's stored mentions, from the CSV export (every row, no paging). */
  const storedIds = async (svc: ServiceProcess, topicId: string): Promise<string[]> => {
    const csv = (await (await svc.api(`/api/v1/exports/mentions.csv?topic=${topicId}`)).text()).replace(/^\uFEFF/, '').trim();
    const lines = csv.split('\n');
    const column = lines[0].split(',').indexOf('external_id');
    return lines
      .slice(1)
      .map((line) => line.split(',')[column])
      .sort();
  };
  const leadRows = async (svc: ServiceProcess): Promise<string[]> => {
    const csv = (await (await svc.api('/api/v1/exports/leads.csv')).text()).replace(/^\uFEFF/, '').trim();
    return csv.split('\n').slice(1).sort();
  };

  it(
    'stores every post once, completes every job once, and answers the same numbers on both API instances',
    async () => {
      const topics: string[] = [];
      for (const [i, query] of QUERIES.entries()) {
        const topic = await api[i % 2].json<{ id: string }>('/api/v1/topics', {
          method: 'POST',
          status: 201,
          body: JSON.stringify({ name: query, query, platforms: ['x'] }),
        });
        topics.push(topic.id);
      }

      // Each collection's first page goes through; its second is held until the kill. The
      // collector asks for it only after storing the first page and saving its cursor.
      const seen = new Map<string, number>();
      const held = new Set<string>();
      for (const query of QUERIES) {
        x.failNext(
          (r) => {
            if (!r.path.endsWith('/tweets/search/recent') || !(r.query.get('query') ?? '').includes(query)) return false;
            seen.set(query, (seen.get(query) ?? 0) + 1);
            if (seen.get(query) !== 2) return false;
            held.add(query);
            return true;
          },
          { delayMs: 10 * 60_000 },
        );
      }

      // Collections asked for through both API instances; they answer once the job is done.
      const collections = topics.map((id, i) =>
        api[i % 2].json<{ mentions: number }>(`/api/v1/topics/${id}/collect`, { method: 'POST', status: 200 }),
      );
      collections.forEach((c) => c.catch(() => undefined));

      // A burst of writes, meanwhile, to both instances: every lead once to each, in two rounds,
      // so each is stored by one instance and replaced by the other.
      const lead = (i: number, round: number) => ({
        externalId: `burst-${i}`,
        occurredAt: new Date(Date.now() - i * 60_000).toISOString(),
        utmSource: 'instagram',
        utmMedium: 'social',
        utmCampaign: `burst-${i}`,
        value: round * 1000 + i,
      });
      const burst = async (round: number) => {
        const answers = await Promise.all(
          Array.from({ length: LEADS / 10 }, (_, b) =>
            api[(b + round) % 2].json<{ stored: number; updated: number; rejected: unknown[] }>('/api/v1/leads', {
              method: 'POST',
              status: 200,
              body: JSON.stringify(Array.from({ length: 10 }, (_, k) => lead(b * 10 + k, round))),
            }),
          ),
        );
        return answers.reduce((sum, a) => ({ stored: sum.stored + a.stored, updated: sum.updated + a.updated }), { stored: 0, updated: 0 });
      };
      expect(await burst(1)).toEqual({ stored: LEADS, updated: 0 });
      expect(await burst(2)).toEqual({ stored: 0, updated: LEADS });

      // Four jobs running, two on each worker (concurrency 2): every one is mid-way.
      await waitUntil('every collection holds its second page', () => held.size === QUERIES.length, { timeoutMs: WAIT_MS, detail });
      expect(await collectQueue!.getActiveCount()).toBe(QUERIES.length);
      await workers[0].kill('SIGKILL');
      x.clearFaults();
      x.releaseHeld();

      const results = await within(WAIT_MS, Promise.all(collections));
      expect(results).toBeDefined();
      // The killed worker's two jobs were found stalled and run again; each job completed once.
      expect(stalled).toHaveLength(2);
      await waitUntil('the completions reach the test', () => completed.length >= QUERIES.length, { timeoutMs: 10_000 });
      expect(failed).toEqual([]);
      expect(completed).toHaveLength(QUERIES.length);
      expect(new Set(completed).size).toBe(QUERIES.length);
      expect(stalled.every((id) => completed.includes(id))).toBe(true);

      for (const [i, query] of QUERIES.entries()) {
        // every post stored once, as each API instance sees it
        for (const svc of api) expect({ query, ids: await storedIds(svc, topics[i]) }).toEqual({ query, ids: expected.get(query) });
        // and counted once in the rollups, the same on both
        const overviews = await Promise.all(
          api.map((svc) => svc.json<{ volume: { mentions: number } }>(`/api/v1/reports/overview?topic=${topics[i]}`)),
        );
        expect(overviews.map((o) => o.volume.mentions)).toEqual([PER_TOPIC, PER_TOPIC]);
        expect(overviews[1].volume).toEqual(overviews[0].volume);
      }

      // every lead once, with the second round's value, the same on both instances
      const [leadsA, leadsB] = await Promise.all(api.map(leadRows));
      expect(leadsA).toHaveLength(LEADS);
      expect(leadsB).toEqual(leadsA);
      const overviewLeads = await Promise.all(api.map((svc) => svc.json<{ leads: unknown }>('/api/v1/reports/overview')));
      expect(overviewLeads[1].leads).toEqual(overviewLeads[0].leads);
    },
    4 * WAIT_MS,
  );
});
