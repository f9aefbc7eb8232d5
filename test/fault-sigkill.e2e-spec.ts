import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { BLUESKY_TEST_PASSWORD, BlueskyTestServer, startBlueskyTestServer } from './support/bluesky-test-server';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startRecordingXTestServer, XSearchRequest } from './support/recording-x-server';
import { ServiceProcess, startServiceProcess } from './support/service-process';
import { X_TEST_TOKEN } from './support/x-test-server';
import { waitUntil as waitFor } from './support/waiting';

/**
 * Fault injection: the real service in a child process on a data directory, killed with SIGKILL
 * while it is collecting from X and Bluesky (one kill, both runs under way) and then from Mastodon
 * (a second kill), and started again on the same directory each time. The networks' test servers
 * live in this process, so they outlive every kill. Afterwards every post of each network is stored
 * exactly once, each stream's cursor stands on the newest post, the resumed runs read on from where
 * the killed ones stopped instead of starting over, and the next run reads only what is new.
 */
const TOTAL = { x: 400, bluesky: 400, mastodon: 200 };
/** each network's page size as the collectors ask for it */
const PAGE = { x: 100, bluesky: 100, mastodon: 40 };
/** pages of each network stored before the kill: the page after them is held until the kill */
const BEFORE_KILL = { x: 2, bluesky: 2, mastodon: 3 };
/** longer than it takes to see the pages stored and kill, short enough not to outlive the test */
const HOLD_MS = 20_000;
type Network = keyof typeof TOTAL;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

interface StreamStatus {
  stream: string;
  caughtUpTo: string | null;
  resuming: boolean;
}
interface TopicStatus {
  id: string;
  streams: StreamStatus[];
}

describe('Fault injection: SIGKILL in the middle of a collection, on each network (e2e)', () => {
  let x: XApiEmulator;
  let bsky: BlueskyTestServer;
  let masto: MastodonTestServer;
  let env: Record<string, string>;
  let dataDir: string;
  let svc: ServiceProcess | null = null;
  /** X search requests as answered */
  let xSearches: XSearchRequest[];
  const expected: Record<Network, string[]> = { x: [], bluesky: [], mastodon: [] };
  const newest: Record<Network, string> = { x: '', bluesky: '', mastodon: '' };

  beforeAll(async () => {
    const xStarted = await startRecordingXTestServer();
    x = xStarted.server;
    xSearches = xStarted.searches;
    const bskyStarted = await startBlueskyTestServer();
    bsky = bskyStarted.server;
    const mastoStarted = await startMastodonTestServer();
    masto = mastoStarted.server;

    x.addUser({ id: '700', username: 'crowd' });
    for (let i = 0; i < TOTAL.x; i++) {
      const t = x.addTweet({ author_username: 'crowd', text: `killcheckx post number ${i}`, created_at: minutesAgo(TOTAL.x - i) });
      expected.x.push(t.id);
    }
    newest.x = expected.x.reduce((a, b) => (BigInt(a) >= BigInt(b) ? a : b));

    bsky.addUser({ handle: 'brand.bsky.social', displayName: 'Brand' });
    bsky.addUser({ handle: 'crowd.bsky.social', displayName: 'Crowd' });
    for (let i = 0; i < TOTAL.bluesky; i++) {
      const at = minutesAgo(TOTAL.bluesky - i);
      expected.bluesky.push(
        bsky.addPost({ author: 'crowd.bsky.social', text: `killchecksky post number ${i}`, langs: ['en'], createdAt: at }).uri,
      );
      newest.bluesky = at.toISOString();
    }

    masto.addUser({ username: 'crowd' });
    for (let i = 0; i < TOTAL.mastodon; i++) {
      expected.mastodon.push(
        masto.addPost({
          author: 'crowd',
          text: `killcheckmasto post number ${i}`,
          language: 'en',
          createdAt: minutesAgo(TOTAL.mastodon - i),
        }).id,
      );
    }
    newest.mastodon = expected.mastodon.reduce((a, b) => (BigInt(a) >= BigInt(b) ? a : b));

    dataDir = mkdtempSync(join(tmpdir(), 'ouvidor-fault-sigkill-'));
    env = {
      DATA_DIR: dataDir,
      X_BEARER_TOKEN: X_TEST_TOKEN,
      X_API_BASE_URL: xStarted.baseUrl,
      BLUESKY_IDENTIFIER: 'brand.bsky.social',
      BLUESKY_APP_PASSWORD: BLUESKY_TEST_PASSWORD,
      BLUESKY_SERVICE: bskyStarted.baseUrl,
      MASTODON_URL: mastoStarted.baseUrl,
      MASTODON_ACCESS_TOKEN: MASTODON_TEST_TOKEN,
    };
  });

  afterAll(async () => {
    await svc?.kill('SIGKILL');
    await Promise.allSettled([x?.stop(), bsky?.stop(), masto?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** The external ids of a topic's stored mentions, from the CSV export (every row, no paging). */
  const storedIds = async (topicId: string): Promise<string[]> => {
    const csv = await (await svc!.api(`/api/v1/exports/mentions.csv?topic=${topicId}`)).text();
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const column = lines[0].split(',').indexOf('external_id');
    return lines.slice(1).map((line) => line.split(',')[column]);
  };
  const waitUntil = (what: string, ok: () => Promise<boolean>, timeoutMs = 30_000) =>
    waitFor(what, ok, { timeoutMs, detail: () => `${svc?.output().slice(-3000)}` });
  const streamsOf = async (topicId: string): Promise<StreamStatus[]> => {
    const status = await svc!.json<{ topics: TopicStatus[] }>('/api/v1/collectors/status');
    return status.topics
      .find((t) => t.id === topicId)!
      .streams.map(({ stream, caughtUpTo, resuming }) => ({ stream, caughtUpTo, resuming }));
  };
  const collect = (topicId: string) =>
    svc!.json<{ mentions: number; posts: number; replies: number }>(`/api/v1/topics/${topicId}/collect`, { method: 'POST' });
  /** starts a collection without waiting for it; the kill makes its request fail, which is expected */
  const startCollecting = (topicId: string) =>
    void svc!.api(`/api/v1/topics/${topicId}/collect`, { method: 'POST' }).catch(() => undefined);
  /** whether the search request held by `holdAfter` has reached each network's test server */
  const held: Record<Network, () => boolean> = { x: () => false, bluesky: () => false, mastodon: () => false };
  /**
   * Lets `BEFORE_KILL` search pages of `network` through, then holds the next one: the collector
   * asks for it only after storing the pages before it and saving their cursor, so once it is
   * held the run is mid-way at a known point.
   */
  const holdAfter = (network: Network) => {
    const pages = BEFORE_KILL[network];
    if (network === 'x') {
      let reached = false;
      x.failNext('tweets/search/recent', { delayMs: 1 }, pages);
      x.failNext((r) => r.path.endsWith('/tweets/search/recent') && (reached = true), { delayMs: HOLD_MS });
      held.x = () => reached;
    } else if (network === 'bluesky') {
      const from = bsky.requests.length;
      bsky.failNext('app.bsky.feed.searchPosts', { delayMs: 1 }, pages);
      bsky.failNext('app.bsky.feed.searchPosts', { delayMs: HOLD_MS });
      held.bluesky = () => bsky.requests.slice(from).filter((r) => r.nsid === 'app.bsky.feed.searchPosts').length > pages;
    } else {
      const from = masto.requests.length;
      masto.failNext('search', { delayMs: 1 }, pages);
      masto.failNext('search', { delayMs: HOLD_MS });
      held.mastodon = () => masto.requests.slice(from).filter((r) => r.route === 'search').length > pages;
    }
  };
  const sorted = (ids: string[]) => [...ids].sort();

  it('stores every post exactly once and leaves each cursor on the newest post', async () => {
    svc = await startServiceProcess(env);
    const topic = {} as Record<Network, string>;
    for (const [network, query] of [
      ['x', 'killcheckx'],
      ['bluesky', 'killchecksky'],
      ['mastodon', 'killcheckmasto'],
    ] as const) {
      topic[network] = (
        await svc.json<{ id: string }>('/api/v1/topics', {
          method: 'POST',
          status: 201,
          body: JSON.stringify({ name: network, query, platforms: [network] }),
        })
      ).id;
    }
    const stream = { x: 'x:search', bluesky: 'bluesky:search:killchecksky', mastodon: 'mastodon:search:killcheckmasto' };

    // first kill: X and Bluesky both collecting (the collect queue runs two at a time), each with
    // two pages stored and the third on its way
    holdAfter('x');
    holdAfter('bluesky');
    startCollecting(topic.x);
    startCollecting(topic.bluesky);
    await waitUntil('the third page of X and of Bluesky is asked for', async () => held.x() && held.bluesky());
    await svc.kill('SIGKILL');
    x.clearFaults();
    bsky.clearFaults();

    svc = await startServiceProcess(env);
    // what was acknowledged before the kill is there, and each stream is marked as mid-run
    const afterFirstKill = { x: await storedIds(topic.x), bluesky: await storedIds(topic.bluesky) };
    expect(afterFirstKill.x).toHaveLength(BEFORE_KILL.x * PAGE.x);
    expect(afterFirstKill.bluesky).toHaveLength(BEFORE_KILL.bluesky * PAGE.bluesky);
    expect(await streamsOf(topic.x)).toEqual([{ stream: stream.x, caughtUpTo: null, resuming: true }]);
    expect(await streamsOf(topic.bluesky)).toEqual([{ stream: stream.bluesky, caughtUpTo: null, resuming: true }]);

    // second kill: Mastodon collecting, three pages stored and the fourth on its way
    holdAfter('mastodon');
    startCollecting(topic.mastodon);
    await waitUntil('the fourth page of Mastodon is asked for', async () => held.mastodon());
    await svc.kill('SIGKILL');
    masto.clearFaults();

    svc = await startServiceProcess(env);
    const afterSecondKill = { ...afterFirstKill, mastodon: await storedIds(topic.mastodon) };
    expect(afterSecondKill.mastodon).toHaveLength(BEFORE_KILL.mastodon * PAGE.mastodon);
    expect(await streamsOf(topic.mastodon)).toEqual([{ stream: stream.mastodon, caughtUpTo: null, resuming: true }]);

    // the resumed runs: each waits for the killed run's lease to expire, then reads on from the
    // cursor of its last stored page
    const served = { x: xSearches.length, bluesky: bsky.requests.length, mastodon: masto.requests.length };
    const resumed = await Promise.all((['x', 'bluesky', 'mastodon'] as const).map((n) => collect(topic[n])));
    const searchesAfter = {
      x: xSearches.slice(served.x),
      bluesky: bsky.requests.slice(served.bluesky).filter((r) => r.nsid === 'app.bsky.feed.searchPosts'),
      mastodon: masto.requests.slice(served.mastodon).filter((r) => r.route === 'search'),
    };
    // each resumed from its cursor: X below the last stored page (until_id), Bluesky from the
    // service's cursor, Mastodon below the last stored page (max_id)
    expect(searchesAfter.x[0].untilId).toEqual(expect.any(String));
    expect(searchesAfter.x[0].sinceId).toBeNull();
    expect(searchesAfter.bluesky[0].params.cursor).toEqual(expect.any(String));
    expect(searchesAfter.mastodon[0].params.max_id).toEqual(expect.any(String));
    for (const [i, n] of (['x', 'bluesky', 'mastodon'] as const).entries()) {
      const before = afterSecondKill[n].length;
      // counted once: the run reports only what it added to what survived the kill
      expect({ network: n, mentions: resumed[i].mentions }).toEqual({ network: n, mentions: TOTAL[n] - before });
      // every post, each exactly once
      const all = await storedIds(topic[n]);
      expect({ network: n, ids: sorted(all) }).toEqual({ network: n, ids: sorted(expected[n]) });
      // not started over: the pages left, plus at most the last, empty one
      const pagesLeft = Math.ceil((TOTAL[n] - before) / PAGE[n]);
      expect(searchesAfter[n].length).toBeLessThanOrEqual(pagesLeft + 1);
      // the cursor stands on the newest post, and the run is no longer marked as under way
      expect(await streamsOf(topic[n])).toEqual([{ stream: stream[n], caughtUpTo: newest[n], resuming: false }]);
      // the hourly rollups count each mention once too
      const overview = await svc.json<{ volume: { mentions: number } }>(`/api/v1/reports/overview?topic=${topic[n]}`);
      expect({ network: n, volume: overview.volume.mentions }).toEqual({ network: n, volume: TOTAL[n] });
    }

    // the next run reads only what is new since the cursor
    const fresh = {
      x: x.addTweet({ author_username: 'crowd', text: 'killcheckx one more', created_at: new Date() }).id,
      bluesky: bsky.addPost({ author: 'crowd.bsky.social', text: 'killchecksky one more', langs: ['en'], createdAt: new Date() }).uri,
      mastodon: masto.addPost({ author: 'crowd', text: 'killcheckmasto one more', language: 'en', createdAt: new Date() }).id,
    };
    const servedBeforeNext = xSearches.length;
    const next = await Promise.all((['x', 'bluesky', 'mastodon'] as const).map((n) => collect(topic[n])));
    expect(next.map((r) => r.mentions)).toEqual([1, 1, 1]);
    expect(xSearches.slice(servedBeforeNext).map((r) => r.sinceId)).toEqual([newest.x]);
    for (const n of ['x', 'bluesky', 'mastodon'] as const) {
      const all = await storedIds(topic[n]);
      expect(all).toHaveLength(TOTAL[n] + 1);
      expect(all).toContain(fresh[n]);
    }
  }, 180_000);
});
