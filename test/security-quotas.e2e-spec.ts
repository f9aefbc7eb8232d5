import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Quotas per workspace (SECURITY.md, "Quotas per workspace"): one workspace cannot spend the installation's X reads.
 * The X test server answers 3 posts a page, so a run checks the caps between pages.
 */
describe('Security: quotas per workspace (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  const topicIn = async (ws: TestWorkspace, name: string, query: string) =>
    (
      await t
        .as(ws.key)
        .post('/api/v1/topics')
        .send({ name, query, platforms: ['x'] })
        .expect(201)
    ).body.id as string;
  const xStatus = async (ws: TestWorkspace) =>
    ((await t.as(ws.analystKey).get('/api/v1/collectors/status').expect(200)).body.networks as { platform: string }[]).find(
      (n) => n.platform === 'x',
    );

  beforeAll(async () => {
    const started = await startXTestServer({ maxPageSize: 3 });
    x = started.server;
    t = await startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 1000, workspaceMonthlyReadCap: 5 },
      collectOnDemandIntervalSeconds: 60,
    });
    a = await createWorkspace(t, 'Quota A');
    b = await createWorkspace(t, 'Quota B');
    x.addUser({ id: '301', username: 'quota_fan', name: 'Fan' });
    for (let i = 0; i < 9; i++)
      x.addTweet({ author_id: '301', text: `quotaalpha post number ${i}`, lang: 'en', created_at: hoursAgo(9 - i) });
    for (let i = 0; i < 4; i++)
      x.addTweet({ author_id: '301', text: `quotabeta post number ${i}`, lang: 'en', created_at: hoursAgo(4 - i) });
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  let alpha: string;
  let beta: string;

  it('stops workspace A at its own cap while workspace B goes on collecting', async () => {
    alpha = await topicIn(a, 'Alpha', 'quotaalpha');
    // pages of 3: 3 read (under 5), 6 read (at the cap): the run stops before a third page
    const first = await t.as(a.analystKey).post(`/api/v1/topics/${alpha}/collect`).expect(200);
    expect(first.body).toEqual({ mentions: 6, posts: 0, replies: 0, capReached: true });
    expect(await xStatus(a)).toEqual({ platform: 'x', configured: true, readsThisMonth: 6, monthlyReadCap: 5 });

    // another topic of A reads nothing more this month
    const alpha2 = await topicIn(a, 'Alpha again', 'quotaalpha');
    const stopped = await t.as(a.key).post(`/api/v1/topics/${alpha2}/collect`).expect(200);
    expect(stopped.body).toEqual({ mentions: 0, posts: 0, replies: 0, capReached: true });
    expect(await xStatus(a)).toMatchObject({ readsThisMonth: 6 });
    const run = (await t.as(a.key).get('/api/v1/collectors/status').expect(200)).body.topics.find((s: { id: string }) => s.id === alpha2);
    expect(run.lastCounts).toEqual({ mentions: 0, posts: 0, replies: 0, capReached: true });

    // B's budget is its own: it reads all 4 of its posts
    beta = await topicIn(b, 'Beta', 'quotabeta');
    const other = await t.as(b.key).post(`/api/v1/topics/${beta}/collect`).expect(200);
    expect(other.body).toEqual({ mentions: 4, posts: 0, replies: 0 });
    expect(await xStatus(b)).toEqual({ platform: 'x', configured: true, readsThisMonth: 4, monthlyReadCap: 5 });
    // status shows a workspace only its own use
    expect(await xStatus(a)).toMatchObject({ readsThisMonth: 6 });
  });

  it('answers 429 with Retry-After when a topic is collected on demand again within the interval', async () => {
    const again = await t.as(b.key).post(`/api/v1/topics/${beta}/collect`).expect(429);
    const retryAfter = Number(again.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(again.body.message).toMatch(/collected on demand less than 60 s ago; try again in \d+ s/);
    // per topic, whoever asks: A's admin cannot collect its first topic again either
    const concurrent = await Promise.all([1, 2, 3].map(() => t.as(a.key).post(`/api/v1/topics/${alpha}/collect`)));
    expect(concurrent.map((r) => r.status)).toEqual([429, 429, 429]);
    // an unknown topic is still a 404, not a 429
    await t.as(b.key).post(`/api/v1/topics/${alpha}/collect`).expect(404);
  });

  it('lets only the installation admin change a workspace quota, which A then collects under', async () => {
    const url = `/api/v1/workspaces/${a.id}/quotas/x`;
    await t.as(a.key).put(url).send({ monthlyReadCap: 1_000_000 }).expect(403);
    await t.as(a.key).get(`/api/v1/workspaces/${a.id}/quotas`).expect(403);
    const bad = await t.as(TEST_ADMIN_KEY).put(url).send({ monthlyReadCap: 'lots' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/monthlyReadCap/);
    await t.as(TEST_ADMIN_KEY).put(url).send({}).expect(400);
    await t.as(TEST_ADMIN_KEY).put(`/api/v1/workspaces/${a.id}/quotas/bluesky`).send({ monthlyReadCap: 10 }).expect(400);
    await t.as(TEST_ADMIN_KEY).put('/api/v1/workspaces/65f000000000000000000000/quotas/x').send({ monthlyReadCap: 10 }).expect(404);

    const set = await t.as(TEST_ADMIN_KEY).put(url).send({ monthlyReadCap: 100 }).expect(200);
    expect(set.body).toEqual({
      platform: 'x',
      readsThisMonth: 6,
      monthlyReadCap: 100,
      source: 'override',
      installation: { readsThisMonth: 10, monthlyReadCap: 1000 },
    });
    const alpha3 = await topicIn(a, 'Alpha third', 'quotaalpha');
    const resumed = await t.as(a.key).post(`/api/v1/topics/${alpha3}/collect`).expect(200);
    expect(resumed.body.capReached).toBeUndefined();
    expect(await xStatus(a)).toEqual({ platform: 'x', configured: true, readsThisMonth: 15, monthlyReadCap: 100 });
    expect(await xStatus(b)).toMatchObject({ readsThisMonth: 4, monthlyReadCap: 5 });

    // null: back to the installation's default for A
    const reset = await t.as(TEST_ADMIN_KEY).put(url).send({ monthlyReadCap: null }).expect(200);
    expect(reset.body).toMatchObject({ monthlyReadCap: 5, source: 'setting', installation: { readsThisMonth: 19 } });
    const listed = await t.as(TEST_ADMIN_KEY).get(`/api/v1/workspaces/${a.id}/quotas`).expect(200);
    expect(listed.body.data).toEqual([reset.body]);
  });
});
