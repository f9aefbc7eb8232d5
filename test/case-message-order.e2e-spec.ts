import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { CasesService } from '../src/care/cases.service';
import { Case, type CaseMessage } from '../src/care/schemas/case.schema';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { BLUESKY_TEST_PASSWORD, BlueskyTestServer, startBlueskyTestServer } from './support/bluesky-test-server';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * X pages newest first, so a customer's earlier messages reach Ouvidor after their later ones,
 * sometimes after the brand's answer and sometimes in a later run. The X test server serves one
 * post a page here (its page size is 1, as X may answer fewer posts than max_results asks), and
 * every case must still open at the customer's first message and count its clocks from there.
 */
const H = 3600_000;
const MIN = 60_000;
const iso = (d: Date) => d.toISOString();

interface CaseView {
  id: string;
  customer: { handle: string };
  openedAt: string;
  firstResponseAt: string | null;
  firstResponseDueAt: string;
  abandonAt: string;
  awaitingReplySince: string | null;
  inboundCount: number;
  outboundCount: number;
  status: string;
  breached: boolean;
  breachedAt: string | null;
  abandonedAt: string | null;
}

describe('Cases follow message time, not arrival order (e2e)', () => {
  let x: XApiEmulator;
  let bsky: BlueskyTestServer;
  let masto: MastodonTestServer;
  let t: TestApp;
  let topicId: string;
  let baseUrl: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const casesOf = async (handle: string): Promise<CaseView[]> => {
    const res = await admin().get('/api/v1/cases?limit=200').expect(200);
    return res.body.data.filter((c: CaseView) => c.customer.handle === handle);
  };
  const say = (author: string, text: string, when: Date, replyTo?: string) =>
    x.addTweet({ author_username: author, text, created_at: when, lang: 'pt', ...(replyTo ? { in_reply_to_tweet_id: replyTo } : {}) }).id;
  /** Polls until `check` holds (the care scan runs every second here). */
  const eventually = async <T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 10_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (check(v) || Date.now() > until) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    const started = await startXTestServer({ maxPageSize: 1 });
    x = started.server;
    baseUrl = started.baseUrl;
    const bluesky = await startBlueskyTestServer();
    bsky = bluesky.server;
    const mastodon = await startMastodonTestServer();
    masto = mastodon.server;
    t = await startTestApp({
      careScanIntervalSeconds: 1,
      alertScanIntervalSeconds: 3600,
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 },
      bluesky: { identifier: 'lumi.bsky.social', appPassword: BLUESKY_TEST_PASSWORD, service: bluesky.baseUrl },
      mastodon: { url: mastodon.baseUrl, accessToken: MASTODON_TEST_TOKEN },
      // the alert webhook receiver listens on loopback, which outbound requests refuse by default
      outbound: { allowedCidrs: ['127.0.0.1/32'] },
    });
    bsky.addUser({ handle: 'lumi.bsky.social', displayName: 'Lumi' });
    bsky.addUser({ handle: 'dora.bsky.social', displayName: 'Dora' });
    masto.addUser({ username: 'lumi', displayName: 'Lumi' });
    masto.addUser({ username: 'dora', displayName: 'Dora' });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    x.addUser({ id: '301', username: 'bia' });
    x.addUser({ id: '302', username: 'caio' });
    const topic = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Lumi care', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
      .expect(201);
    topicId = topic.body.id;
  });

  afterAll(async () => {
    await t?.close();
    await x?.stop();
    await bsky?.stop();
    await masto?.stop();
  });

  it('three messages served newest first, a post a page, answered 30 minutes after the first: one case opened at the first, first response 1,800 s', async () => {
    // D is 00:00 UTC two days ago: inside X's 7-day search window, every due time elapsed
    const D = new Date(Math.floor(Date.now() / (24 * H)) * 24 * H - 2 * 24 * H);
    const at = (hh: number, mm = 0) => new Date(D.getTime() + hh * H + mm * MIN);
    say('bia', '@lumi_br meu cartão lumi foi bloqueado, preciso de ajuda', at(10));
    say('bia', '@lumi_br alguém da lumi pode me ajudar? o cartão continua bloqueado', at(10, 10));
    const third = say('bia', '@lumi_br preciso de ajuda urgente com o cartão lumi bloqueado', at(10, 20));
    say('lumi_br', '@bia Oi Bia, já desbloqueamos seu cartão Lumi', at(10, 30), third);

    // the server answers one post a page, newest first, however many the client asks for
    const probe = await fetch(`${baseUrl}tweets/search/recent?query=lumi&max_results=100`, {
      headers: { Authorization: `Bearer ${X_TEST_TOKEN}` },
    });
    const page = (await probe.json()) as { data: { id: string }[]; meta: { result_count: number; next_token?: string } };
    expect(page.meta.result_count).toBe(1);
    expect(page.meta.next_token).toEqual(expect.any(String));

    expect((await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body).toEqual({ mentions: 3, posts: 0, replies: 1 });

    const cases = await casesOf('bia');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      openedAt: iso(at(10)),
      firstResponseAt: iso(at(10, 30)),
      firstResponseDueAt: iso(at(12)), // the default 2-hour target, counted from the first message
      awaitingReplySince: null,
      inboundCount: 3,
      outboundCount: 1,
      breached: false,
    });
    const detail = (await admin().get(`/api/v1/cases/${cases[0].id}`).expect(200)).body;
    expect(detail.messages.map((m: { at: string; direction: string }) => [m.direction, m.at])).toEqual([
      ['inbound', iso(at(10))],
      ['inbound', iso(at(10, 10))],
      ['inbound', iso(at(10, 20))],
      ['outbound', iso(at(10, 30))],
    ]);

    const care = (
      await admin()
        .get(`/api/v1/reports/care?from=${iso(D)}&to=${iso(at(24))}&tz=UTC`)
        .expect(200)
    ).body;
    expect(care.service.casesOpened).toBe(1);
    expect(care.service.firstResponse).toMatchObject({ mean: 1800, median: 1800 });
    expect(care.service.slaCompliance).toBe(100);
  });

  it('an earlier message collected in a later run, after the brand answered it: the breach and the abandonment no longer hold and are cleared; the alert is neither raised nor sent again', async () => {
    // the workspace's webhook fails until the breach is cleared, so the alert's delivery is still being retried then
    const posts: { caseId: string; answered: number }[] = [];
    let answer = 500;
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const alert = (JSON.parse(body) as { alert: { type: string; details: { caseId?: string } } }).alert;
        if (alert.type === 'sla_breach') posts.push({ caseId: alert.details.caseId ?? '', answered: answer });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await admin()
      .patch('/api/v1/workspaces/current')
      .send({ settings: { webhook: { url: hookUrl } } })
      .expect(200);

    // T0 is the customer's first message, 30 h ago, seen only by a second topic (it names neither
    // the brand nor its handle); the brand answered it 30 min later; the follow-up came 4 h later
    const T0 = new Date(Math.floor((Date.now() - 30 * H) / MIN) * MIN);
    const after = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
    const second = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'App access', query: '#appfora', platforms: ['x'] })
        .expect(201)
    ).body.id;
    const first = say('caio', 'não consigo acessar o app do meu banco, preciso de ajuda #appfora', T0);
    say('lumi_br', '@caio Oi Caio, pode atualizar o app Lumi? Corrigimos o acesso', after(30), first);
    say('caio', '@lumi_br o app da lumi voltou a falhar, preciso de ajuda de novo', after(240));

    // the brand's topic reads the answer and the follow-up: only the follow-up is in a case,
    // opened 26 h ago and unanswered, so the scan marks it breached at +2 h and abandoned at +24 h
    expect((await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body).toEqual({ mentions: 1, posts: 0, replies: 1 });
    const [partial] = await eventually(
      () => casesOf('caio'),
      (cs) => cs[0]?.status === 'abandoned' && cs[0]?.breached,
    );
    expect(partial).toMatchObject({
      openedAt: iso(after(240)),
      firstResponseAt: null,
      breachedAt: iso(after(360)),
      status: 'abandoned',
      abandonedAt: iso(after(240 + 24 * 60)),
    });
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    const slaAlerts = async () =>
      (
        (await admin().get('/api/v1/alerts?type=sla_breach&limit=200').expect(200)).body.data as {
          id: string;
          details: { caseId: string };
        }[]
      ).filter((a) => a.details.caseId === partial.id);
    const raisedAlerts = await slaAlerts();
    expect(raisedAlerts).toHaveLength(1);
    await eventually(
      async () => posts.filter((p) => p.caseId === partial.id).length,
      (n) => n >= 1,
    );

    // the second topic brings the first message: the case opens at it, answered 30 min later
    expect((await admin().post(`/api/v1/topics/${second}/collect`).expect(200)).body).toEqual({ mentions: 1, posts: 0, replies: 0 });
    answer = 200;
    const cases = await casesOf('caio');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      id: partial.id,
      openedAt: iso(T0),
      firstResponseAt: iso(after(30)),
      firstResponseDueAt: iso(after(120)),
      abandonAt: iso(after(24 * 60)),
      awaitingReplySince: iso(after(240)), // the follow-up is still unanswered
      inboundCount: 2,
      outboundCount: 1,
      status: 'open',
      breached: false,
      breachedAt: null,
      abandonedAt: null,
    });
    // the scan does not mark it again, and the alert checks raise nothing more for it
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await casesOf('caio'))[0]).toMatchObject({ status: 'open', breached: false });
    await admin().post('/api/v1/alerts/check').send({}).expect(200);
    expect(await slaAlerts()).toHaveLength(1);
    const breachedList = (await admin().get('/api/v1/cases?breached=true').expect(200)).body.data as CaseView[];
    expect(breachedList.map((c) => c.id)).not.toContain(partial.id);
    // the delivery's next retry finds the breach cleared: the alert is not sent
    const delivery = await eventually(
      async () => (await admin().get(`/api/v1/alerts/${raisedAlerts[0].id}`).expect(200)).body.delivery,
      (d: { status: string }) => d.status !== 'pending',
      20_000,
    );
    expect(delivery).toMatchObject({ status: 'skipped', lastError: 'not sent: the breach no longer holds' });
    expect(posts.filter((p) => p.caseId === partial.id && p.answered === 200)).toEqual([]);
    await new Promise<void>((r) => hook.close(() => r()));
  });
  // Two topics of the brand: the care topic sees the brand's answer and the follow-up; a second
  // topic, collected after it, brings the customer's first message, which names neither.
  const networks: [string, string, string, (text: string, at: Date, replyTo?: string) => string][] = [
    [
      'bluesky',
      'dora.bsky.social',
      'lumi.bsky.social',
      (text, at, replyTo) =>
        bsky.addPost({
          author: replyTo ? 'lumi.bsky.social' : 'dora.bsky.social',
          text,
          langs: ['pt'],
          createdAt: at,
          ...(replyTo ? { replyTo } : {}),
        }).uri,
    ],
    [
      'mastodon',
      'dora',
      '@lumi',
      (text, at, replyTo) =>
        masto.addPost({ author: replyTo ? 'lumi' : 'dora', text, language: 'pt', createdAt: at, ...(replyTo ? { replyTo } : {}) }).id,
    ],
  ];
  it.each(networks)(
    'on %s too: the first message, collected last, opens the case and the answer 30 min later is the first response',
    async (platform, customer, brandHandle, post) => {
      const T0 = new Date(Math.floor((Date.now() - 20 * H) / MIN) * MIN);
      const after = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
      const first = post('não consigo pagar o boleto do meu banco, preciso de ajuda', T0);
      post('Oi Dora, já corrigimos o pagamento na Lumi', after(30), first);
      post('lumi, continuo sem conseguir pagar, preciso de ajuda de novo', after(240));
      const care = (
        await admin()
          .post('/api/v1/topics')
          .send({ name: `Lumi on ${platform}`, query: 'lumi', platforms: [platform], ownedAccounts: [{ platform, handle: brandHandle }] })
          .expect(201)
      ).body.id;
      const bills = (
        await admin()
          .post('/api/v1/topics')
          .send({ name: `Bills on ${platform}`, query: 'boleto', platforms: [platform] })
          .expect(201)
      ).body.id;

      expect((await admin().post(`/api/v1/topics/${care}/collect`).expect(200)).body).toMatchObject({ mentions: 1, replies: 1 });
      expect(await casesOf(customer)).toEqual([expect.objectContaining({ openedAt: iso(after(240)), firstResponseAt: null })]);
      expect((await admin().post(`/api/v1/topics/${bills}/collect`).expect(200)).body).toMatchObject({ mentions: 1 });

      const cases = await casesOf(customer);
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({
        openedAt: iso(T0),
        firstResponseAt: iso(after(30)),
        firstResponseDueAt: iso(after(120)),
        awaitingReplySince: iso(after(240)),
        inboundCount: 2,
        outboundCount: 1,
        breached: false,
      });
      const report = (
        await admin()
          .get(`/api/v1/reports/care?from=${iso(after(-60))}&to=${iso(after(60))}&tz=UTC&platform=${platform}`)
          .expect(200)
      ).body;
      expect(report.service.casesOpened).toBe(1);
      expect(report.service.firstResponse.mean).toBe(1800);
    },
  );
  it('a case an older version stored opened at its latest message is retimed from its earliest at start-up', async () => {
    // as the old code stored three messages read newest first and the answer to the latest
    const D = new Date(Math.floor(Date.now() / (24 * H)) * 24 * H - 2 * 24 * H);
    const at = (hh: number, mm = 0) => new Date(D.getTime() + hh * H + mm * MIN);
    const workspaceId = (await admin().get('/api/v1/workspaces/current').expect(200)).body.id;
    const inbound = (mm: number): CaseMessage => ({
      direction: 'inbound',
      externalId: `eva-${mm}`,
      mentionId: null,
      text: 'preciso de ajuda',
      at: at(10, mm),
      source: 'platform',
      agentId: null,
      authorHandle: 'eva',
    });
    const cases = t.app.get<Model<Case>>(getModelToken(Case.name));
    const stored = await cases.create({
      workspaceId: new Types.ObjectId(workspaceId),
      platform: 'x',
      customer: { externalId: '303', handle: 'eva' },
      externalIds: ['eva-20', 'eva-10', 'eva-0', 'eva-reply'],
      status: 'pending',
      intent: 'support',
      openedAt: at(10, 20),
      messages: [
        inbound(20),
        { ...inbound(30), direction: 'outbound', externalId: 'eva-reply', authorHandle: 'lumi_br' },
        inbound(10),
        inbound(0),
      ],
      inboundCount: 3,
      outboundCount: 1,
      lastInboundAt: at(10, 20),
      lastOutboundAt: at(10, 30),
      awaitingReplySince: null,
      firstResponseAt: at(10, 30),
      firstResponseDueAt: at(12, 20),
      resolutionDueAt: at(34, 20),
      abandonAt: at(34, 20),
    });

    // what the boot hook runs (CareScheduler.onApplicationBootstrap); a second pass finds nothing left
    expect(await t.app.get(CasesService).retimeOutOfOrder()).toBe(1);
    expect(await t.app.get(CasesService).retimeOutOfOrder()).toBe(0);
    const after = (await admin().get(`/api/v1/cases/${stored.id}`).expect(200)).body;
    expect(after).toMatchObject({
      openedAt: iso(at(10)),
      firstResponseAt: iso(at(10, 30)),
      firstResponseDueAt: iso(at(12)),
      abandonAt: iso(at(34)),
      awaitingReplySince: null,
      status: 'pending',
      inboundCount: 3,
      outboundCount: 1,
      breached: false,
    });
  });
});
