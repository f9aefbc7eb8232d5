import { getModelToken } from '@nestjs/mongoose';
import { parse } from 'csv-parse/sync';
import { Model, Types } from 'mongoose';
import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { MentionCorrectionsService } from '../src/mentions/mention-corrections.service';
import { ROLLUP_REPAIR_GRACE_MS, RollupOutboxService } from '../src/mentions/rollup-outbox.service';
import { RollupBatch } from '../src/mentions/schemas/mention-rollup.schema';
import { Mention } from '../src/mentions/schemas/mention.schema';
import { REPORT_FRESHNESS_MS } from '../src/reports/report-cache';
import { ROLES } from '../src/workspaces/schemas/api-key.schema';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Agents correct a mention's labels through the API: the counts of the reports move by exactly one
 * (and not again on a repeat), cases open and close as if the mention had been collected with the
 * agent's label, and model-quality and the corrections export show the reviews. Posts come from
 * the X test server at known times, in one UTC hour a day ago.
 */
const H = 3600_000;
const HOUR = new Date(Math.floor(Date.now() / H) * H - 26 * H);
const at = (min: number) => new Date(HOUR.getTime() + min * 60_000);
const period = `from=${HOUR.toISOString()}&to=${new Date(HOUR.getTime() + H).toISOString()}`;
const range = `${period}&tz=UTC`;
const SUPPORT = ['support', 'complaint', 'question'];
const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;

interface MentionView {
  id: string;
  externalId: string;
  lang: string;
  text: string;
  author: { handle: string };
  sentiment: { label: string; score: number };
  intent: string;
  correction: null | {
    sentiment?: { label: string; predicted: string; by: string; at: string };
    intent?: { label: string; predicted: string; by: string; at: string };
    at: string;
  };
}

describe('Agents correct the model (e2e)', () => {
  let x: XApiEmulator;
  let t: TestApp;
  let topicId: string;
  let other: TestWorkspace;
  const keys: Record<string, { id: string; key: string }> = {};
  const admin = () => t.as(TEST_ADMIN_KEY);
  const agent = () => t.as(keys.agent.key);
  const byHandle: Record<string, MentionView> = {};

  const overview = async (topic?: string) =>
    (
      await admin()
        .get(`/api/v1/reports/overview?${range}${topic ? `&topic=${topic}` : ''}`)
        .expect(200)
    ).body;
  const counts = async (topic?: string) => {
    const o = await overview(topic);
    return {
      mentions: o.volume.mentions,
      negative: o.sentiment.negative,
      neutral: o.sentiment.neutral,
      positive: o.sentiment.positive,
      support: o.support.inbound,
    };
  };
  const care = async () => (await admin().get(`/api/v1/reports/care?${range}`).expect(200)).body.service;
  const casesOf = async (handle: string) => {
    const res = await admin().get('/api/v1/cases?limit=200').expect(200);
    return res.body.data.filter((c: { customer: { handle: string } }) => c.customer.handle === handle);
  };
  const labels = async (id: string) => (await admin().get(`/api/v1/mentions/labels?ids=${id}`).expect(200)).body[0];
  const correct = (id: string, body: Record<string, unknown>, as = agent()) => as.patch(`/api/v1/mentions/${id}`).send(body);

  beforeAll(async () => {
    const started = await startXTestServer();
    x = started.server;
    t = await startTestApp({ x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: started.baseUrl, monthlyReadCap: 0 } });
    for (const role of ['agent', 'analyst']) {
      const issued = (
        await admin()
          .post('/api/v1/api-keys')
          .send({ name: `corrections ${role}`, role })
          .expect(201)
      ).body;
      keys[role] = { id: issued.id, key: issued.key };
    }
    other = await createWorkspace(t, 'Another brand');
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    for (const [id, u] of [
      ['301', 'paula'],
      ['302', 'sergio'],
      ['303', 'tania'],
    ])
      x.addUser({ id, username: u });
    x.addTweet({
      author_username: 'paula',
      text: '@lumi_br amei o novo app da lumi, parabéns pelo capricho!',
      created_at: at(5),
      lang: 'pt',
    });
    x.addTweet({
      author_username: 'sergio',
      text: '@lumi_br meu cartão lumi foi bloqueado e não consigo pagar nada, preciso de ajuda',
      created_at: at(10),
      lang: 'pt',
    });
    x.addTweet({ author_username: 'tania', text: 'hoje vi a propaganda da lumi na tv', created_at: at(20), lang: 'pt' });
    topicId = (
      await admin()
        .post('/api/v1/topics')
        .send({ name: 'Lumi', query: '(lumi OR @lumi_br)', platforms: ['x'], ownedAccounts: [{ platform: 'x', handle: 'lumi_br' }] })
        .expect(201)
    ).body.id;
    expect((await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body.mentions).toBe(3);
    const listed: MentionView[] = (await admin().get(`/api/v1/mentions?${period}`).expect(200)).body.data;
    for (const m of listed) byHandle[m.author.handle] = m;
    // What the test relies on the model for: praise and chatter are no support request, the
    // blocked card is (it opened a case), and praise and the blocked card differ in sentiment.
    expect(listed.map((m) => m.correction)).toEqual([null, null, null]);
    expect(SUPPORT).not.toContain(byHandle.paula.intent);
    expect(SUPPORT).not.toContain(byHandle.tania.intent);
    expect(SUPPORT).toContain(byHandle.sergio.intent);
    expect(byHandle.paula.sentiment.label).not.toBe(byHandle.sergio.sentiment.label);
    expect(await casesOf('paula')).toHaveLength(0);
    expect(await casesOf('sergio')).toHaveLength(1);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
  });

  it('moves the rollup counts by exactly one, in the workspace and the topic, and not again on a repeat', async () => {
    const paula = byHandle.paula;
    const from = paula.sentiment.label;
    const to = byHandle.sergio.sentiment.label;
    const [before, beforeTopic] = [await counts(), await counts(topicId)];

    const res = await correct(paula.id, { sentiment: to }).expect(200);
    expect(res.body).toMatchObject({ id: paula.id, sentiment: { label: to, score: paula.sentiment.score }, intent: paula.intent });
    expect(res.body.correction.sentiment).toEqual({ label: to, predicted: from, by: keys.agent.id, at: expect.any(String) });
    const expected = { ...before, [from]: before[from as keyof typeof before] - 1, [to]: before[to as keyof typeof before] + 1 };
    expect(await counts()).toEqual(expected);
    expect(await counts(topicId)).toEqual({
      ...beforeTopic,
      [from]: beforeTopic[from as keyof typeof before] - 1,
      [to]: beforeTopic[to as keyof typeof before] + 1,
    });
    // The list filters by the agent's label and shows the review beside it.
    const listed = (await admin().get(`/api/v1/mentions?${period}&sentiment=${to}`).expect(200)).body.data as MentionView[];
    expect(listed.find((m) => m.id === paula.id)?.correction).toEqual(res.body.correction);

    const again = await correct(paula.id, { sentiment: to }, t.as(keys.analyst.key)).expect(200);
    expect(again.body.correction.sentiment).toEqual(res.body.correction.sentiment); // still the first agent's review
    expect(await counts()).toEqual(expected);
  });

  it('opens a case, once, for a mention corrected to a support intent', async () => {
    const paula = byHandle.paula;
    const [before, service] = [await counts(), await care()];
    const res = await correct(paula.id, { intent: 'question' }).expect(200);
    expect(res.body.correction.intent).toEqual({ label: 'question', predicted: paula.intent, by: keys.agent.id, at: expect.any(String) });
    expect(await counts()).toEqual({ ...before, support: before.support + 1 });

    const opened = await casesOf('paula');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ status: 'open', intent: 'question', openedAt: at(5).toISOString(), inboundCount: 1 });
    expect((await care()).casesOpened).toBe(service.casesOpened + 1);
    const detail = (await admin().get(`/api/v1/cases/${opened[0].id}`).expect(200)).body;
    expect(detail.messages).toEqual([expect.objectContaining({ direction: 'inbound', mentionId: paula.id })]);

    await correct(paula.id, { intent: 'question' }).expect(200);
    expect(await casesOf('paula')).toHaveLength(1);
    expect(await counts()).toEqual({ ...before, support: before.support + 1 });
  });

  it('closes as not_support the case of a mention corrected away from support, out of the care KPIs, and reopens it on a correction back', async () => {
    const sergio = byHandle.sergio;
    const [caseBefore] = await casesOf('sergio');
    const [before, service] = [await counts(), await care()];
    const unanswered = async () => (await admin().get('/api/v1/cases/unanswered').expect(200)).body.map((c: { id: string }) => c.id);
    expect(await unanswered()).toContain(caseBefore.id);

    await correct(sergio.id, { intent: 'other' }).expect(200);
    const closed = (await admin().get(`/api/v1/cases/${caseBefore.id}`).expect(200)).body;
    expect(closed).toMatchObject({
      status: 'not_support',
      notSupport: { mentionId: sergio.id, by: keys.agent.id, previousStatus: caseBefore.status },
    });
    expect(await counts()).toEqual({ ...before, support: before.support - 1 });
    const after = await care();
    expect(after.casesOpened).toBe(service.casesOpened - 1);
    const ids = (u: { caseId: string }[]) => u.map((c) => c.caseId);
    expect(ids(service.unanswered)).toContain(caseBefore.id);
    expect(ids(after.unanswered)).not.toContain(caseBefore.id);
    expect(await unanswered()).not.toContain(caseBefore.id);
    // The inbox can still list it by its status.
    const listed = (await admin().get('/api/v1/cases?status=not_support').expect(200)).body.data.map((c: { id: string }) => c.id);
    expect(listed).toEqual([caseBefore.id]);

    // Back to a support intent (not the model's): the same case, with the status it had.
    const back = SUPPORT.find((i) => i !== sergio.intent)!;
    await correct(sergio.id, { intent: back }).expect(200);
    expect(await casesOf('sergio')).toEqual([
      expect.objectContaining({ id: caseBefore.id, status: caseBefore.status, intent: back, notSupport: null }),
    ]);
    expect((await care()).casesOpened).toBe(service.casesOpened);
    expect(await counts()).toEqual(before);
  });

  it('shows the reviews in model-quality with the hand-computed numbers', async () => {
    const { paula, sergio } = byHandle;
    // The agent confirms the model's sentiment of the blocked-card post: a review on the diagonal.
    const confirmed = await correct(sergio.id, { sentiment: sergio.sentiment.label }).expect(200);
    expect(confirmed.body.correction.sentiment).toMatchObject({ label: sergio.sentiment.label, predicted: sergio.sentiment.label });

    const q = (await admin().get('/api/v1/reports/model-quality').expect(200)).body;
    const a = paula.sentiment.label; // predicted for paula, corrected to c
    const c = sergio.sentiment.label; // predicted and confirmed for sergio
    const third = SENTIMENTS.find((l) => l !== a && l !== c)!;
    // sentiment reviews: (a → c), (c → c)
    // a: TP 0, predicted 1, corrected 0 → precision 0, recall null, F1 0
    // c: TP 1, predicted 1, corrected 2 → precision 1, recall 1/2, F1 2/3; third: on neither side
    expect(q.sentiment).toMatchObject({ corrections: 2, changed: 1, accuracy: 0.5 });
    expect(q.sentiment.macroF1).toBeCloseTo(1 / 3, 12);
    expect(q.sentiment.perClass[a]).toEqual({ precision: 0, recall: null, f1: 0, predicted: 1, corrected: 0 });
    expect(q.sentiment.perClass[c]).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, predicted: 1, corrected: 2 });
    expect(q.sentiment.perClass[third]).toEqual({ precision: null, recall: null, f1: null, predicted: 0, corrected: 0 });
    expect(q.sentiment.confusion[a][c]).toBe(1);
    expect(q.sentiment.confusion[c][c]).toBe(1);

    // intent reviews: (paula's → question), (sergio's → back): each label changed, so every F1 is 0
    const back = SUPPORT.find((i) => i !== sergio.intent)!;
    expect(q.intent).toMatchObject({ corrections: 2, changed: 2, accuracy: 0, macroF1: 0 });
    expect(q.intent.confusion[paula.intent].question).toBe(1);
    expect(q.intent.confusion[sergio.intent][back]).toBe(1);
    expect(q.intent.perClass[paula.intent]).toMatchObject({ precision: 0, recall: null, f1: 0 });
    expect(q.intent.perClass.lead).toEqual({ precision: null, recall: null, f1: null, predicted: 0, corrected: 0 });

    // By language, and by period.
    expect((await admin().get('/api/v1/reports/model-quality?lang=pt').expect(200)).body.sentiment.corrections).toBe(2);
    const en = (await admin().get('/api/v1/reports/model-quality?lang=en').expect(200)).body;
    expect(en.sentiment).toMatchObject({ corrections: 0, accuracy: null, macroF1: null });
    const past = (await admin().get(`/api/v1/reports/model-quality?${period}`).expect(200)).body;
    expect(past.intent.corrections).toBe(0);
    await admin().get('/api/v1/reports/model-quality?from=2026-01-02&to=2026-01-01').expect(400);
  });

  it('exports the corrections as CSV: the agent labels (empty where not reviewed) beside the model labels', async () => {
    const { paula, sergio, tania } = byHandle;
    const res = await t.http().get(`/api/v1/exports/corrections.csv?access_token=${TEST_ADMIN_KEY}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const rows: Record<string, string>[] = parse(res.text, { columns: true, bom: true });
    expect(Object.keys(rows[0])).toEqual(
      expect.arrayContaining([
        'text',
        'lang',
        'sentiment',
        'intent',
        'mentionId',
        'platform',
        'predictedSentiment',
        'predictedIntent',
        'correctedBy',
        'correctedAt',
      ]),
    );
    const byId = new Map(rows.map((r) => [r.mentionId, r]));
    expect(byId.has(tania.id)).toBe(false);
    expect(byId.get(paula.id)).toMatchObject({
      // Paula's text starts with @: it is exported behind a ' so no spreadsheet reads a formula (SECURITY.md).
      text: `'${paula.text}`,
      lang: 'pt',
      platform: 'x',
      sentiment: sergio.sentiment.label,
      intent: 'question',
      predictedSentiment: paula.sentiment.label,
      predictedIntent: paula.intent,
      correctedBy: keys.agent.id,
    });
    expect(byId.get(sergio.id)).toMatchObject({
      sentiment: sergio.sentiment.label,
      intent: SUPPORT.find((i) => i !== sergio.intent),
      predictedIntent: sergio.intent,
    });

    // An intent-only review leaves the sentiment cell empty: the model's own label is no lesson.
    await correct(tania.id, { intent: 'lead' }).expect(200);
    const after: Record<string, string>[] = parse((await admin().get('/api/v1/exports/corrections.csv').expect(200)).text, {
      columns: true,
      bom: true,
    });
    expect(after.at(-1)).toMatchObject({
      mentionId: tania.id,
      sentiment: '',
      intent: 'lead',
      predictedSentiment: tania.sentiment.label,
      predictedIntent: tania.intent,
    });
    await correct(tania.id, { intent: tania.intent }).expect(200);
  });

  it('refuses bad corrections with a 400 naming the field, and changes nothing', async () => {
    const { tania } = byHandle;
    const before = await labels(tania.id);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /sentiment or intent/],
      [{ sentiment: 'happy' }, /sentiment must be one of negative, neutral, positive/],
      [{ intent: 'refund' }, /intent must be one of/],
      [{ intent: null }, /intent must be one of/],
      [{ intent: 'support', agentId: 'x' }, /property agentId should not exist/],
      [{ intent: { $ne: 'other' } }, /\$ne|operator/i],
    ];
    for (const [body, message] of cases) {
      const res = await correct(tania.id, body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    expect(await labels(tania.id)).toEqual(before);
    expect(await casesOf('tania')).toHaveLength(0);
  });

  it('lets agents, analysts and admins correct; answers 404 for another workspace and 401 without a key', async () => {
    const { tania } = byHandle;
    // Every role of the product may correct (there is no read-only role to refuse).
    expect([...ROLES].sort()).toEqual(['admin', 'agent', 'analyst']);
    await correct(tania.id, { sentiment: 'neutral' }, t.as(keys.analyst.key)).expect(200);
    await correct(tania.id, { sentiment: 'positive' }, admin()).expect(200);
    expect((await labels(tania.id)).correction.sentiment).toMatchObject({
      label: 'positive',
      predicted: tania.sentiment.label,
      by: expect.any(String),
    });

    const res = await correct(tania.id, { sentiment: 'negative' }, t.as(other.agentKey)).expect(404);
    expect(res.body.message).toContain(tania.id);
    await t.as(other.key).get(`/api/v1/mentions/labels?ids=${tania.id}`).expect(200, []);
    expect((await labels(tania.id)).sentiment.label).toBe('positive');
    await correct('000000000000000000000000', { sentiment: 'negative' }).expect(404);
    await correct('not-an-id', { sentiment: 'negative' }).expect(404);
    await t.http().patch(`/api/v1/mentions/${tania.id}`).send({ sentiment: 'negative' }).expect(401);
  });

  it('keeps a case open while any of its customer messages is still a support request', async () => {
    const { sergio } = byHandle;
    x.addTweet({ author_username: 'sergio', text: '@lumi_br continuo sem conseguir usar o cartão lumi', created_at: at(30), lang: 'pt' });
    expect((await admin().post(`/api/v1/topics/${topicId}/collect`).expect(200)).body.mentions).toBe(1);
    const followUp = ((await admin().get(`/api/v1/mentions?${period}`).expect(200)).body.data as MentionView[]).find(
      (m) => m.author.handle === 'sergio' && m.id !== sergio.id,
    )!;
    const [joined] = await casesOf('sergio');
    expect(joined).toMatchObject({ status: 'open', inboundCount: 2 });

    await correct(followUp.id, { intent: 'support' }).expect(200);
    await correct(followUp.id, { intent: 'other' }).expect(200);
    expect((await casesOf('sergio'))[0]).toMatchObject({ id: joined.id, status: 'open' }); // the opening request still needs an answer
    await correct(sergio.id, { intent: 'praise' }).expect(200);
    expect((await casesOf('sergio'))[0]).toMatchObject({ id: joined.id, status: 'not_support', notSupport: { mentionId: sergio.id } });
    // Either message back to a support intent reopens the same case.
    await correct(followUp.id, { intent: 'question' }).expect(200);
    expect(await casesOf('sergio')).toEqual([expect.objectContaining({ id: joined.id, status: 'open', notSupport: null })]);
  });

  it('counts a mention whose ingestion died before counting it, then moves it: once each', async () => {
    const mentions: Model<Mention> = t.app.get(getModelToken(Mention.name));
    const batches: Model<RollupBatch> = t.app.get(getModelToken(RollupBatch.name));
    const workspaceId = new Types.ObjectId((await admin().get('/api/v1/workspaces/current').expect(200)).body.id);
    const before = await counts();
    // What a process killed after storing a mention, before counting it, leaves behind.
    const batch = new Types.ObjectId();
    await batches.create({
      _id: batch,
      workspaceId,
      topicId: new Types.ObjectId(topicId),
      startedAt: new Date(Date.now() - ROLLUP_REPAIR_GRACE_MS - 1000),
    });
    const stored = await mentions.create({
      workspaceId,
      topicIds: [new Types.ObjectId(topicId)],
      platform: 'x',
      externalId: '990001',
      url: 'https://x.com/u/status/990001',
      text: '@lumi_br péssimo, o app da lumi caiu de novo',
      createdAt: at(40),
      author: { externalId: '304', handle: 'ulisses', name: null, followers: 3 },
      lang: 'pt',
      sentiment: { score: -0.6, label: 'negative' },
      intent: 'other',
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
      rollupBatch: batch,
    });
    expect(await counts()).toEqual(before);

    await correct(String(stored._id), { sentiment: 'positive' }).expect(200);
    // Counted once as it was stored (negative), then moved once to positive.
    const expected = { ...before, mentions: before.mentions + 1, positive: before.positive + 1 };
    expect(await counts()).toEqual(expected);
    expect(await batches.exists({ _id: batch })).toBeNull();
    expect(await t.app.get(RollupOutboxService).repairRollups()).toEqual({ batches: 0, mentions: 0 });
    expect(await counts()).toEqual(expected);
  });

  it('finishes a correction whose process died before its counts moved, exactly once', async () => {
    const { tania } = byHandle;
    const mentions: Model<Mention> = t.app.get(getModelToken(Mention.name));
    const service = t.app.get(MentionCorrectionsService);
    const before = await counts();
    const current = await labels(tania.id);
    const from = { sentiment: current.sentiment.label, intent: current.intent };
    const to = { sentiment: 'negative', intent: current.intent };
    expect(from.sentiment).not.toBe('negative');
    // What a process killed right after writing the new label leaves behind.
    const doc = await mentions.findById(tania.id).lean();
    const pending = { id: new Types.ObjectId(), at: new Date(Date.now() - ROLLUP_REPAIR_GRACE_MS - 1000), from, to, by: keys.agent.id };
    await mentions.updateOne(
      { _id: tania.id },
      {
        $set: {
          'sentiment.label': 'negative',
          'correction.sentiment': { label: 'negative', predicted: tania.sentiment.label, by: keys.agent.id, at: new Date() },
          'correction.seq': (doc!.correction?.seq ?? 0) + 1,
          'correction.pending': pending,
        },
      },
    );
    expect(await counts()).toEqual(before);
    expect(await service.repairCorrections()).toBe(1);
    const moved = { ...before, [from.sentiment]: before[from.sentiment as keyof typeof before] - 1, negative: before.negative + 1 };
    // the repair is a background write: the report cache shows it within REPORT_FRESHNESS_MS
    await new Promise((r) => setTimeout(r, REPORT_FRESHNESS_MS + 100));
    expect(await counts()).toEqual(moved);
    expect(await service.repairCorrections()).toBe(0);

    // Killed after moving the counts but before clearing its mark: the replay moves nothing more.
    await mentions.updateOne({ _id: tania.id }, { $set: { 'correction.pending': pending } });
    expect(await service.repairCorrections()).toBe(1);
    expect(await counts()).toEqual(moved);

    // A fresh mark is its writer's: another correction waits for it instead of racing it.
    await mentions.updateOne(
      { _id: tania.id },
      { $set: { 'correction.pending': { ...pending, id: new Types.ObjectId(), at: new Date(), from: to, to } } },
    );
    const busy = await correct(tania.id, { sentiment: 'neutral' }).expect(409);
    expect(busy.body.message).toMatch(/try again/);
    await mentions.updateOne({ _id: tania.id }, { $set: { 'correction.pending': null } });
  });
});
