import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LeadsService } from '../src/leads/leads.service';
import { signedWebhookHeaders } from '../src/common/signed-webhooks';
import { MentionsService } from '../src/mentions/mentions.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

const LEADS_CSV = readFileSync(join(__dirname, 'fixtures/inputs/leads.csv'));

describe('Inputs: leads (e2e)', () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;

  const leadsOf = async (ws: TestWorkspace, query = '') =>
    (await t.as(ws.key).get(`/api/v1/leads?limit=200${query}`).expect(200)).body.data as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestApp();
    a = await createWorkspace(t, 'Leads A', 'America/Sao_Paulo');
    b = await createWorkspace(t, 'Leads B');
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores one valid lead (200), trimmed and lower-cased, and shows it by id', async () => {
    const res = await t
      .as(a.analystKey)
      .post('/api/v1/leads')
      .send({ occurredAt: '2026-03-01T09:30:00-03:00', utmSource: ' Instagram ', utmMedium: 'Social', utmCampaign: 'Verão', value: 99.9 })
      .expect(200);
    expect(res.body).toMatchObject({ stored: 1, updated: 0, rejected: [] });
    expect(res.body.records).toEqual([{ index: 0, id: expect.any(String), status: 'stored' }]);

    const lead = await t.as(a.agentKey).get(`/api/v1/leads/${res.body.records[0].id}`).expect(200);
    expect(lead.body).toMatchObject({
      occurredAt: '2026-03-01T12:30:00.000Z',
      utmSource: 'instagram',
      utmMedium: 'social',
      utmCampaign: 'verão',
      value: 99.9,
      mentionId: null,
      externalId: null,
      social: true,
    });
  });

  it('refuses an invalid single lead with 400 naming the fields, and stores nothing', async () => {
    const before = (await leadsOf(a)).length;
    const res = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send({ occurredAt: '2026-03-01T09:30:00', value: -1, utmSource: 'x', source: 'y' })
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'occurredAt must be an ISO 8601 date-time with a time zone offset, such as 2026-03-01T12:00:00Z',
        'value must not be less than 0',
        'property source should not exist',
      ]),
    );
    expect(await leadsOf(a)).toHaveLength(before);
  });

  it('keeps the good leads of an array and reports the bad ones by index, naming the field', async () => {
    const before = (await leadsOf(a)).length;
    const res = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send([
        { occurredAt: '2026-03-01T10:00:00Z', utmSource: 'google', utmMedium: 'cpc' },
        { occurredAt: 'yesterday' },
        { occurredAt: '2026-03-01T11:00:00Z', mentionId: '65f000000000000000000000' },
        { occurredAt: '2026-03-01T12:00:00Z', utmSource: 'x.com' },
        'not an object',
      ])
      .expect(200);
    expect(res.body.stored).toBe(2);
    expect(res.body.updated).toBe(0);
    expect(res.body.records.map((r: { index: number }) => r.index)).toEqual([0, 3]);
    expect(res.body.rejected).toEqual([
      { index: 1, errors: ['occurredAt must be an ISO 8601 date-time with a time zone offset, such as 2026-03-01T12:00:00Z'] },
      { index: 2, errors: ['mentionId 65f000000000000000000000 is not a mention of this workspace'] },
      { index: 4, errors: ['record must be a JSON object'] },
    ]);
    expect(await leadsOf(a)).toHaveLength(before + 2);
  });

  it('answers 400 with the report when every lead of an array is bad', async () => {
    const res = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send([{ occurredAt: 'x' }, { value: 1 }])
      .expect(400);
    expect(res.body.message).toBe('no record was stored: all 2 were rejected');
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    await t.as(a.key).post('/api/v1/leads').send([]).expect(400);
  });

  it('imports a CSV: good rows stored, bad rows reported by line number', async () => {
    const before = (await leadsOf(a)).length;
    const res = await t.as(a.key).post('/api/v1/leads/import').attach('file', LEADS_CSV, 'leads.csv').expect(200);
    expect(res.body.stored).toBe(3);
    expect(res.body.records.map((r: { line: number }) => r.line)).toEqual([2, 3, 8]);
    expect(res.body.rejected).toEqual([
      { line: 4, errors: ['occurredAt must be an ISO 8601 date-time with a time zone offset, such as 2026-03-01T12:00:00Z'] },
      { line: 5, errors: ['value must not be less than 0'] },
      { line: 7, errors: ['the row does not have as many cells as the header has columns'] },
    ]);
    const all = await leadsOf(a);
    expect(all).toHaveLength(before + 3);
    const csv1 = all.find((l) => l.externalId === 'csv-1');
    expect(csv1).toMatchObject({
      utmSource: 'instagram',
      utmMedium: 'social',
      utmCampaign: 'verao',
      value: 120.5,
      occurredAt: '2026-03-02T13:00:00.000Z',
    });
    expect(all.find((l) => l.externalId === 'csv-2')).toMatchObject({ utmCampaign: null, social: false });

    // importing the same file again updates instead of duplicating
    const again = await t.as(a.key).post('/api/v1/leads/import').attach('file', LEADS_CSV, 'leads.csv').expect(200);
    expect(again.body).toMatchObject({ stored: 0, updated: 3 });
    expect(await leadsOf(a)).toHaveLength(before + 3);
  });

  it('refuses a CSV whose header names an unknown column, and a request without a file', async () => {
    const res = await t
      .as(a.key)
      .post('/api/v1/leads/import')
      .attach('file', Buffer.from('occurredAt,utm_source\n2026-03-01T00:00:00Z,x\n'), 'l.csv')
      .expect(400);
    expect(res.body.message).toMatch(/unknown column\(s\): utm_source/);
    const none = await t.as(a.key).post('/api/v1/leads/import').send({}).expect(400);
    expect(none.body.message).toMatch(/multipart\/form-data field "file"/);
  });

  it('is idempotent on externalId: a repeated lead updates it, in one batch or across requests', async () => {
    const first = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send({ occurredAt: '2026-03-03T10:00:00Z', externalId: 'crm-77', value: 10 })
      .expect(200);
    const id = first.body.records[0].id;
    const second = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send({ occurredAt: '2026-03-03T10:00:00Z', externalId: 'crm-77', value: 25, utmMedium: 'sm' })
      .expect(200);
    expect(second.body).toMatchObject({ stored: 0, updated: 1, records: [{ index: 0, id, status: 'updated' }] });

    const batch = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send([
        { occurredAt: '2026-03-03T11:00:00Z', externalId: 'crm-78', value: 1 },
        { occurredAt: '2026-03-03T11:00:00Z', externalId: 'crm-78', value: 2 },
      ])
      .expect(200);
    expect(batch.body).toMatchObject({ stored: 1, updated: 1 });
    expect(batch.body.records[0].id).toBe(batch.body.records[1].id);

    const all = await leadsOf(a);
    expect(all.filter((l) => l.externalId === 'crm-77')).toEqual([
      expect.objectContaining({ id, value: 25, utmMedium: 'sm', social: true }),
    ]);
    expect(all.filter((l) => l.externalId === 'crm-78')).toEqual([expect.objectContaining({ value: 2 })]);
  });

  it('links a lead to a mention of the workspace, never to one of another workspace', async () => {
    const topic = await t
      .as(a.key)
      .post('/api/v1/topics')
      .send({ name: 'Lumi', query: 'lumi', platforms: ['x'] })
      .expect(201);
    const workspace = await t.app.get(WorkspacesService).get(a.id);
    const ingested = await t.app.get(MentionsService).ingest(workspace, topic.body.id, [
      {
        platform: 'x',
        externalId: '1900000000000000001',
        text: 'Quero abrir uma conta Lumi, como faço?',
        createdAt: new Date('2026-03-01T12:00:00Z'),
        url: 'https://x.com/ana/status/1900000000000000001',
        author: { externalId: '201', handle: 'ana' },
        metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
      },
    ]);
    const mentionId = ingested.stored[0].id;
    const linked = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send({ occurredAt: '2026-03-01T13:00:00Z', mentionId, utmSource: 'newsletter' })
      .expect(200);
    const lead = await t.as(a.key).get(`/api/v1/leads/${linked.body.records[0].id}`).expect(200);
    expect(lead.body).toMatchObject({ mentionId, social: true });

    const foreign = await t.as(b.key).post('/api/v1/leads').send({ occurredAt: '2026-03-01T13:00:00Z', mentionId }).expect(400);
    expect(foreign.body.message).toEqual([`mentionId ${mentionId} is not a mention of this workspace`]);
  });

  it('lists newest first with cursor pagination and the social filter', async () => {
    const all = await leadsOf(a);
    const times = all.map((l) => Date.parse(l.occurredAt as string));
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await t
        .as(a.key)
        .get(`/api/v1/leads?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((l) => l.id));

    const social = await leadsOf(a, '&social=true');
    const other = await leadsOf(a, '&social=false');
    expect(social.length + other.length).toBe(all.length);
    expect(social.every((l) => l.social === true)).toBe(true);
    expect(other.every((l) => l.social === false)).toBe(true);
    expect(social.map((l) => l.externalId)).toEqual(expect.arrayContaining(['csv-1', 'csv-6', 'crm-77']));
    expect(other.map((l) => l.externalId)).toEqual(expect.arrayContaining(['csv-2', 'crm-78']));

    const pageOfSocial = await t.as(a.key).get('/api/v1/leads?social=true&limit=2').expect(200);
    expect(pageOfSocial.body.data.map((l: { id: string }) => l.id)).toEqual(social.slice(0, 2).map((l) => l.id));

    const ranged = await leadsOf(a, '&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z');
    expect(ranged.map((l) => l.externalId).sort()).toEqual(['csv-1', 'csv-2', 'csv-6']);
  });

  it('gives the report layer the leads that occurred in [from, to), as a list or a stream', async () => {
    const leads = t.app.get(LeadsService);
    const from = new Date('2026-03-02T13:00:00Z');
    const to = new Date('2026-03-02T18:00:00Z');
    const rows = await leads.rows(a.id, from, to);
    expect(rows).toEqual([
      {
        leadId: expect.any(String),
        createdAt: new Date('2026-03-02T13:00:00Z'),
        utmSource: 'instagram',
        utmMedium: 'social',
        utmCampaign: 'verao',
        mentionId: null,
        value: 120.5,
      },
      {
        leadId: expect.any(String),
        createdAt: new Date('2026-03-02T14:00:00Z'),
        utmSource: 'google',
        utmMedium: 'cpc',
        utmCampaign: null,
        mentionId: null,
        value: 80,
      },
    ]);
    const streamed = [];
    for await (const row of leads.streamRows(a.id, from, to)) streamed.push(row);
    expect(streamed).toEqual(rows);
    expect(await leads.rows(b.id, from, to)).toEqual([]);
  });

  describe('signed webhook', () => {
    const url = () => `/api/v1/webhooks/leads/${a.id}`;

    it('stores leads whose body is signed with the workspace secret, without an API key', async () => {
      const body = JSON.stringify([{ occurredAt: '2026-03-04T10:00:00Z', utmSource: 'facebook', externalId: 'hook-1' }]);
      const res = await t
        .http()
        .post(url())
        .set('Content-Type', 'application/json')
        .set(signedWebhookHeaders(a.webhookSecret, body))
        .send(body)
        .expect(200);
      expect(res.body).toMatchObject({ stored: 1, updated: 0, rejected: [] });
      expect((await leadsOf(a)).filter((l) => l.externalId === 'hook-1')).toHaveLength(1);
    });

    it('refuses a bad, missing or foreign signature with 401 and stores nothing', async () => {
      const body = JSON.stringify({ occurredAt: '2026-03-04T11:00:00Z', externalId: 'hook-bad' });
      const tampered = JSON.stringify({ occurredAt: '2026-03-04T11:00:00Z', externalId: 'hook-bad', value: 1 });
      const post = (headers?: Record<string, string>, target = url(), payload = body) =>
        t
          .http()
          .post(target)
          .set('Content-Type', 'application/json')
          .set(headers ?? {})
          .send(payload);
      const signed = signedWebhookHeaders(a.webhookSecret, body);
      const wrong = await post(signed, url(), tampered).expect(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(wrong.body.message).toMatch(/X-Signature-Timestamp: <unix seconds> and X-Signature: sha256=/);
      await post().expect(401);
      await post({ 'X-Signature': signed['X-Signature'] }).expect(401);
      await post(signedWebhookHeaders(b.webhookSecret, body)).expect(401);
      await post({ ...signed, 'X-Signature': 'sha256=zz' }).expect(401);
      await post({ ...signed, 'X-Signature-Timestamp': 'yesterday' }).expect(401);
      await post(signed, '/api/v1/webhooks/leads/65f000000000000000000000').expect(401);
      await post(signed, '/api/v1/webhooks/leads/not-an-id').expect(401);
      await t.http().post(url()).set('Content-Type', 'text/plain').set(signed).send(body).expect(415);
      expect((await leadsOf(a)).filter((l) => l.externalId === 'hook-bad')).toEqual([]);
      expect((await leadsOf(b)).filter((l) => l.externalId === 'hook-bad')).toEqual([]);
    });
  });

  it('keeps workspaces apart: B sees none of A and gets 404 on their ids', async () => {
    const mine = await leadsOf(a);
    expect(mine.length).toBeGreaterThan(0);
    expect(await leadsOf(b)).toEqual([]);
    await t.as(b.key).get(`/api/v1/leads/${mine[0].id}`).expect(404);
    await t.as(b.key).get('/api/v1/leads/not-an-id').expect(404);
    // the same externalId in another workspace is another lead
    await t.as(b.key).post('/api/v1/leads').send({ occurredAt: '2026-03-03T10:00:00Z', externalId: 'crm-77', value: 1 }).expect(200);
    expect((await leadsOf(a)).find((l) => l.externalId === 'crm-77')).toMatchObject({ value: 25 });
  });

  it('lets agents read but only admins and analysts write; refuses $-operators', async () => {
    const denied = await t.as(a.agentKey).post('/api/v1/leads').send({ occurredAt: '2026-03-01T00:00:00Z' }).expect(403);
    expect(denied.body.message).toMatch(/role admin or analyst/);
    await t.as(a.agentKey).post('/api/v1/leads/import').attach('file', LEADS_CSV, 'leads.csv').expect(403);
    await t.as(a.agentKey).get('/api/v1/leads').expect(200);
    const op = await t
      .as(a.key)
      .post('/api/v1/leads')
      .send([{ occurredAt: { $gt: '' } }])
      .expect(400);
    expect(op.body.message).toMatch(/operators such as \$gt are not allowed/);
  });
});
