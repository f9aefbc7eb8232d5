import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Assignment rules per team (issue 18, item 5): 100 support posts routed to a round-robin team
 * and 100 to a least-loaded team, 4 online agents each, spread within one case of even and never
 * above the cap; an agent offline past the grace loses their open cases to the others, counted
 * as reroutes.
 */
const MIN = 60_000;
type CaseRow = { id: string; assignee: string | null; team: string | null };
type Agent = { id: string; name: string };

describe('Case assignment rules (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let topicId: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const t0 = Date.now() - 60 * MIN;
  let user = 300;
  const post = (text: string, i: number) => {
    const username = `cliente${user}`;
    x.addUser({ id: String(user++), username });
    x.addTweet({ author_username: username, text, created_at: new Date(t0 + i * 1000), lang: 'pt' });
  };
  const casesOf = async (team: string): Promise<CaseRow[]> =>
    (await admin().get(`/api/v1/cases?team=${team}&status=open&limit=200`).expect(200)).body.data;
  const countBy = (rows: CaseRow[], agents: Agent[]) => agents.map((a) => rows.filter((c) => c.assignee === a.id).length);
  const agentsOf = async (team: string, n: number): Promise<Agent[]> => {
    const out: Agent[] = [];
    for (let i = 0; i < n; i++) {
      const a = (
        await admin()
          .post('/api/v1/agents')
          .send({ name: `${team}-${i}`, team })
          .expect(201)
      ).body as Agent;
      await admin().put(`/api/v1/agents/${a.id}/presence`).send({ status: 'online' }).expect(200);
      out.push(a);
    }
    return out;
  };
  let cards: Agent[];
  let billing: Agent[];

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({
      careScanIntervalSeconds: 1,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
    });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    topicId = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'Lumi care', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
        .expect(201)
    ).body.id;
    for (const name of ['cards', 'billing']) await admin().post('/api/v1/teams').send({ name }).expect(201);
    await admin()
      .patch('/api/v1/workspaces/current')
      .send({
        settings: {
          routingRules: [
            { keyword: 'cartão', team: 'cards' },
            { keyword: 'fatura', team: 'billing' },
          ],
        },
      })
      .expect(200);
    cards = await agentsOf('cards', 4);
    billing = await agentsOf('billing', 4);
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('validates the rule and the presence, naming the field, storing nothing', async () => {
    const bad = async (body: object, field: string) => {
      const res = await admin().put('/api/v1/teams/cards/assignment').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    };
    await bad({ mode: 'random' }, 'mode');
    await bad({ mode: 'round_robin', maxOpenPerAgent: 0 }, 'maxOpenPerAgent');
    await bad({ mode: 'round_robin', offlineGraceMinutes: -1 }, 'offlineGraceMinutes');
    await admin().put('/api/v1/teams/nope/assignment').send({ mode: 'manual' }).expect(404);
    expect((await admin().get('/api/v1/teams/cards/assignment').expect(200)).body).toEqual({
      team: 'cards',
      mode: 'manual',
      maxOpenPerAgent: null,
      offlineGraceMinutes: 15,
    });
    const res = await admin().put(`/api/v1/agents/${cards[0].id}/presence`).send({ status: 'busy' }).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('status');
  });

  it('round-robin and least-loaded spread 100 cases each over 4 online agents within one of even, never above the cap', async () => {
    await admin().put('/api/v1/teams/cards/assignment').send({ mode: 'round_robin', maxOpenPerAgent: 25 }).expect(200);
    await admin()
      .put('/api/v1/teams/billing/assignment')
      .send({ mode: 'least_loaded', maxOpenPerAgent: 40, offlineGraceMinutes: 10 })
      .expect(200);
    // 102 for cards: the last 2 find every agent at the cap of 25 and stay with the team, unassigned
    for (let i = 0; i < 102; i++) post(`@lumi_br meu cartão ${i} foi bloqueado, preciso de ajuda`, i);
    for (let i = 0; i < 100; i++) post(`@lumi_br a fatura ${i} veio errada, preciso de ajuda`, 200 + i);
    await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200);

    const rr = await casesOf('cards');
    expect(rr).toHaveLength(102);
    expect(countBy(rr, cards)).toEqual([25, 25, 25, 25]);
    expect(rr.filter((c) => c.assignee === null)).toHaveLength(2);

    const ll = countBy(await casesOf('billing'), billing);
    expect(ll.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...ll) - Math.min(...ll)).toBeLessThanOrEqual(1);
    expect(Math.max(...ll)).toBeLessThanOrEqual(40);
  });

  it('an agent offline past the grace loses their open cases to the others, counted as reroutes', async () => {
    const gone = billing[0];
    const held = countBy(await casesOf('billing'), [gone])[0];
    expect(held).toBe(25);
    // offline for 11 minutes, past the team's 10-minute grace: the next care scan moves the cases
    const since = new Date(Date.now() - 11 * MIN).toISOString();
    const set = await admin().put(`/api/v1/agents/${gone.id}/presence`).send({ status: 'offline', at: since }).expect(200);
    expect(set.body).toMatchObject({ presence: 'offline', presenceSince: since });
    await waitUntil('the offline agent holds no open case', async () => countBy(await casesOf('billing'), [gone])[0] === 0, {
      timeoutMs: 15_000,
    });
    const after = countBy(await casesOf('billing'), billing);
    expect(after[0]).toBe(0);
    expect(after.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...after.slice(1)) - Math.min(...after.slice(1))).toBeLessThanOrEqual(1);
    expect(Math.max(...after)).toBeLessThanOrEqual(40);

    const from = new Date(t0 - 60 * MIN).toISOString();
    const to = new Date(Date.now() + MIN).toISOString();
    const report = (await admin().get(`/api/v1/reports/agents?from=${from}&to=${to}&tz=UTC`).expect(200)).body;
    expect(report.agents.find((a: { agentId: string }) => a.agentId === gone.id)).toMatchObject({ reassignments: 25 });
    expect(report.routingKeywords.find((k: { keyword: string }) => k.keyword === 'fatura')).toMatchObject({
      casesRouted: 100,
      reroutes: 25,
    });
    // an agent offline within the grace keeps their cases
    const other = billing[1];
    await admin().put(`/api/v1/agents/${other.id}/presence`).send({ status: 'offline' }).expect(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(countBy(await casesOf('billing'), [other])[0]).toBeGreaterThan(0);
  });
});
