import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { REPORT_FRESHNESS_MS } from '../src/reports/report-cache';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * A brand and two competitors collected from the X test server through the real pipeline: share of
 * voice must sum to 100 % and each competitor's public care must equal the numbers computed by hand
 * in the comments. D is 00:00 UTC three days ago (inside X's 7-day recent-search window).
 */
const H = 3600_000;
const D = new Date(Math.floor(Date.now() / (24 * H)) * 24 * H - 3 * 24 * H);
const at = (day: number, hh: number, mm = 0) => new Date(D.getTime() + day * 24 * H + hh * H + mm * 60_000);
const iso = (d: Date) => d.toISOString();

interface SovRow {
  topic: { id: string; name: string; role: string };
  mentions: number;
  share: number | null;
  engagement: { posts: number; applauseRate: number | null; amplificationRate: number | null; conversationRate: number | null };
  publicCare: { source: string; cases: number; answered: number; replyRate: number | null; firstResponse: { median: number | null } };
  drillDown: { mentions: string; publicCare: string };
}

describe('Competitors: share of voice and public care (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  const topics: Record<string, string> = {};
  const admin = () => t.as(TEST_ADMIN_KEY);
  const tweets: Record<string, string> = {};
  const say = (key: string, author: string, text: string, when: Date, replyTo?: string, metrics?: Record<string, number>) => {
    tweets[key] = x.addTweet({
      author_username: author,
      text,
      created_at: when,
      lang: 'pt',
      ...(replyTo ? { in_reply_to_tweet_id: tweets[replyTo] } : {}),
      ...(metrics ? { public_metrics: metrics } : {}),
    }).id;
  };
  const range = `from=${iso(at(0, 0))}&to=${iso(at(2, 0))}&tz=UTC`;

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({ x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 } });
    for (const [id, username] of [
      ['100', 'lumi_br'],
      ['300', 'nuvia_br'],
      ['400', 'orbi_br'],
      ['201', 'ana'],
      ['202', 'john'],
      ['203', 'bruno'],
      ['204', 'carla'],
      ['205', 'diego'],
      ['206', 'elisa'],
      ['207', 'fabio'],
    ])
      x.addUser({ id, username, public_metrics: { followers_count: Number(id) * 10 } });
    const create = async (name: string, word: string, handle: string, role?: string) =>
      (
        await admin()
          .post('/api/v1/topics')
          .send({
            name,
            query: `(${word} OR @${handle})`,
            platforms: ['x'],
            ownedAccounts: [{ platform: 'x', handle }],
            ...(role ? { role } : {}),
          })
          .expect(201)
      ).body as { id: string; role: string };
    const lumi = await create('Lumi', 'lumi', 'lumi_br');
    expect(lumi.role).toBe('brand');
    topics.lumi = lumi.id;
    topics.nuvia = (await create('Nuvia', 'nuvia', 'nuvia_br', 'competitor')).id;
    topics.orbi = (await create('Orbi', 'orbi', 'orbi_br', 'competitor')).id;

    // Lumi: 4 mentions; cases ana (answered in 30 min) and john (unanswered)
    say('L1', 'ana', '@lumi_br meu cartão foi bloqueado, preciso de ajuda', at(0, 10));
    say('L1r', 'lumi_br', '@ana Oi Ana, já desbloqueamos seu cartão', at(0, 10, 30), 'L1');
    say('L2', 'fabio', 'adorei a lumi, melhor conta que já tive 💜', at(0, 11));
    say('L3', 'john', '@lumi_br my lumi card was charged twice, please help', at(1, 17));
    say('L4', 'fabio', 'a lumi lançou cashback novo hoje', at(1, 18));
    // Nuvia: 3 mentions, 3 cases; answered after 20 min and 2 h; diego never
    say('N1', 'bruno', '@nuvia_br meu cartão foi bloqueado, preciso de ajuda', at(0, 9));
    say('N1r', 'nuvia_br', '@bruno Oi Bruno, já desbloqueamos seu cartão', at(0, 9, 20), 'N1');
    say('N2', 'carla', '@nuvia_br como faço para emitir a segunda via da fatura da nuvia?', at(0, 13));
    say('N2r', 'nuvia_br', '@carla Oi Carla, é só ir em Faturas no app', at(0, 15), 'N2');
    say('N3', 'diego', '@nuvia_br o app da nuvia não abre, preciso de ajuda', at(0, 16));
    say('NP', 'nuvia_br', 'Conta nova com rendimento diário, confira!', at(0, 12), undefined, {
      like_count: 40,
      retweet_count: 6,
      quote_count: 2,
      reply_count: 4,
      impression_count: 2000,
    });
    // Orbi: 1 mention, answered after 45 min; one own post
    say('O1', 'elisa', '@orbi_br my orbi card was charged twice, please help', at(1, 8));
    say('O1r', 'orbi_br', '@elisa Hi Elisa, we refunded the duplicate charge', at(1, 8, 45), 'O1');

    for (const id of Object.values(topics)) await admin().post(`/api/v1/topics/${id}/collect`).expect(200);
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('a competitor topic opens no case in the inbox', async () => {
    const cases = (await admin().get('/api/v1/cases?limit=200').expect(200)).body;
    expect(cases.data.map((c: { customer: { handle: string } }) => c.customer.handle).sort()).toEqual(['ana', 'john']);
  });

  it('share of voice of a brand and two competitors sums to 100 % (hand-computed)', async () => {
    const res = (await admin().get(`/api/v1/reports/share-of-voice?${range}`).expect(200)).body as { mentions: number; topics: SovRow[] };
    const by = Object.fromEntries(res.topics.map((r) => [r.topic.name, r]));
    expect(res.topics.map((r) => [r.topic.name, r.topic.role])).toEqual([
      ['Lumi', 'brand'],
      ['Nuvia', 'competitor'],
      ['Orbi', 'competitor'],
    ]);
    // 4 + 3 + 1 = 8 mentions
    expect(res.mentions).toBe(8);
    expect(by.Lumi.share).toBe(50);
    expect(by.Nuvia.share).toBe(37.5);
    expect(by.Orbi.share).toBe(12.5);
    expect(res.topics.reduce((s, r) => s + r.share!, 0)).toBe(100);
    // Nuvia's one own post: 40 likes, 6 + 2 shares, 4 replies
    expect(by.Nuvia.engagement).toMatchObject({ posts: 1, applauseRate: 40, amplificationRate: 8, conversationRate: 4 });
    expect(by.Lumi.engagement.posts).toBe(0);
  });

  it("each competitor's public reply rate and median first response match hand-computed values", async () => {
    const res = (await admin().get(`/api/v1/reports/share-of-voice?${range}`).expect(200)).body as { topics: SovRow[] };
    const by = Object.fromEntries(res.topics.map((r) => [r.topic.name, r.publicCare]));
    // Nuvia: bruno 20 min, carla 2 h, diego unanswered: 2 of 3 = 66.7 %; median (1200 + 7200) / 2 = 4200 s
    expect(by.Nuvia).toMatchObject({ source: 'publicReplies', cases: 3, answered: 2, firstResponse: { median: 4200 } });
    expect(by.Nuvia.replyRate).toBeCloseTo(200 / 3, 10);
    // Orbi: elisa 45 min: 100 %, 2700 s
    expect(by.Orbi).toMatchObject({ source: 'publicReplies', cases: 1, answered: 1, replyRate: 100, firstResponse: { median: 2700 } });
    // Lumi from its cases: ana 30 min, john unanswered
    expect(by.Lumi).toMatchObject({ source: 'cases', cases: 2, answered: 1, replyRate: 50, firstResponse: { median: 1800 } });
  });

  it('drills down to the public cases and their messages', async () => {
    const res = (await admin().get(`/api/v1/reports/share-of-voice?${range}`).expect(200)).body as { topics: SovRow[] };
    const nuvia = res.topics.find((r) => r.topic.name === 'Nuvia')!;
    const rows = (await admin().get(nuvia.drillDown.publicCare).expect(200)).body;
    expect(rows.cases.map((c: { caseId: string; firstResponseAt: string | null }) => [c.caseId, c.firstResponseAt])).toEqual([
      [tweets.N1, iso(at(0, 9, 20))],
      [tweets.N2, iso(at(0, 15))],
      [tweets.N3, null],
    ]);
    expect(rows.cases[0].messages.map((m: { externalId: string; direction: string }) => [m.externalId, m.direction])).toEqual([
      [tweets.N1, 'inbound'],
      [tweets.N1r, 'outbound'],
    ]);
    const mentions = (await admin().get(nuvia.drillDown.mentions).expect(200)).body;
    expect(mentions.data).toHaveLength(3);
  });

  it('is a daily series whose shares sum to 100 % in each day with mentions', async () => {
    const res = (await admin().get(`/api/v1/reports/share-of-voice/timeseries?${range}&interval=day`).expect(200)).body;
    expect(res.points.map((p: { t: string }) => p.t)).toEqual([iso(at(0, 0)), iso(at(1, 0))]);
    // day 0: Lumi 2, Nuvia 3; day 1: Lumi 2, Orbi 1
    expect(res.points[0].share).toEqual({ [topics.lumi]: 40, [topics.nuvia]: 60, [topics.orbi]: 0 });
    expect(res.points[1].mentions).toEqual({ [topics.lumi]: 2, [topics.nuvia]: 0, [topics.orbi]: 1 });
  });

  it('lists influential authors with open cases and VIP status', async () => {
    await admin().put('/api/v1/authors/x/207/vip').expect(200);
    const res = (await admin().get(`/api/v1/reports/authors?${range}&sort=mentions&limit=3`).expect(200)).body;
    expect(res.authors[0]).toMatchObject({ handle: 'fabio', authorId: '207', mentions: 2, followers: 2070, vip: true, openCaseId: null });
    const reach = (await admin().get(`/api/v1/reports/authors?${range}&topic=${topics.lumi}`).expect(200)).body;
    expect(reach.authors.map((a: { handle: string }) => a.handle)).toEqual(['fabio', 'john', 'ana']);
    const ana = reach.authors.find((a: { handle: string }) => a.handle === 'ana');
    const john = reach.authors.find((a: { handle: string }) => a.handle === 'john');
    expect(ana.openCaseId).toEqual(expect.any(String)); // answered, not resolved: still open
    expect(john.openCaseId).toEqual(expect.any(String));
  });

  it("keeps a competitor's public care current as later messages and replies are collected", async () => {
    // a later run: Nuvia answers diego 2 h after his message, and fabio asks something nobody answers
    say('N3r', 'nuvia_br', '@diego Oi Diego, o app já voltou', at(0, 18), 'N3');
    say('N4', 'fabio', '@nuvia_br não consigo fazer pix na nuvia, preciso de ajuda', at(1, 9));
    await admin().post(`/api/v1/topics/${topics.nuvia}/collect`).expect(200);
    const res = (await admin().get(`/api/v1/reports/share-of-voice?${range}`).expect(200)).body as { topics: SovRow[] };
    const nuvia = res.topics.find((r) => r.topic.name === 'Nuvia')!;
    // bruno 1200 s, carla 7200 s, diego 7200 s, fabio unanswered: 3 of 4 = 75 %, median 7200 s
    expect(nuvia.publicCare).toMatchObject({
      source: 'publicReplies',
      cases: 4,
      answered: 3,
      replyRate: 75,
      firstResponse: { median: 7200 },
    });
    // the drill-down, rebuilt from the rows on request, agrees with the slots kept at ingestion
    const rows = (await admin().get(nuvia.drillDown.publicCare).expect(200)).body;
    expect(rows).toMatchObject({ answered: 3, replyRate: 75, firstResponse: { median: 7200 } });
    expect(rows.cases).toHaveLength(4);
  });

  it("leaves competitors' mentions out of the workspace-wide figures, and counts them in their topic's", async () => {
    const overview = async (topic?: string) =>
      (
        await admin()
          .get(`/api/v1/reports/overview?${range}${topic ? `&topic=${topic}` : ''}`)
          .expect(200)
      ).body.volume.mentions as number;
    const themed = async (topic?: string) =>
      (
        await admin()
          .get(`/api/v1/reports/themes?${range}${topic ? `&topic=${topic}` : ''}`)
          .expect(200)
      ).body.mentions as number;
    // Lumi 4, Nuvia 4 (N1-N4), Orbi 1: the workspace is the brand's 4
    expect([await overview(), await overview(topics.lumi), await overview(topics.nuvia)]).toEqual([4, 4, 4]);
    expect(await themed()).toBe(await themed(topics.lumi));
    // a post about both, collected for the competitor first: it joins the workspace's figures only when the brand's topic matches it
    say('B1', 'fabio', 'trocando a nuvia pela lumi, cashback melhor', at(1, 20));
    // the report cache serves an answer up to REPORT_FRESHNESS_MS older than a change
    const collect = async (topic: string) => {
      await admin().post(`/api/v1/topics/${topic}/collect`).expect(200);
      await new Promise((r) => setTimeout(r, REPORT_FRESHNESS_MS + 100));
    };
    await collect(topics.nuvia);
    expect([await overview(), await overview(topics.lumi), await overview(topics.nuvia)]).toEqual([4, 4, 5]);
    await collect(topics.lumi);
    expect([await overview(), await overview(topics.lumi), await overview(topics.nuvia)]).toEqual([5, 5, 5]);
    expect(await themed()).toBe(await themed(topics.lumi));
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const bad = await admin().get(`/api/v1/reports/authors?sort=$gt`).expect(400);
    expect(JSON.stringify(bad.body.message)).toContain('sort');
    await admin().get(`/api/v1/reports/share-of-voice/timeseries?interval=week`).expect(400);
    await admin()
      .post('/api/v1/topics')
      .send({ name: 'x', query: 'x', platforms: ['x'], role: 'rival' })
      .expect(400);
  });
});
