import { LISTENING_PLATFORMS } from '../src/common/platform';
import { createServer, IncomingMessage, Server } from 'node:http';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * A fixture in America/Sao_Paulo (UTC−3): mentions, own posts and a brand reply through the X test
 * server; leads, traffic, contacts and surveys through the API. Every overview number below is
 * computed by hand in the comments. D is local midnight three days ago; the report covers
 * [D, D+2 days) local, the previous period [D−2 days, D).
 */
const H = 3600_000;
const today = new Date();
const D = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 3, 3, 0)); // 00:00 in São Paulo
const local = (day: number, hh: number, mm = 0) => new Date(D.getTime() + day * 24 * H + hh * H + mm * 60_000);
const iso = (d: Date) => d.toISOString();
const FROM = iso(local(0, 0));
const TO = iso(local(2, 0));

describe('Reports: every KPI of the catalogue (docs/KPIS.md) against hand-computed values (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let key: string;
  const ws = () => t.as(key);
  const ids: Record<string, string> = {};
  let overview: Record<string, any>;

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({
      careScanIntervalSeconds: 3600,
      alertScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
    });
    const created = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/workspaces')
      .send({ name: 'Lumi BR', timezone: 'America/Sao_Paulo', currency: 'BRL' })
      .expect(201);
    key = created.body.apiKey.key;

    x.addUser({ id: '100', username: 'lumi_br', public_metrics: { followers_count: 5000 } });
    ['ana', 'john', 'bia', 'joe', 'caio', 'duda', 'enzo', 'fabi'].forEach((u, i) => x.addUser({ id: String(300 + i), username: u }));
    const say = (k: string, author: string, text: string, at: Date, extra: Record<string, unknown> = {}) => {
      ids[k] = x.addTweet({ author_username: author, text, created_at: at, ...extra }).id;
    };
    say('m8', 'fabi', 'Adoro a Lumi, super recomendo!', local(-1, 12)); // previous period
    say('p1', 'lumi_br', 'Conheça o novo cartão Lumi', local(0, 8), {
      public_metrics: { like_count: 10, retweet_count: 4, quote_count: 1, reply_count: 3, impression_count: 1000 },
    });
    say('m1', 'ana', 'Adoro a Lumi, atendimento excelente! 😍', local(0, 9)); // positive, praise
    say('m2', 'john', 'I love Lumi, best bank app ever!', local(0, 11)); // positive, praise
    say('m3', 'bia', '@lumi_br meu cartão foi bloqueado, preciso de ajuda', local(0, 14, 10)); // negative, support
    say('r3', 'lumi_br', '@bia Oi Bia, já desbloqueamos!', local(0, 14, 40), { in_reply_to_tweet_id: ids.m3 });
    say('m4', 'joe', '@lumi_br my lumi card was charged twice, please help', local(0, 14, 40)); // negative, complaint
    say('m5', 'caio', '@lumi_br como faço para emitir a segunda via da fatura da lumi?', local(0, 22, 30)); // neutral, question (01:30 UTC next day)
    say('p2', 'lumi_br', 'Fatura digital chegou na Lumi', local(1, 9), {
      public_metrics: { like_count: 20, retweet_count: 6, quote_count: 3, reply_count: 1, impression_count: 500 },
    });
    say('m6', 'duda', 'quero contratar o plano da lumi, como assino?', local(1, 10)); // neutral, lead
    say('m7', 'enzo', 'Vi um anúncio da Lumi no metrô hoje', local(1, 15)); // neutral, other

    const topic = await ws()
      .post('/api/v1/topics')
      .send({ name: 'Lumi', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
      .expect(201);
    expect((await ws().post(`/api/v1/topics/${topic.body.id}/collect`).expect(200)).body).toEqual({ mentions: 8, posts: 2, replies: 1 });

    // the case of m3 is resolved on social the next day at 12:00
    const cases = (await ws().get('/api/v1/cases').expect(200)).body.data;
    const bia = cases.find((c: { customer: { handle: string } }) => c.customer.handle === 'bia');
    await ws()
      .patch(`/api/v1/cases/${bia.id}`)
      .send({ status: 'resolved', at: iso(local(1, 12)) })
      .expect(200);

    const m6 = (await ws().get('/api/v1/mentions?q=contratar').expect(200)).body.data[0];
    await ws()
      .post('/api/v1/leads')
      .send([
        { occurredAt: iso(local(0, 10)), utmMedium: 'social', externalId: 'l1' }, // social: medium
        { occurredAt: iso(local(0, 16)), utmSource: 'facebook.com', utmMedium: 'referral', externalId: 'l2' }, // social: source
        { occurredAt: iso(local(1, 10)), utmMedium: 'email', externalId: 'l3' }, // not social
        { occurredAt: iso(local(1, 11)), utmMedium: 'cpc', mentionId: m6.id, externalId: 'l4' }, // social: linked to a mention
        { occurredAt: iso(local(-1, 23)), utmMedium: 'social', externalId: 'l5' }, // previous period
      ])
      .expect(200);
    await ws()
      .post('/api/v1/traffic')
      .send([
        { periodStart: iso(local(0, 0)), granularity: 'day', sessions: 1000, socialSessions: 100 },
        { periodStart: iso(local(1, 0)), granularity: 'day', sessions: 3000, socialSessions: 50 },
      ])
      .expect(200);
    await ws()
      .post('/api/v1/support-contacts')
      .send([
        { periodStart: iso(local(0, 0)), granularity: 'day', channel: 'phone', count: 30 },
        { periodStart: iso(local(0, 0)), granularity: 'day', channel: 'email', count: 10 },
        { periodStart: iso(local(1, 0)), granularity: 'day', channel: 'chat', count: 20 },
      ])
      .expect(200);
    await ws()
      .post('/api/v1/surveys/responses')
      .send([
        { type: 'csat', score: 5, respondedAt: iso(local(0, 15)), caseId: bia.id },
        { type: 'csat', score: 4, respondedAt: iso(local(0, 16)) },
        { type: 'csat', score: 2, respondedAt: iso(local(1, 16)), comment: 'demorou' },
        { type: 'nps', score: 10, respondedAt: iso(local(0, 12)) },
        { type: 'nps', score: 9, respondedAt: iso(local(0, 13)) },
        { type: 'nps', score: 7, respondedAt: iso(local(1, 12)) },
        { type: 'nps', score: 3, respondedAt: iso(local(1, 13)) },
      ])
      .expect(200);
    await ws()
      .post('/api/v1/surveys/sends')
      .send({ type: 'csat', sentAt: iso(local(0, 14)), count: 6 })
      .expect(200);
    await ws()
      .put('/api/v1/targets')
      .send({
        targets: [
          { kpi: 'service.slaCompliance', value: 90, direction: 'higher' },
          { kpi: 'volume.mentions', value: 5, direction: 'higher' },
        ],
      })
      .expect(200);

    overview = (await ws().get(`/api/v1/reports/overview?from=${FROM}&to=${TO}`).expect(200)).body;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('uses the workspace time zone and names the previous period', () => {
    expect(overview.range).toMatchObject({ from: FROM, to: TO, tz: 'America/Sao_Paulo' });
    expect(overview.previousRange).toEqual({ from: iso(local(-2, 0)), to: FROM });
    expect(overview.currency).toBe('BRL');
  });

  it('listening: volume, sentiment and inbound support', async () => {
    expect(overview.volume).toEqual({ mentions: 7, byPlatform: { ...Object.fromEntries(LISTENING_PLATFORMS.map((p) => [p, 0])), x: 7 } }); // m1..m7; m8 is in the previous period
    const { sentiment } = overview;
    expect(sentiment).toMatchObject({ positive: 2, negative: 2, neutral: 3 });
    expect(sentiment.positiveShare).toBeCloseTo((2 / 7) * 100, 10);
    expect(sentiment.net).toBe(0); // (2 − 2) / (2 + 2) × 100
    const listed = (await ws().get(`/api/v1/mentions?from=${FROM}&to=${TO}`).expect(200)).body.data;
    const scoreSum = listed.reduce((s: number, m: { sentiment: { score: number } }) => s + m.sentiment.score, 0);
    expect(sentiment.meanScore).toBeCloseTo(scoreSum / 7, 10);
    expect(overview.support.inbound).toBe(3); // m3 support, m4 complaint, m5 question
    // m3 (14:10) and m4 (14:40) share the local hour 14:00
    const day = FROM.slice(0, 10);
    expect(overview.support.peakHour).toEqual({ hour: `${day}T14:00:00.000-03:00`, count: 2 });
  });

  it('engagement of own posts', () => {
    expect(overview.engagement).toEqual({
      posts: 2,
      applauseRate: 15, // (10 + 20) / 2
      amplificationRate: 7, // (4 + 1 + 6 + 3) / 2
      conversationRate: 2, // (3 + 1) / 2
      applausePer1kFollowers: 3, // 15 / 5000 × 1000
      amplificationPer1kFollowers: 1.4, // 7 / 5000 × 1000
      engagementRate: 3.2, // (30 + 14 + 4) / 1500 × 100
    });
  });

  it('leads', () => {
    expect(overview.leads.social).toBe(3); // l1 medium, l2 source, l4 linked mention
    expect(overview.leads.intentMentions).toBe(1); // m6
    expect(overview.leads.conversionRate).toBe(2); // 3 / (100 + 50) × 100
    expect(overview.leads.per1kMentions).toBeCloseTo((3 / 7) * 1000, 10);
  });

  it('deflection', () => {
    expect(overview.deflection.assistedContacts).toBe(60); // 30 + 10 + 20
    expect(overview.deflection.websiteSessions).toBe(4000);
    expect(overview.deflection.contactRatePer1kSessions).toBe(15); // 60 / 4000 × 1000
    expect(overview.deflection.selfServiceScore).toBeCloseTo(4000 / 60, 10);
    expect(overview.deflection.socialDeflectionRate).toBeCloseTo((1 / 61) * 100, 10); // 1 resolved on social
    expect(overview.deflection.estimatedSavings).toBe(11); // 1 × (12 − 1)
  });

  it('customer care', () => {
    const s = overview.service;
    expect(s.casesOpened).toBe(3);
    expect(s.firstResponse).toEqual({ mean: 1800, median: 1800, p90: 1800 }); // m3 answered 30 min later
    expect(s.slaCompliance).toBeCloseTo(100 / 3, 10); // met 1 of 3 eligible (m4, m5 overdue)
    expect(s.abandonmentRate).toBeCloseTo(200 / 3, 10); // m4, m5 unanswered past 24 h
    expect(s.fcr).toBe(100);
    expect(s.contactsPerResolution).toBe(1);
    expect(s.resolution.mean).toBe(78600); // D 14:10 → D+1 12:00 = 21 h 50 min
    expect(s.unanswered).toBe(2);
    expect(s.outliers).toBe(2);
  });

  it('surveys', () => {
    expect(overview.csat).toMatchObject({ responses: 3, responseRate: 50 }); // 3 of 6 sent
    expect(overview.csat.score).toBeCloseTo((2 / 3) * 100, 10); // 4 and 5: 2 of 3
    expect(overview.csat.mean).toBeCloseTo(11 / 3, 10);
    expect(overview.csat.followUps).toHaveLength(1); // the 2
    expect(overview.nps).toEqual({ score: 25, promoters: 2, passives: 1, detractors: 1, responses: 4, responseRate: null }); // (2 − 1) / 4 × 100; no sends → null
  });

  it('trends: previous period, change and target status; nulls for empty denominators', () => {
    expect(overview.trends['volume.mentions']).toEqual({
      value: 7,
      previous: 1,
      change: { absolute: 6, percent: 600 },
      target: { value: 5, direction: 'higher' },
      status: 'met',
    });
    expect(overview.trends['leads.social']).toMatchObject({ value: 3, previous: 1, change: { absolute: 2, percent: 200 } });
    expect(overview.trends['service.slaCompliance']).toMatchObject({ target: { value: 90, direction: 'higher' }, status: 'missed' });
    // no own posts in the previous period: the rates were null, not 0
    expect(overview.trends['engagement.applauseRate']).toMatchObject({
      value: 15,
      previous: null,
      change: { absolute: null, percent: null },
    });
  });

  it('timeseries buckets are local days', async () => {
    const sp = (await ws().get(`/api/v1/reports/timeseries?metric=volume.mentions&interval=day&from=${FROM}&to=${TO}`).expect(200)).body;
    // m5 at 22:30 local belongs to day D in São Paulo
    expect(sp.points).toEqual([
      { t: FROM, value: 5 },
      { t: iso(local(1, 0)), value: 2 },
    ]);
    const utc = (await ws().get(`/api/v1/reports/timeseries?metric=volume.mentions&interval=day&from=${FROM}&to=${TO}&tz=UTC`).expect(200))
      .body;
    // in UTC, m5 (01:30 UTC) falls on the next day
    expect(utc.points.map((p: { value: number }) => p.value)).toEqual([4, 3, 0]);
    const rate = (
      await ws().get(`/api/v1/reports/timeseries?metric=engagement.applauseRate&interval=day&from=${FROM}&to=${TO}`).expect(200)
    ).body;
    expect(rate.points.map((p: { value: number | null }) => p.value)).toEqual([10, 20]);
    const bad = await ws().get(`/api/v1/reports/timeseries?metric=volume.nope&from=${FROM}&to=${TO}`).expect(400);
    expect(bad.body.message).toMatch(/metric: unknown KPI/);
  });

  it('the KPI catalogue lists every number of the overview, and the overview holds every KPI of it', async () => {
    const catalogue = (await ws().get('/api/v1/reports/kpis').expect(200)).body as {
      sections: { id: string; label: { pt: string; en: string } }[];
      kpis: {
        name: string;
        section: string;
        value: 'number' | 'peakHour' | 'list';
        target: boolean;
        timeseries: boolean;
        label: { pt: string; en: string };
        computedBy: string;
        report: string | null;
      }[];
    };
    const byName = new Map(catalogue.kpis.map((k) => [k.name, k]));
    // Numeric leaves (numbers and nulls) of the KPI part of the overview.
    const leaves: string[] = [];
    const walk = (o: unknown, prefix: string) => {
      if (typeof o === 'number' || o === null) leaves.push(prefix);
      else if (typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) walk(v, prefix ? `${prefix}.${k}` : k);
    };
    const { range: _range, previousRange: _previous, currency: _currency, trends, ...kpiPart } = overview;
    walk(kpiPart, '');
    expect(overview.support.peakHour).not.toBeNull(); // the fixture has inbound support, so the peak hour is an object
    expect(overview.csat.followUps.length).toBeGreaterThan(0);
    // every leaf is a KPI of the catalogue (the peak hour's count belongs to its hour)
    const uncatalogued = leaves.filter(
      (leaf) => byName.get(leaf)?.value !== 'number' && !(leaf.endsWith('.count') && byName.get(leaf.slice(0, -6))?.value === 'peakHour'),
    );
    expect(uncatalogued).toEqual([]);
    // every KPI of the catalogue is in the overview, in the shape the catalogue says
    const at = (name: string) => name.split('.').reduce((o: any, k) => (o === undefined || o === null ? undefined : o[k]), kpiPart);
    // a KPI served by another report (`report`, e.g. share of voice per topic) is not in the overview
    const missing = catalogue.kpis.filter((k) => {
      if (k.report) return false;
      const v = at(k.name);
      if (k.value === 'number') return !leaves.includes(k.name);
      if (k.value === 'peakHour') return !(typeof v?.hour === 'string' && typeof v?.count === 'number');
      return !Array.isArray(v);
    });
    expect(missing.map((k) => k.name)).toEqual([]);
    // trends are exactly the KPIs that can have a target; every KPI has both labels and a computing function
    expect(Object.keys(trends)).toEqual(catalogue.kpis.filter((k) => k.target).map((k) => k.name));
    for (const k of catalogue.kpis)
      expect(k).toMatchObject({
        label: { pt: expect.any(String), en: expect.any(String) },
        computedBy: expect.stringMatching(/^src\/reports\/kpis\/\w+\.ts#\w+$/),
      });
    expect(catalogue.sections.map((s) => s.id)).toEqual([
      'listening',
      'engagement',
      'leads',
      'deflection',
      'care',
      'surveys',
      'competitors',
    ]);
    expect(byName.get('service.slaCompliance')).toMatchObject({
      section: 'care',
      unit: 'percent',
      better: 'higher',
      target: true,
      timeseries: true,
      label: { pt: 'Cumprimento do SLA', en: 'SLA compliance' },
    });
    // documented in the OpenAPI document with its response shape
    const openapi = (await t.http().get('/docs/json').expect(200)).body;
    expect(openapi.paths['/api/v1/reports/kpis'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/KpiCatalogueDto',
    });
    expect(Object.keys(openapi.components.schemas.KpiCatalogueDto.properties)).toEqual(['sections', 'kpis', 'charts']);
  });

  it('the catalogue decides what has a series and what can have a target', async () => {
    // the peak support hour is an hour, not a quantity per bucket; unanswered is live
    for (const metric of ['support.peakHour', 'support.peakHour.count', 'service.unanswered']) {
      expect((await ws().get(`/api/v1/reports/timeseries?metric=${metric}&from=${FROM}&to=${TO}`).expect(400)).body.message).toMatch(
        /metric: unknown KPI/,
      );
    }
    const bad = await ws()
      .put('/api/v1/targets')
      .send({ targets: [{ kpi: 'service.unanswered', value: 1, direction: 'lower' }] })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/kpi/);
    const stored = (await ws().get('/api/v1/targets').expect(200)).body as { kpi: string }[];
    expect(stored.map((s) => s.kpi)).toEqual(['service.slaCompliance', 'volume.mentions']);
  });

  it('exports stream the rows behind the numbers as CSV', async () => {
    const mentions = await ws().get(`/api/v1/exports/mentions.csv?from=${FROM}&to=${TO}`).expect(200);
    expect(mentions.headers['content-type']).toMatch(/text\/csv/);
    const lines = mentions.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^id,created_at,platform,external_id,url,author/);
    expect(lines).toHaveLength(8); // header + 7
    const cases = await t.http().get(`/api/v1/exports/cases.csv?access_token=${key}`).expect(200);
    const rows = cases.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(4);
    const header = rows[0].split(',');
    const bia = rows.find((r) => r.includes(',bia,'))!.split(',');
    expect(bia[header.indexOf('first_response_seconds')]).toBe('1800');
    expect(bia[header.indexOf('csat')]).toBe('5');
    expect(bia[header.indexOf('resolution_seconds')]).toBe('78600');
    const leads = await ws().get(`/api/v1/exports/leads.csv?from=${FROM}&to=${TO}&social=true`).expect(200);
    expect(leads.text.trim().split('\n')).toHaveLength(4);
    // a key in the query string is accepted by exports only
    await t.http().get(`/api/v1/reports/overview?access_token=${key}`).expect(401);
  });

  it('bad report input gets a 400 naming the field', async () => {
    expect((await ws().get('/api/v1/reports/overview?tz=Mars/Base').expect(400)).body.message).toEqual(
      expect.arrayContaining([expect.stringMatching(/tz/)]),
    );
    expect((await ws().get(`/api/v1/reports/overview?from=${TO}&to=${FROM}`).expect(400)).body.message).toMatch(/from: must be before to/);
    await ws().get('/api/v1/reports/overview?topic=64b7f0c2a1b2c3d4e5f60718').expect(404);
  });
});

describe('Alerts (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let receiver: Server;
  const received: { body: any }[] = [];

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        received.push({ body: JSON.parse(data) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const started = await startXTestServer();
    x = started.server;
    // the webhook receiver listens on loopback, which outbound requests refuse by default
    t = await startTestApp({
      alertScanIntervalSeconds: 3600,
      careScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
      outbound: { allowedCidrs: ['127.0.0.1/32'] },
    });
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
    await new Promise((r) => receiver.close(r));
  });

  it('a seeded spike raises exactly one alert, delivered once to the webhook', async () => {
    const port = (receiver.address() as { port: number }).port;
    await t
      .as(TEST_ADMIN_KEY)
      .patch('/api/v1/workspaces/current')
      .send({ settings: { webhook: { url: `http://127.0.0.1:${port}/hook` } } })
      .expect(200);
    x.addUser({ id: '501', username: 'fan' });
    const spikeHour = new Date(Math.floor(Date.now() / H) * H - H);
    // a week of 1 or 2 mentions an hour (mean 1.5, std 0.5: threshold 3), then 20 in one hour
    for (let i = 1; i <= 24 * 6.5; i++) {
      const hour = new Date(spikeHour.getTime() - i * H);
      for (let n = 0; n < 1 + (i % 2); n++)
        x.addTweet({ author_username: 'fan', text: `spikecheck post ${i}.${n}`, created_at: new Date(hour.getTime() + (10 + n) * 60_000) });
    }
    for (let n = 0; n < 20; n++)
      x.addTweet({
        author_username: 'fan',
        text: `spikecheck post live ${n}`,
        created_at: new Date(spikeHour.getTime() + (5 + n) * 60_000),
      });
    const topic = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/topics')
      .send({ name: 'Spikes', query: 'spikecheck', platforms: ['x'] })
      .expect(201);
    await t.as(TEST_ADMIN_KEY).post(`/api/v1/topics/${topic.body.id}/collect`).expect(200);

    expect((await t.as(TEST_ADMIN_KEY).post('/api/v1/alerts/check').send({ hour: spikeHour.toISOString() }).expect(200)).body.raised).toBe(
      1,
    );
    expect((await t.as(TEST_ADMIN_KEY).post('/api/v1/alerts/check').send({ hour: spikeHour.toISOString() }).expect(200)).body.raised).toBe(
      0,
    );
    const alerts = (await t.as(TEST_ADMIN_KEY).get('/api/v1/alerts').expect(200)).body.data;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'volume_spike', topicId: topic.body.id, at: spikeHour.toISOString() });
    expect(alerts[0].details).toMatchObject({ value: 20, threshold: 3 });

    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    expect(received[0].body.text).toMatch(/Spike in mention volume on “Spikes”: 20/);
    const delivered = (await t.as(TEST_ADMIN_KEY).get(`/api/v1/alerts/${alerts[0].id}`).expect(200)).body;
    expect(delivered.delivery).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
