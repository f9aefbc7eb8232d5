import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * The triage list (issue 18): each waiting case with its latest customer message, why it waits,
 * the wait since the message that needs an answer, and its priority; filters, sorts, bulk
 * actions and VIP authors, through HTTP on the embedded engine with the X test server.
 */
const MIN = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MIN);

type Row = {
  id: string;
  customer: { handle: string };
  latestMessage: { text: string; platform: string; url: string | null; at: string } | null;
  waitReason: string;
  waitingSince: string;
  waitingSeconds: number;
  vip: boolean;
  breached: boolean;
  intent: string;
  lang: string | null;
  assignee: string | null;
  priority: { level: string; score: number; reasons: string[] };
};

describe('Triage list (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let topicId: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const tweets: Record<string, string> = {};
  const times: Record<string, Date> = {};
  const say = (key: string, author: string, text: string, when: Date, lang: string, replyTo?: string) => {
    times[key] = when;
    tweets[key] = x.addTweet({
      author_username: author,
      text,
      created_at: when,
      lang,
      ...(replyTo ? { in_reply_to_tweet_id: tweets[replyTo] } : {}),
    }).id;
  };
  const list = async (query = ''): Promise<Row[]> => (await admin().get(`/api/v1/cases/unanswered${query}`).expect(200)).body;
  const row = (rows: Row[], handle: string) => rows.find((r) => r.customer.handle === handle);

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({
      careScanIntervalSeconds: 1,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
    });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    for (const [id, u] of [
      ['201', 'ana'],
      ['202', 'john'],
      ['203', 'carla'],
    ])
      x.addUser({ id, username: u });
    const topic = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Lumi care', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
      .expect(201);
    topicId = topic.body.id;
    // ana: answered, then wrote again (waits since her second message);
    // carla: a complaint unanswered past the 2 h SLA; john: a fresh question in English.
    say('A', 'ana', '@lumi_br meu cartão foi bloqueado, preciso de ajuda', ago(300), 'pt');
    say('A1', 'lumi_br', '@ana Oi Ana, já desbloqueamos seu cartão Lumi', ago(290), 'pt', 'A');
    say('A2', 'ana', '@lumi_br continua bloqueado, não consigo pagar nada com a lumi', ago(60), 'pt', 'A1');
    say('C', 'carla', '@lumi_br péssimo atendimento, ninguém responde, quero cancelar minha conta lumi', ago(180), 'pt');
    say('J', 'john', '@lumi_br how do I change the pin of my lumi card?', ago(10), 'en');
    await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200);
    // the care scan (every second) marks carla's breach
    for (let i = 0; i < 50 && !row(await list(), 'carla')?.breached; i++) await new Promise((r) => setTimeout(r, 200));
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('gives each row its latest customer message, why it waits and the wait since the message that needs an answer', async () => {
    const rows = await list();
    expect(rows.map((r) => r.customer.handle).sort()).toEqual(['ana', 'carla', 'john']);
    const ana = row(rows, 'ana')!;
    expect(ana.latestMessage).toMatchObject({
      text: expect.stringContaining('continua bloqueado'),
      platform: 'x',
      at: times.A2.toISOString(),
    });
    expect(ana.latestMessage!.url).toContain(tweets.A2);
    expect(ana.waitReason).toBe('customer_replied');
    expect(ana.waitingSince).toBe(times.A2.toISOString());
    expect(ana.waitingSeconds).toBeGreaterThanOrEqual(59 * 60);
    expect(ana.waitingSeconds).toBeLessThan(65 * 60);
    const carla = row(rows, 'carla')!;
    expect(carla).toMatchObject({ waitReason: 'new', waitingSince: times.C.toISOString(), breached: true });
    expect(carla.priority.reasons).toContain('sla_breached');
    expect(row(rows, 'john')).toMatchObject({ waitReason: 'new', vip: false });
  });

  it('sorts by priority by default, by waiting or due on request', async () => {
    const byPriority = await list();
    const ranks = byPriority.map((r) => ['urgent', 'high', 'normal', 'low'].indexOf(r.priority.level));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(byPriority[0].customer.handle).toBe('carla');
    expect((await list('?sort=waiting')).map((r) => r.customer.handle)).toEqual(['carla', 'ana', 'john']);
    expect((await list('?sort=due'))[0].customer.handle).toBe('carla');
  });

  it('filters by network, language, breach and intent, and refuses bad filters naming the field', async () => {
    expect((await list('?lang=en')).map((r) => r.customer.handle)).toEqual(['john']);
    expect((await list('?breached=true')).map((r) => r.customer.handle)).toEqual(['carla']);
    expect(await list('?platform=bluesky')).toEqual([]);
    expect((await list('?platform=x')).length).toBe(3);
    for (const r of await list('?intent=complaint')) expect(r.intent).toBe('complaint');
    expect((await list('?assignee=none')).length).toBe(3);
    for (const [q, field] of [
      ['sort=loudest', 'sort'],
      ['platform=myspace', 'platform'],
      ['lang=Portuguese', 'lang'],
      ['vip=maybe', 'vip'],
      ['sentiment=angry', 'sentiment'],
    ]) {
      const res = await admin().get(`/api/v1/cases/unanswered?${q}`).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  it('a VIP author ranks higher, filters as VIP, and only analysts or admins mark one', async () => {
    const before = row(await list(), 'john')!;
    await admin().put('/api/v1/authors/x/202/vip').expect(200);
    const after = row(await list(), 'john')!;
    expect(after.vip).toBe(true);
    expect(after.priority.reasons).toContain('vip');
    expect(after.priority.score).toBe(before.priority.score + 25);
    expect((await list('?vip=true')).map((r) => r.customer.handle)).toEqual(['john']);
    expect((await list('?vip=false')).map((r) => r.customer.handle).sort()).toEqual(['ana', 'carla']);
    await admin().put('/api/v1/authors/myspace/202/vip').expect(400);
    const agentKey = (await admin().post('/api/v1/api-keys').send({ name: 'agent', role: 'agent' }).expect(201)).body.key;
    await t.as(agentKey).put('/api/v1/authors/x/201/vip').expect(403);
    await admin().delete('/api/v1/authors/x/202/vip').expect(200);
    expect(row(await list(), 'john')!.vip).toBe(false);
  });

  it('bulk actions: assign, resolve, with a result per case', async () => {
    const bruna = (await admin().post('/api/v1/agents').send({ name: 'Bruna' }).expect(201)).body;
    const rows = await list();
    const ids = rows.map((r) => r.id);
    const missing = '0123456789abcdef01234567';
    const assigned = await admin()
      .post('/api/v1/cases/bulk')
      .send({ ids: [...ids, missing], action: 'assign', assigneeId: bruna.id })
      .expect(200);
    expect(assigned.body.results.filter((r: { ok: boolean }) => r.ok)).toHaveLength(3);
    expect(assigned.body.results.find((r: { id: string }) => r.id === missing)).toMatchObject({ ok: false, status: 404 });
    expect((await list(`?assignee=${bruna.id}`)).length).toBe(3);

    const carla = row(rows, 'carla')!;
    await admin()
      .post('/api/v1/cases/bulk')
      .send({ ids: [carla.id], action: 'resolve' })
      .expect(200);
    expect(row(await list(), 'carla')).toBeUndefined();
    const john = row(rows, 'john')!;
    await admin()
      .post('/api/v1/cases/bulk')
      .send({ ids: [john.id], action: 'not_support' })
      .expect(200);
    expect((await admin().get(`/api/v1/cases/${john.id}`).expect(200)).body.status).toBe('not_support');
    // "Not support" is a correction of the case's message: model-quality counts it like PATCH /mentions/:id.
    const quality = (await admin().get('/api/v1/reports/model-quality').expect(200)).body;
    expect(quality.intent).toMatchObject({ corrections: 1, changed: 1 });
    expect(quality.intent.confusion[john.intent].other).toBe(1);

    for (const [body, field] of [
      [{ ids: ['nope'], action: 'resolve' }, 'ids'],
      [{ ids: [], action: 'resolve' }, 'ids'],
      [{ ids: [carla.id], action: 'explode' }, 'action'],
      [{ ids: [carla.id], action: 'assign' }, 'assigneeId'],
    ] as const) {
      const res = await admin().post('/api/v1/cases/bulk').send(body).expect(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
