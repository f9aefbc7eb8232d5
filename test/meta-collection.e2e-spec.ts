import type { FbActor, StoredIgUser, StoredPage } from '../src/demo/networks/meta/meta-graph-store';
import { META_TEST_APP_SECRET, META_TEST_TOKEN, MetaTestServer, startMetaTestServer } from './support/meta-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { appSecretProof } from '../src/collectors/meta/graph-client';

/**
 * The Facebook Page and Instagram collectors end to end: the real application on the embedded
 * engine, reading a local server that answers like Meta's Graph API v24.0 over HTTP.
 */
describe('Collection from Facebook and Instagram', () => {
  let graph: MetaTestServer;
  let t: TestApp;
  let page: StoredPage;
  let brandIg: StoredIgUser;
  let ana: FbActor, bruno: FbActor, carla: FbActor;
  let joao: StoredIgUser, maria: StoredIgUser;
  let topicId: string;
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const collect = async (id: string) => (await admin().post(`/api/v1/topics/${id}/collect`).expect(200)).body;
  const asked = (name: string) => graph.requests.filter((r) => r.name === name);
  const statusOf = async (id: string) =>
    (
      (await admin().get('/api/v1/collectors/status').expect(200)).body.topics as {
        id: string;
        lastError: string | null;
        lastErrorKind: string | null;
        streams: { stream: string; quarantined: number; lastRun: { stored: number; rejected: number } | null }[];
      }[]
    ).find((s) => s.id === id)!;

  beforeAll(async () => {
    const started = await startMetaTestServer();
    graph = started.server;
    const s = graph.store;
    page = s.addPage({ name: 'Lumi Banco', followersCount: 12000, fanCount: 11000 });
    ana = s.addFbUser({ name: 'Ana Souza' });
    bruno = s.addFbUser({ name: 'Bruno Lima' });
    carla = s.addFbUser({ name: 'Carla Dias' });
    brandIg = s.addIgUser({ username: 'lumibanco', followersCount: 5000 });
    joao = s.addIgUser({ username: 'joao.silva' });
    maria = s.addIgUser({ username: 'maria_r' });
    t = await startTestApp({ meta: started.meta });
  });

  afterAll(async () => {
    await t?.close();
    await graph?.stop();
  });

  it('refuses a topic with an owned account that is not a numeric Graph id', async () => {
    const res = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Bad', query: 'lumi', platforms: ['facebook'], ownedAccounts: [{ platform: 'facebook', handle: 'lumibanco' }] })
      .expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(/Facebook Page id/);
  });

  it('stores posts, comments, replies, visitor and tagged posts once, with BACKFILL_DAYS of history; a second run stores nothing new', async () => {
    const s = graph.store;
    // Facebook: two posts in the window, one older than 30 days
    const p1 = s.addFbPost({ pageId: page.id, message: 'Nova fatura digital da Lumi!', createdAt: hoursAgo(48), reactions: 30, shares: 4 });
    s.addFbPost({ pageId: page.id, message: 'Horário de atendimento no feriado', createdAt: hoursAgo(24), reactions: 10 });
    const old = s.addFbPost({ pageId: page.id, message: 'Post antigo', createdAt: hoursAgo(24 * 40), reactions: 99, shares: 9 });
    s.addFbComment({ postId: old.id, from: ana, message: 'comentário antigo', createdAt: hoursAgo(24 * 39) });
    const anaComment = s.addFbComment({
      postId: p1.id,
      from: ana,
      message: 'Meu cartão foi bloqueado e ninguém responde, preciso de ajuda',
      createdAt: hoursAgo(20),
    });
    const pageReply = s.addFbComment({
      postId: p1.id,
      parentId: anaComment.id,
      from: page,
      message: 'Oi Ana, já desbloqueamos seu cartão.',
      createdAt: hoursAgo(19),
    });
    s.addFbComment({ postId: p1.id, parentId: anaComment.id, from: bruno, message: 'Comigo aconteceu o mesmo', createdAt: hoursAgo(18) });
    s.addFbComment({ postId: p1.id, from: carla, message: 'Adorei a novidade, parabéns', createdAt: hoursAgo(17) });
    s.addFbPost({ pageId: page.id, kind: 'visitor', from: bruno, message: 'Quando volta o app? Está fora do ar', createdAt: hoursAgo(3) });
    s.addFbPost({ pageId: page.id, kind: 'tagged', from: carla, message: 'Almoço com a equipe da Lumi Banco', createdAt: hoursAgo(2) });
    // Instagram
    const m1 = s.addIgMedia({ ownerId: brandIg.id, caption: 'Conheça o novo cartão', createdAt: hoursAgo(40), likeCount: 50 });
    s.addIgMedia({ ownerId: brandIg.id, caption: 'Dica de segurança', createdAt: hoursAgo(10), likeCount: 20 });
    const joaoComment = s.addIgComment({
      mediaId: m1.id,
      fromId: joao.id,
      text: 'Onde está meu pedido? Já faz duas semanas',
      createdAt: hoursAgo(30),
    });
    s.addIgComment({
      mediaId: m1.id,
      parentId: joaoComment.id,
      fromId: brandIg.id,
      text: '@joao.silva te chamamos no direct!',
      createdAt: hoursAgo(29),
    });
    s.addIgComment({
      mediaId: m1.id,
      parentId: joaoComment.id,
      fromId: maria.id,
      text: 'o meu também não chegou',
      createdAt: hoursAgo(28),
    });
    s.addIgComment({ mediaId: m1.id, fromId: maria.id, text: 'Que lindo, quero um', createdAt: hoursAgo(27) });
    s.addIgMedia({
      ownerId: maria.id,
      caption: 'Meu cartão novo da @lumibanco chegou',
      createdAt: hoursAgo(5),
      likeCount: 3,
      tagged: [brandIg.id],
    });

    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Lumi Meta',
          query: 'lumi',
          platforms: ['facebook', 'instagram'],
          ownedAccounts: [
            { platform: 'facebook', handle: page.id },
            { platform: 'instagram', handle: brandIg.id },
          ],
        })
        .expect(201)
    ).body as { id: string };
    topicId = topic.id;
    // Facebook: Ana, Bruno's reply, Carla's comment, the visitor post, the tagged post; Instagram: João, Maria's reply and comment, the tag
    expect(await collect(topic.id)).toEqual({ mentions: 9, posts: 4, replies: 2 });
    expect(await collect(topic.id)).toEqual({ mentions: 0, posts: 0, replies: 0 });

    const mentions = (await admin().get(`/api/v1/mentions?topic=${topic.id}&limit=100`).expect(200)).body.data as {
      platform: string;
      externalId: string;
      author: { handle: string };
      url: string;
    }[];
    expect(mentions).toHaveLength(9);
    expect(new Set(mentions.map((m) => m.externalId)).size).toBe(9);
    expect(
      mentions
        .filter((m) => m.platform === 'facebook')
        .map((m) => m.author.handle)
        .sort(),
    ).toEqual(['Ana Souza', 'Bruno Lima', 'Bruno Lima', 'Carla Dias', 'Carla Dias']);
    expect(
      mentions
        .filter((m) => m.platform === 'instagram')
        .map((m) => m.author.handle)
        .sort(),
    ).toEqual(['joao.silva', 'maria_r', 'maria_r', 'maria_r']);
    expect(mentions.find((m) => m.externalId === anaComment.id)?.url).toBe(anaComment.permalinkUrl);
    expect(mentions.some((m) => m.externalId === pageReply.id)).toBe(false);

    // the Page's and the account's replies answer Ana's and João's cases
    for (const [platform, handle] of [
      ['facebook', 'Ana Souza'],
      ['instagram', 'joao.silva'],
    ]) {
      const cases = (await admin().get(`/api/v1/cases?platform=${platform}&limit=100`).expect(200)).body.data as {
        customer: { handle: string };
        outboundCount: number;
        firstResponseAt: string | null;
      }[];
      expect(cases.find((c) => c.customer.handle === handle)).toMatchObject({ outboundCount: 1, firstResponseAt: expect.any(String) });
    }

    // backfill: published posts since BACKFILL_DAYS (30) ago; every call signed with appsecret_proof
    const since = Number(asked('page-published-posts')[0].params.since);
    expect(Math.abs(since - (Date.now() / 1000 - 30 * 86400))).toBeLessThan(120);
    expect(asked('fb-comments').some((r) => r.path.startsWith(`/${old.id}/`))).toBe(false);
    expect(
      graph.requests.every((r) => r.authorized && r.params.appsecret_proof === appSecretProof(META_TEST_TOKEN, META_TEST_APP_SECRET)),
    ).toBe(true);
    expect(graph.requests.some((r) => 'access_token' in r.params)).toBe(false);
    // Instagram comments are not read again while comments_count is unchanged
    expect(asked('ig-comments')).toHaveLength(1);
    // the owned accounts got their ids, followers were recorded
    const saved = (await admin().get(`/api/v1/topics/${topic.id}`).expect(200)).body;
    expect(saved.ownedAccounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ platform: 'facebook', externalId: page.id }),
        expect.objectContaining({ platform: 'instagram', externalId: brandIg.id }),
      ]),
    );
  });

  it('gives per platform the applause, amplification (null on Instagram) and conversation rates', async () => {
    const overview = async (platform: string) =>
      (await admin().get(`/api/v1/reports/overview?topic=${topicId}&platform=${platform}`).expect(200)).body;
    const fb = await overview('facebook');
    // posts p1 (30 reactions, 4 shares, 2 top-level comments) and p2 (10 reactions, no shares, no comments)
    expect(fb.engagement).toMatchObject({ posts: 2, applauseRate: 20, amplificationRate: 2, conversationRate: 1 });
    expect(fb.engagement.applausePer1kFollowers).toBeCloseTo((20 / 12000) * 1000, 9);
    const ig = await overview('instagram');
    // m1 (50 likes, 4 comments with replies) and m2 (20 likes): Instagram has no share count
    expect(ig.engagement).toMatchObject({
      posts: 2,
      applauseRate: 35,
      amplificationRate: null,
      amplificationPer1kFollowers: null,
      conversationRate: 2,
    });
    expect(fb.volume.byPlatform).toMatchObject({ facebook: 5, instagram: 0 });
    expect(ig.volume.byPlatform).toMatchObject({ facebook: 0, instagram: 4 });
  });

  it('waits out a rate limit (code 32, usage at 100 %) and resumes from the cursor', async () => {
    const p1 = [...graph.store.fbPosts.values()].find((p) => p.message.startsWith('Nova fatura'))!;
    const before = asked('fb-comments').filter((r) => r.path === `/${p1.id}/comments`);
    const cursor = before[before.length - 1].params.after;
    expect(cursor).toBeDefined();
    for (let i = 0; i < 3; i++)
      graph.store.addFbComment({
        postId: p1.id,
        from: carla,
        message: `Mais uma dúvida sobre a fatura ${i}`,
        createdAt: hoursAgo(1 - i / 10),
      });
    graph.failNext('fb-comments', { rateLimit: 32, regainAccessMinutes: 0 });
    graph.failNext('ig-user-media', { usage: 'business', regainAccessMinutes: 0 });
    expect(await collect(topicId)).toEqual({ mentions: 3, posts: 0, replies: 0 });
    const after = asked('fb-comments')
      .filter((r) => r.path === `/${p1.id}/comments`)
      .slice(before.length);
    // the refused call and its retry both ask after the cursor the last run stored
    expect(after.map((r) => r.params.after)).toEqual([cursor, cursor]);
    expect((await statusOf(topicId)).lastError).toBeNull();
  }, 120_000);

  it('quarantines a malformed item and stores the rest of its page', async () => {
    graph.store.addFbPost({ pageId: page.id, kind: 'visitor', from: ana, message: 'Vocês abrem no sábado?', createdAt: hoursAgo(0.5) });
    const broken = graph.store.addFbPost({
      pageId: page.id,
      kind: 'visitor',
      from: bruno,
      message: 'Meu PIX não caiu',
      createdAt: hoursAgo(0.4),
    });
    graph.failNext('page-visitor-posts', {
      alter: (body: { data: { id: string; created_time?: string }[] }) => {
        const item = body.data.find((p) => p.id === broken.id);
        if (item) item.created_time = 'yesterday-ish';
      },
    });
    expect((await collect(topicId)).mentions).toBe(1);
    const stream = (await statusOf(topicId)).streams.find((x) => x.stream === `facebook:visitor:${page.id}`)!;
    expect(stream).toMatchObject({ quarantined: 1, lastRun: expect.objectContaining({ rejected: 1 }) });
    const rows = (await admin().get(`/api/v1/collectors/rejected?topic=${topicId}`).expect(200)).body.data as {
      externalId: string;
      reason: string;
      problem: string;
    }[];
    expect(rows.find((r) => r.externalId === broken.id)).toMatchObject({
      reason: 'invalid_payload',
      problem: expect.stringMatching(/created_time/),
    });
    // Graph serves it right now: a replay reads it again by id and stores it
    const replay = (await admin().post('/api/v1/collectors/rejected/replay').send({ topic: topicId }).expect(200)).body;
    expect(replay).toMatchObject({
      selected: 1,
      stored: { mentions: 1, posts: 0, replies: 0 },
      released: 1,
      stillRejected: [],
      unreadable: [],
    });
    expect((await statusOf(topicId)).streams.find((x) => x.stream === `facebook:visitor:${page.id}`)).toMatchObject({ quarantined: 0 });
  });

  it('stops the channel when Graph refuses the token (190), with a clear status and an alert', async () => {
    const calls = graph.requests.length;
    graph.failNext('page', { token: 'expired' });
    const failed = await admin().post(`/api/v1/topics/${topicId}/collect`);
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(failed.body)).toMatch(/Facebook API: the access token was refused/);
    const status = await statusOf(topicId);
    expect(status).toMatchObject({ lastErrorKind: 'network', lastError: expect.stringMatching(/error 190\/463 .*META_ACCESS_TOKEN/) });
    const networks = (await admin().get('/api/v1/collectors/status').expect(200)).body.networks as {
      platform: string;
      stopped?: unknown;
    }[];
    expect(networks.find((n) => n.platform === 'facebook')?.stopped).toMatchObject({ code: 190, subcode: 463 });
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    const alerts = (await admin().get('/api/v1/alerts?type=collection_failing').expect(200)).body.data as {
      topicId: string;
      message: string;
    }[];
    expect(alerts.filter((a) => a.topicId === topicId)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/access token was refused/) }),
    ]);
    // stopped: the collect job's later attempts did not call Graph with the refused token again.
    // The first attempt reads both channels side by side, so Instagram's first call may have left
    // before Facebook's answer stopped the token; nothing after it did.
    const after = graph.requests.slice(calls).map((r) => r.name);
    expect(after.filter((name) => name === 'page')).toEqual(['page']);
    expect(after.filter((name) => name !== 'page').every((name) => name === 'ig-user')).toBe(true);
    expect(after.length).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('A topic on Meta channels without their settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is refused with a 400 naming the missing variables, and nothing is stored', async () => {
    const admin = t.as(TEST_ADMIN_KEY);
    const fb = await admin
      .post('/api/v1/topics')
      .send({ name: 'FB', query: 'lumi', platforms: ['x', 'facebook'] })
      .expect(400);
    expect(fb.body.message).toBe('platforms: Facebook is not configured on this installation: set META_ACCESS_TOKEN and META_APP_SECRET');
    const wa = await admin
      .post('/api/v1/topics')
      .send({ name: 'WA', query: 'lumi', platforms: ['whatsapp'] })
      .expect(400);
    expect(wa.body.message).toMatch(/WhatsApp is not configured .*META_WEBHOOK_VERIFY_TOKEN and WHATSAPP_PHONE_NUMBER_ID$/);
    expect((await admin.get('/api/v1/topics').expect(200)).body).toHaveLength(0);
  });
});
