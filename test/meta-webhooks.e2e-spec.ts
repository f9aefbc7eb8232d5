import type { AddressInfo } from 'node:net';
import { META_EMULATOR_APP_SECRET, META_EMULATOR_TOKEN, MetaGraphEmulator } from '../src/demo/networks/meta/meta-graph-emulator';
import { registerReplyRoutes } from '../src/demo/networks/meta/meta-reply-routes';
import {
  instagramCommentDelivery,
  instagramMentionDelivery,
  MetaWebhookSender,
  pageCommentDelivery,
  whatsappMessageDelivery,
} from '../src/demo/networks/meta/webhook-sender';
import { WhatsAppEmulator } from '../src/demo/networks/meta/whatsapp-emulator';
import { REPORT_FRESHNESS_MS } from '../src/reports/report-cache';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';

/**
 * Meta's webhooks and the WhatsApp channel end to end: the real application on the embedded
 * engine, a local server that answers like the Graph API (and sends signed webhook deliveries to
 * the application's callback), and the inbox sending replies through it.
 */
describe('Meta webhooks, WhatsApp and replies from the inbox', () => {
  const VERIFY_TOKEN = 'verify-me-0123456789';
  const PHONE_NUMBER_ID = '106540352242922';
  let graph: MetaGraphEmulator;
  let whatsapp: WhatsAppEmulator;
  let webhooks: MetaWebhookSender;
  let t: TestApp;
  let pageId: string;
  let topicId: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const mentions = async (platform: string) =>
    (await admin().get(`/api/v1/mentions?platform=${platform}&limit=100`).expect(200)).body.data as { externalId: string; text: string }[];
  const cases = async (platform: string) =>
    (await admin().get(`/api/v1/cases?platform=${platform}&limit=100`).expect(200)).body.data as {
      id: string;
      customer: { handle: string };
      inboundCount: number;
      outboundCount: number;
    }[];
  const caseOf = async (platform: string, handle: string) => {
    await waitUntil(`a ${platform} case for ${handle}`, async () => (await cases(platform)).some((c) => c.customer.handle === handle), {
      timeoutMs: 10_000,
    });
    return (await cases(platform)).find((c) => c.customer.handle === handle)!;
  };

  beforeAll(async () => {
    graph = new MetaGraphEmulator();
    registerReplyRoutes(graph);
    whatsapp = new WhatsAppEmulator(graph, { phoneNumberId: PHONE_NUMBER_ID, statusDelayMs: 20 });
    const { graphUrl } = await graph.start();
    const page = graph.store.addPage({ name: 'Lumi Banco', followersCount: 12000 });
    pageId = page.id;
    t = await startTestApp({
      meta: {
        accessToken: META_EMULATOR_TOKEN,
        appSecret: META_EMULATOR_APP_SECRET,
        webhookVerifyToken: VERIFY_TOKEN,
        graphUrl,
        whatsappPhoneNumberId: PHONE_NUMBER_ID,
      },
    });
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    webhooks = new MetaWebhookSender({ callbackUrl: `http://127.0.0.1:${port}/api/v1/webhooks/meta`, appSecret: META_EMULATOR_APP_SECRET });
    whatsapp.useWebhooks(webhooks);
    topicId = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Lumi on Meta',
          query: 'lumi',
          platforms: ['facebook', 'whatsapp'],
          ownedAccounts: [{ platform: 'facebook', handle: pageId }],
        })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await whatsapp?.settle();
    await t?.close();
    await graph?.stop();
  });

  it('answers the verification handshake with the challenge only for the right verify token', async () => {
    const ok = await t
      .http()
      .get(`/api/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`)
      .expect(200);
    expect(ok.text).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    await t.http().get('/api/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444').expect(403);
    await t.http().get(`/api/v1/webhooks/meta?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`).expect(403);
  });

  it('refuses an unsigned or wrongly signed delivery with 401 and stores nothing', async () => {
    const body = whatsappMessageDelivery({
      businessAccountId: '1',
      phoneNumberId: PHONE_NUMBER_ID,
      from: '5511900000001',
      name: 'Forged',
      messageId: 'wamid.forged1',
      text: 'preciso de ajuda',
      at: new Date(),
    });
    const [unsigned] = await webhooks.deliver(body, { signature: null });
    const [wrong] = await webhooks.deliver(body, { signature: `sha256=${'0'.repeat(64)}` });
    const [malformed] = await webhooks.deliver(body, { signature: 'sha1=abc' });
    expect([unsigned.status, wrong.status, malformed.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(wrong.body).message).toMatch(/X-Hub-Signature-256/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mentions('whatsapp')).toEqual([]);
    expect(await cases('whatsapp')).toEqual([]);
  });

  it('stores a webhook delivered twice once, and the collector does not store it again', async () => {
    const post = graph.store.addFbPost({ pageId, message: 'Nova fatura digital da Lumi!', createdAt: hoursAgo(3) });
    const carla = graph.store.addFbUser({ name: 'Carla Souza' });
    const comment = graph.store.addFbComment({
      postId: post.id,
      from: carla,
      message: 'Meu cartão Lumi foi bloqueado, preciso de ajuda urgente',
      createdAt: hoursAgo(2),
    });
    const delivery = pageCommentDelivery({
      pageId,
      commentId: comment.id,
      postId: post.id,
      from: carla,
      message: comment.message,
      createdAt: comment.createdAt,
    });
    const answers = await webhooks.deliver(delivery, { times: 2 });
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await waitUntil('the comment is stored', async () => (await mentions('facebook')).length > 0, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await mentions('facebook')).map((m) => m.externalId)).toEqual([comment.id]);
    const carlaCase = await caseOf('facebook', 'Carla Souza');
    expect(carlaCase.inboundCount).toBe(1);

    // the collector reads the same comment (and the post): the comment is known, not stored again
    const run = (await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body;
    expect(run).toMatchObject({ mentions: 0, posts: 1 });
    expect((await mentions('facebook')).map((m) => m.externalId)).toEqual([comment.id]);
    expect((await caseOf('facebook', 'Carla Souza')).inboundCount).toBe(1);
  });

  it('quarantines a change without the documented shape and stores the rest of the delivery', async () => {
    const post = graph.store.addFbPost({ pageId, message: 'Novidade no app Lumi', createdAt: hoursAgo(2) });
    const dani = graph.store.addFbUser({ name: 'Dani Rocha' });
    const good = pageCommentDelivery({
      pageId,
      commentId: `${post.id.split('_')[1]}_700001`,
      postId: post.id,
      from: dani,
      message: 'Não consigo abrir o app Lumi, ajuda?',
      createdAt: hoursAgo(1),
    });
    const bad = pageCommentDelivery({
      pageId,
      commentId: `${post.id.split('_')[1]}_700002`,
      postId: post.id,
      from: dani,
      message: 'sem autor',
      createdAt: hoursAgo(1),
    });
    delete ((bad.entry as any)[0].changes[0].value as Record<string, unknown>).from;
    (good.entry as any)[0].changes.push((bad.entry as any)[0].changes[0]);
    expect((await webhooks.deliver(good, { times: 2 })).map((a) => a.status)).toEqual([200, 200]);
    await waitUntil('the good comment is stored', async () => (await mentions('facebook')).some((m) => m.externalId.endsWith('_700001')), {
      timeoutMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    const rejected = (await admin().get(`/api/v1/collectors/rejected?topic=${topicId}&platform=facebook`).expect(200)).body.data as {
      externalId: string;
      reason: string;
      problem: string;
      stream: string;
    }[];
    expect(rejected).toEqual([
      expect.objectContaining({
        externalId: `${post.id.split('_')[1]}_700002`,
        reason: 'invalid_payload',
        stream: 'facebook:webhook',
        problem: expect.stringMatching(/^feed: from/),
      }),
    ]);
    expect((await mentions('facebook')).some((m) => m.externalId.endsWith('_700002'))).toBe(false);
  });

  it('sends a reply from a Facebook case to the comment, and the collector counts it once', async () => {
    const carlaCase = await caseOf('facebook', 'Carla Souza');
    const comment = [...graph.store.fbComments.values()].find((c) => c.from?.name === 'Carla Souza')!;
    const sent = (
      await admin()
        .post(`/api/v1/cases/${carlaCase.id}/replies`)
        .send({ text: 'Oi Carla, chamamos você no privado para desbloquear.', send: true })
        .expect(201)
    ).body;
    const posted = graph.requests.filter((r) => r.name === 'fb-comment-reply');
    expect(posted.map((r) => r.path)).toEqual([`/${comment.id}/comments`]);
    expect(posted[0]).toMatchObject({
      method: 'POST',
      authorized: true,
      params: expect.objectContaining({ message: 'Oi Carla, chamamos você no privado para desbloquear.' }),
    });
    const reply = [...graph.store.fbComments.values()].find((c) => c.parentId === comment.id)!;
    expect(reply.from?.id).toBe(pageId);
    expect(sent.messages.find((m: { direction: string }) => m.direction === 'outbound')).toMatchObject({ externalId: reply.id });
    const run = (await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body;
    expect(run.replies).toBe(1); // stored as the Page's reply...
    expect((await admin().get(`/api/v1/cases/${carlaCase.id}`).expect(200)).body.outboundCount).toBe(1); // ...and counted once on the case

    // a comment deleted meanwhile: Graph's error, as a 4xx with its message
    graph.store.fbComments.delete(comment.id);
    const gone = await admin().post(`/api/v1/cases/${carlaCase.id}/replies`).send({ text: 'Mais alguma dúvida?', send: true });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toMatch(/Facebook refused the reply: .*does not exist/);
  });

  it('stores an Instagram comment by webhook once, and answers it with POST /{comment-id}/replies', async () => {
    const account = graph.store.addIgUser({ username: 'lumi.banco', followersCount: 5400 });
    const bia = graph.store.addIgUser({ username: 'Bia.Santos' });
    const media = graph.store.addIgMedia({ ownerId: account.id, caption: 'Conheça o novo cartão Lumi', createdAt: hoursAgo(5) });
    const comment = graph.store.addIgComment({
      mediaId: media.id,
      fromId: bia.id,
      text: 'Meu cartão não chegou ainda, preciso de ajuda',
      createdAt: hoursAgo(1),
    });
    const ig = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Lumi on Instagram',
          query: 'lumi',
          platforms: ['instagram'],
          ownedAccounts: [{ platform: 'instagram', handle: account.id }],
        })
        .expect(201)
    ).body.id;
    const delivery = instagramCommentDelivery({
      accountId: account.id,
      commentId: comment.id,
      mediaId: media.id,
      from: { id: bia.id, username: bia.username },
      text: comment.text,
      createdAt: comment.createdAt,
    });
    expect((await webhooks.deliver(delivery, { times: 2 })).map((a) => a.status)).toEqual([200, 200]);
    const biaCase = await caseOf('instagram', 'bia.santos');
    expect((await mentions('instagram')).map((m) => m.externalId)).toEqual([comment.id]);
    expect((await admin().post(`/api/v1/topics/${ig}/collect`).expect(200)).body).toMatchObject({ mentions: 0, posts: 1 });

    await admin().post(`/api/v1/cases/${biaCase.id}/replies`).send({ text: 'Oi Bia! Já reenviamos seu cartão.', send: true }).expect(201);
    expect(graph.requests.filter((r) => r.name === 'ig-comment-reply').map((r) => r.path)).toEqual([`/${comment.id}/replies`]);
    expect((await admin().post(`/api/v1/topics/${ig}/collect`).expect(200)).body.replies).toBe(1);
    expect((await admin().get(`/api/v1/cases/${biaCase.id}`).expect(200)).body.outboundCount).toBe(1);
  });

  it('stores an Instagram @mention (caption and comment) read through Graph once; the collector finds it known', async () => {
    const account = graph.store.addIgUser({ username: 'lumi.cartoes', followersCount: 800 });
    const joao = graph.store.addIgUser({ username: 'joao.p' });
    const rita = graph.store.addIgUser({ username: 'rita_m' });
    const captioned = graph.store.addIgMedia({
      ownerId: joao.id,
      caption: 'Cartão novo chegou! Valeu @lumi.cartoes',
      createdAt: hoursAgo(2),
      tagged: [account.id],
    });
    const elsewhere = graph.store.addIgMedia({ ownerId: joao.id, caption: 'Fim de semana na praia', createdAt: hoursAgo(4) });
    const comment = graph.store.addIgComment({
      mediaId: elsewhere.id,
      fromId: rita.id,
      text: '@lumi.cartoes meu limite sumiu, alguém me ajuda?',
      createdAt: hoursAgo(1),
    });
    const ig = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Lumi Cartões on Instagram',
          query: 'lumi',
          platforms: ['instagram'],
          ownedAccounts: [{ platform: 'instagram', handle: account.id }],
        })
        .expect(201)
    ).body.id;
    const stored = async () =>
      (
        (await admin().get(`/api/v1/mentions?topic=${ig}&platform=instagram&limit=100`).expect(200)).body.data as {
          externalId: string;
          text: string;
        }[]
      )
        .map((m) => m.externalId)
        .sort();
    const byCaption = instagramMentionDelivery({ accountId: account.id, mediaId: captioned.id });
    const byComment = instagramMentionDelivery({ accountId: account.id, mediaId: elsewhere.id, commentId: comment.id });

    const [forged] = await webhooks.deliver(byCaption, { signature: `sha256=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored()).toEqual([]);
    expect(graph.requests.some((r) => r.path === `/${account.id}`)).toBe(false);

    expect((await webhooks.deliver(byCaption, { times: 2 })).map((a) => a.status)).toEqual([200, 200]);
    expect((await webhooks.deliver(byComment, { times: 2 })).map((a) => a.status)).toEqual([200, 200]);
    await waitUntil('both mentions are stored', async () => (await stored()).length === 2, { timeoutMs: 10_000 });
    expect(await stored()).toEqual([captioned.id, comment.id].sort());
    const texts = (
      (await admin().get(`/api/v1/mentions?topic=${ig}&platform=instagram&limit=100`).expect(200)).body.data as { text: string }[]
    )
      .map((m) => m.text)
      .sort();
    expect(texts).toEqual([captioned.caption, comment.text].sort());
    // the tagged media is what the collector's /tags gives: known, not stored again
    expect((await admin().post(`/api/v1/topics/${ig}/collect`).expect(200)).body).toMatchObject({ mentions: 0 });
    expect(await stored()).toEqual([captioned.id, comment.id].sort());
  });

  it('retries an Instagram mention whose Graph read failed, and quarantines one Graph answers malformed', async () => {
    const account = graph.store.addIgUser({ username: 'lumi.seguros', followersCount: 300 });
    const ana = graph.store.addIgUser({ username: 'ana.c' });
    const media = graph.store.addIgMedia({ ownerId: ana.id, caption: 'Seguro do carro resolvido @lumi.seguros', createdAt: hoursAgo(1) });
    const other = graph.store.addIgMedia({ ownerId: ana.id, caption: 'Obrigada @lumi.seguros', createdAt: hoursAgo(1) });
    const ig = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Lumi Seguros',
          query: 'lumi',
          platforms: ['instagram'],
          ownedAccounts: [{ platform: 'instagram', handle: account.id }],
        })
        .expect(201)
    ).body.id;
    const stored = async () =>
      (
        (await admin().get(`/api/v1/mentions?topic=${ig}&platform=instagram&limit=100`).expect(200)).body.data as { externalId: string }[]
      ).map((m) => m.externalId);
    // a permission error is not retried by the client: the queued delivery fails, then its retry stores it
    graph.failNext('ig-user', {
      status: 400,
      error: { code: 10, type: 'OAuthException', message: 'Application does not have permission' },
    });
    expect((await webhooks.deliver(instagramMentionDelivery({ accountId: account.id, mediaId: media.id })))[0].status).toBe(200);
    await waitUntil('the mention is stored after a retry', async () => (await stored()).includes(media.id), { timeoutMs: 10_000 });
    expect(graph.requests.filter((r) => r.path === `/${account.id}`).length).toBeGreaterThanOrEqual(2);

    graph.failNext('ig-user', {
      alter: (body: { mentioned_media?: Record<string, unknown> }) => ({
        ...body,
        mentioned_media: { ...body.mentioned_media, timestamp: 'yesterday' },
      }),
    });
    expect((await webhooks.deliver(instagramMentionDelivery({ accountId: account.id, mediaId: other.id })))[0].status).toBe(200);
    const rejected = async () =>
      (await admin().get(`/api/v1/collectors/rejected?topic=${ig}&platform=instagram`).expect(200)).body.data as {
        externalId: string;
        reason: string;
        stream: string;
      }[];
    await waitUntil('the malformed mention is quarantined', async () => (await rejected()).length > 0, { timeoutMs: 10_000 });
    expect(await rejected()).toEqual([
      expect.objectContaining({ externalId: other.id, reason: 'invalid_payload', stream: 'instagram:webhook' }),
    ]);
    expect(await stored()).toEqual([media.id]);
  });

  it('makes a WhatsApp message a private case: in care KPIs, not in mention volume', async () => {
    const before = (
      await admin()
        .get(`/api/v1/reports/overview?from=${hoursAgo(48).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&tz=UTC`)
        .expect(200)
    ).body;
    await whatsapp.customerWrites({ from: '5511988887777', name: 'Ana Lima', text: 'Oi, meu Pix não caiu, pode me ajudar?' });
    const ana = await caseOf('whatsapp', '5511988887777');
    expect(ana).toMatchObject({ inboundCount: 1, outboundCount: 0 });
    expect((await admin().get(`/api/v1/cases/${ana.id}`).expect(200)).body.messages[0]).toMatchObject({
      direction: 'inbound',
      visibility: 'private',
      text: 'Oi, meu Pix não caiu, pode me ajudar?',
    });
    // the webhook's case is a background write: the report cache shows it within REPORT_FRESHNESS_MS
    await new Promise((r) => setTimeout(r, REPORT_FRESHNESS_MS + 100));
    const after = (
      await admin()
        .get(`/api/v1/reports/overview?from=${hoursAgo(48).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&tz=UTC`)
        .expect(200)
    ).body;
    expect(after.support.inbound).toBe(before.support.inbound + 1);
    expect(after.volume.mentions).toBe(before.volume.mentions);
    expect(after.volume.byPlatform.whatsapp ?? 0).toBe(0);
    expect(after.sentiment.positive + after.sentiment.negative + after.sentiment.neutral).toBe(
      before.sentiment.positive + before.sentiment.negative + before.sentiment.neutral,
    );
    // the mention list is listening: the message shows only when WhatsApp is asked for
    const all = (await admin().get('/api/v1/mentions?limit=100').expect(200)).body.data as { platform: string }[];
    expect(all.some((m) => m.platform === 'whatsapp')).toBe(false);
    expect((await mentions('whatsapp')).map((m) => m.text)).toContain('Oi, meu Pix não caiu, pode me ajudar?');
  });

  it('sends a WhatsApp reply within the 24-hour window, keeps its statuses, and refuses one outside with 422', async () => {
    await whatsapp.customerWrites({ from: '5521977776666', name: 'Bruno', text: 'Minha fatura veio errada, preciso de ajuda' });
    const bruno = await caseOf('whatsapp', '5521977776666');
    const sent = (
      await admin()
        .post(`/api/v1/cases/${bruno.id}/replies`)
        .send({ text: 'Oi Bruno! Vamos corrigir sua fatura agora.', send: true })
        .expect(201)
    ).body;
    const reply = whatsapp.sent().find((m) => m.customer === '5521977776666')!;
    expect(reply).toMatchObject({ text: 'Oi Bruno! Vamos corrigir sua fatura agora.', replyTo: expect.stringMatching(/^wamid\./) });
    expect(sent.outboundCount).toBe(1);
    expect(sent.messages.find((m: { direction: string }) => m.direction === 'outbound')).toMatchObject({ externalId: reply.id });
    await whatsapp.settle();
    await waitUntil(
      'the read status is kept on the reply',
      async () => {
        const c = (await admin().get(`/api/v1/cases/${bruno.id}`).expect(200)).body;
        return c.messages.find((m: { direction: string }) => m.direction === 'outbound')?.delivery?.status === 'read';
      },
      { timeoutMs: 10_000 },
    );
    const kept = (await admin().get(`/api/v1/cases/${bruno.id}`).expect(200)).body.messages.find(
      (m: { direction: string }) => m.direction === 'outbound',
    );
    expect(kept.delivery.history.map((h: { status: string }) => h.status)).toEqual(['sent', 'delivered', 'read']);

    await whatsapp.customerWrites({ from: '5531966665555', name: 'Clara', text: 'Preciso de ajuda com meu cartão', at: hoursAgo(25) });
    const clara = await caseOf('whatsapp', '5531966665555');
    const refused = await admin().post(`/api/v1/cases/${clara.id}/replies`).send({ text: 'Oi Clara!', send: true }).expect(422);
    expect(refused.body.message).toMatch(/24-hour customer service window closed/);
    expect(whatsapp.sent().some((m) => m.customer === '5531966665555')).toBe(false);
  });

  it('does not count the webhook endpoint against any API key', async () => {
    const many = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.http().get(`/api/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=x`),
      ),
    );
    expect(many.every((r) => r.status === 200 && r.headers['x-ratelimit-remaining'] === undefined)).toBe(true);
    // a keyed route is counted (and says so), so the check above can fail
    expect((await admin().get('/api/v1/topics').expect(200)).headers['x-ratelimit-remaining']).toBeDefined();
  });
});
