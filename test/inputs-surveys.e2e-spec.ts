import { surveyKpis } from '../src/reports/kpis/surveys';
import { SurveysService } from '../src/surveys/surveys.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

describe('Inputs: surveys (e2e)', () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let agentId: string;

  const responsesOf = async (ws: TestWorkspace, query = '') =>
    (await t.as(ws.key).get(`/api/v1/surveys/responses?limit=200${query}`).expect(200)).body.data as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestApp();
    a = await createWorkspace(t, 'Surveys A', 'America/Sao_Paulo');
    b = await createWorkspace(t, 'Surveys B');
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a CSAT response and flags 3 or less for follow-up', async () => {
    agentId = (await t.as(a.key).post('/api/v1/agents').send({ name: 'Bruna' }).expect(201)).body.id;
    const low = await t
      .as(a.analystKey)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 3, respondedAt: '2026-03-01T18:00:00-03:00', agentId, comment: 'Demorou' })
      .expect(200);
    expect(low.body).toMatchObject({ stored: 1, updated: 0, rejected: [] });
    const stored = await t.as(a.agentKey).get(`/api/v1/surveys/responses/${low.body.records[0].id}`).expect(200);
    expect(stored.body).toMatchObject({
      type: 'csat',
      score: 3,
      respondedAt: '2026-03-01T21:00:00.000Z',
      caseId: null,
      agentId,
      comment: 'Demorou',
      followUp: true,
    });

    const high = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 4, respondedAt: '2026-03-01T19:00:00Z' })
      .expect(200);
    expect((await t.as(a.key).get(`/api/v1/surveys/responses/${high.body.records[0].id}`).expect(200)).body.followUp).toBe(false);
  });

  it('refuses a case or agent that is not of this workspace with 400 naming the field, storing nothing', async () => {
    const before = (await responsesOf(a)).length;
    const unknownCase = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 3, respondedAt: '2026-03-01T12:00:00Z', caseId: '65f0000000000000000000c1' })
      .expect(400);
    expect(unknownCase.body.message).toEqual(['caseId 65f0000000000000000000c1 is not a case of this workspace']);
    const unknownAgent = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 3, respondedAt: '2026-03-01T12:00:00Z', agentId: 'bruna' })
      .expect(400);
    expect(unknownAgent.body.message).toEqual(['agentId bruna is not an agent of this workspace']);
    const othersAgent = await t
      .as(b.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 3, respondedAt: '2026-03-01T12:00:00Z', agentId })
      .expect(400);
    expect(othersAgent.body.message).toEqual([`agentId ${agentId} is not an agent of this workspace`]);
    const send = await t
      .as(a.key)
      .post('/api/v1/surveys/sends')
      .send({ type: 'csat', sentAt: '2026-03-01T12:00:00Z', caseId: '65f0000000000000000000c1' })
      .expect(400);
    expect(send.body.message).toEqual(['caseId 65f0000000000000000000c1 is not a case of this workspace']);
    expect(await responsesOf(a)).toHaveLength(before);
    expect(await responsesOf(b)).toEqual([]);
  });

  it.each([
    ['csat', 0, 'score must be an integer between 1 and 5 for csat'],
    ['csat', 6, 'score must be an integer between 1 and 5 for csat'],
    ['csat', 4.5, 'score must be an integer between 1 and 5 for csat'],
    ['nps', 11, 'score must be an integer between 0 and 10 for nps'],
    ['nps', -1, 'score must be an integer between 0 and 10 for nps'],
  ])('refuses a %s score of %p with 400 naming score, storing nothing', async (type, score, message) => {
    const before = (await responsesOf(a)).length;
    const res = await t.as(a.key).post('/api/v1/surveys/responses').send({ type, score, respondedAt: '2026-03-01T12:00:00Z' }).expect(400);
    expect(res.body.message).toEqual([message]);
    expect(await responsesOf(a)).toHaveLength(before);
  });

  it('accepts the edges of each scale and keeps the good responses of a batch', async () => {
    const res = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send([
        { type: 'nps', score: 0, respondedAt: '2026-03-02T12:00:00Z' },
        { type: 'nps', score: 10, respondedAt: '2026-03-02T12:05:00Z' },
        { type: 'csat', score: 10, respondedAt: '2026-03-02T12:10:00Z' },
        { type: 'ces', score: 3, respondedAt: '2026-03-02T12:10:00Z' },
        { type: 'csat', score: 1, respondedAt: '2026-03-02T12:15:00Z', caseId: '12345' },
        { type: 'nps', score: 9, respondedAt: '2026-03-02T12:20:00Z', sentAt: '2026-03-02T13:00:00Z' },
        { type: 'csat', score: 5, respondedAt: '2026-03-02T12:25:00Z' },
      ])
      .expect(200);
    expect(res.body.stored).toBe(3);
    expect(res.body.rejected).toEqual([
      { index: 2, errors: ['score must be an integer between 1 and 5 for csat'] },
      { index: 3, errors: ['type must be one of the following values: csat, nps'] },
      { index: 4, errors: ['caseId must be a case id (24 hexadecimal characters)'] },
      { index: 5, errors: ['sentAt must not be after respondedAt'] },
    ]);
  });

  it('imports responses from a CSV, reporting bad rows by line', async () => {
    const csv = [
      'type,score,respondedAt,comment,externalId',
      'nps,6,2026-03-03T10:00:00Z,"Ok, mas caro",tf-1',
      'nps,eleven,2026-03-03T10:00:00Z,,tf-2',
      'csat,2,2026-03-03T11:00:00Z,,tf-3',
      'csat,5,2026-03-03,,tf-4',
    ].join('\r\n');
    const res = await t.as(a.key).post('/api/v1/surveys/responses/import').attach('file', Buffer.from(csv), 'responses.csv').expect(200);
    expect(res.body.stored).toBe(2);
    expect(res.body.rejected).toEqual([
      { line: 3, errors: ['score must be an integer between 0 and 10 for nps'] },
      { line: 5, errors: [expect.stringMatching(/^respondedAt must be an ISO 8601 date-time/)] },
    ]);
    const byExternal = (await responsesOf(a)).filter((r) => String(r.externalId).startsWith('tf-'));
    expect(byExternal.map((r) => [r.externalId, r.score, r.followUp, r.comment])).toEqual([
      ['tf-3', 2, true, null],
      ['tf-1', 6, false, 'Ok, mas caro'],
    ]);
  });

  it('is idempotent on externalId: a resent response updates, and its follow-up flag follows the new score', async () => {
    const first = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 2, respondedAt: '2026-03-04T10:00:00Z', externalId: 'r-9' })
      .expect(200);
    const again = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 5, respondedAt: '2026-03-04T10:00:00Z', externalId: 'r-9' })
      .expect(200);
    expect(again.body).toMatchObject({ stored: 0, updated: 1, records: [{ id: first.body.records[0].id, status: 'updated' }] });
    expect((await responsesOf(a)).filter((r) => r.externalId === 'r-9')).toEqual([expect.objectContaining({ score: 5, followUp: false })]);
  });

  it('lists with filters (type, followUp, range) and cursor pagination, newest first', async () => {
    const all = await responsesOf(a);
    const followUps = await responsesOf(a, '&followUp=true');
    expect(followUps.length).toBeGreaterThan(0);
    expect(followUps.every((r) => r.type === 'csat' && (r.score as number) <= 3 && r.followUp === true)).toBe(true);
    expect(followUps).toEqual(all.filter((r) => r.followUp === true));
    expect((await responsesOf(a, '&type=nps')).map((r) => r.score)).toEqual([6, 10, 0]);
    expect(await responsesOf(a, '&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z')).toHaveLength(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await t
        .as(a.key)
        .get(`/api/v1/surveys/responses?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...page.body.data.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => r.id));
    await t.as(a.key).get('/api/v1/surveys/responses?followUp=maybe').expect(400);
  });

  it('records sends and gives the report layer rows and send counts that the KPI functions read', async () => {
    const sends = await t
      .as(a.key)
      .post('/api/v1/surveys/sends')
      .send([
        { type: 'csat', sentAt: '2026-03-01T12:00:00Z', count: 8 },
        { type: 'csat', sentAt: '2026-03-02T12:00:00Z' },
        { type: 'nps', sentAt: '2026-03-02T12:00:00Z', count: 4, externalId: 'blast-1' },
        { type: 'nps', sentAt: '2026-03-02T12:00:00Z', count: 0 },
        { type: 'csat', sentAt: '2026-03-02T12:00:00Z', caseId: 'case-1' },
      ])
      .expect(200);
    expect(sends.body.stored).toBe(3);
    expect(sends.body.rejected).toEqual([
      { index: 3, errors: ['count must not be less than 1'] },
      { index: 4, errors: ['caseId must be a case id (24 hexadecimal characters)'] },
    ]);
    const resend = await t
      .as(a.key)
      .post('/api/v1/surveys/sends')
      .send({ type: 'nps', sentAt: '2026-03-02T12:00:00Z', count: 5, externalId: 'blast-1' })
      .expect(200);
    expect(resend.body).toMatchObject({ stored: 0, updated: 1 });

    const surveys = t.app.get(SurveysService);
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-03T00:00:00Z');
    expect(await surveys.sendCount(a.id, 'csat', from, to)).toBe(9);
    expect(await surveys.sendCount(a.id, 'nps', from, to)).toBe(5);
    expect(await surveys.sendCount(b.id, 'nps', from, to)).toBe(0);

    const rows = await surveys.responseRows(a.id, from, to);
    expect(rows.map((r) => [r.kind, r.score])).toEqual([
      ['csat', 4],
      ['csat', 3],
      ['nps', 0],
      ['nps', 10],
      ['csat', 5],
    ]);
    expect(rows[1]).toMatchObject({ caseId: null, agentId, respondedAt: new Date('2026-03-01T21:00:00Z') });
    expect((await surveys.responseRows(a.id, from, to, 'nps')).map((r) => r.score)).toEqual([0, 10]);

    // CSAT: 2 of 3 rated 4-5; NPS: 1 promoter, 1 detractor of 2; response rates against the sends
    const kpis = surveyKpis(rows, { from, to }, { csat: 9, nps: 5 });
    expect(kpis.csat.responses).toBe(3);
    expect(kpis.csat.score).toBeCloseTo(66.667, 3);
    expect(kpis.csat.responseRate).toBeCloseTo(33.333, 3);
    expect(kpis.nps).toMatchObject({ responses: 2, score: 0, promoters: 1, detractors: 1, responseRate: 40 });

    const listed = await t.as(a.agentKey).get('/api/v1/surveys/sends?type=nps').expect(200);
    expect(listed.body.data).toEqual([expect.objectContaining({ type: 'nps', count: 5, externalId: 'blast-1' })]);
  });

  it('keeps workspaces apart, lets agents read only, refuses $-operators', async () => {
    const mine = await responsesOf(a);
    expect(await responsesOf(b)).toEqual([]);
    await t.as(b.key).get(`/api/v1/surveys/responses/${mine[0].id}`).expect(404);
    const sends = await t.as(a.key).get('/api/v1/surveys/sends').expect(200);
    await t.as(b.key).get(`/api/v1/surveys/sends/${sends.body.data[0].id}`).expect(404);
    expect((await t.as(b.key).get('/api/v1/surveys/sends').expect(200)).body.data).toEqual([]);
    expect(await t.app.get(SurveysService).responseRows(b.id, new Date('2026-01-01'), new Date('2027-01-01'))).toEqual([]);

    await t
      .as(a.agentKey)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: 5, respondedAt: '2026-03-01T12:00:00Z' })
      .expect(403);
    await t.as(a.agentKey).post('/api/v1/surveys/sends').send({ type: 'csat', sentAt: '2026-03-01T12:00:00Z' }).expect(403);
    const op = await t
      .as(a.key)
      .post('/api/v1/surveys/responses')
      .send({ type: 'csat', score: { $gt: 0 }, respondedAt: '2026-03-01T12:00:00Z' })
      .expect(400);
    expect(op.body.message).toMatch(/operators/);
  });
});
