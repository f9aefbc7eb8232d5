import { TrafficService } from '../src/traffic/traffic.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

/** São Paulo is UTC−03:00 all year (no daylight saving since 2019): local midnight is 03:00 UTC. */
describe('Inputs: traffic and support contacts (e2e)', () => {
  let t: TestApp;
  let sp: TestWorkspace;
  let other: TestWorkspace;

  const trafficOf = async (ws: TestWorkspace, query = '') =>
    (await t.as(ws.key).get(`/api/v1/traffic${query}`).expect(200)).body.data as Record<string, unknown>[];
  const contactsOf = async (ws: TestWorkspace, query = '') =>
    (await t.as(ws.key).get(`/api/v1/support-contacts${query}`).expect(200)).body.data as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestApp();
    sp = await createWorkspace(t, 'Lumi SP', 'America/Sao_Paulo');
    other = await createWorkspace(t, 'Other');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('traffic', () => {
    it('accepts a day starting at local midnight, as a date-time or a local date', async () => {
      const res = await t
        .as(sp.analystKey)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-01T03:00:00Z', granularity: 'day', sessions: 1000, socialSessions: 120 })
        .expect(200);
      expect(res.body).toMatchObject({ stored: 1, updated: 0, rejected: [] });
      const byDate = await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-02', granularity: 'day', sessions: 900 })
        .expect(200);
      const stored = await t.as(sp.agentKey).get(`/api/v1/traffic/${byDate.body.records[0].id}`).expect(200);
      expect(stored.body).toMatchObject({
        periodStart: '2026-03-02T03:00:00.000Z',
        granularity: 'day',
        sessions: 900,
        socialSessions: null,
        helpCenterSessions: null,
      });
    });

    it('refuses a day that starts at UTC midnight in São Paulo, naming periodStart, and stores nothing', async () => {
      const before = await trafficOf(sp);
      const res = await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-05T00:00:00Z', granularity: 'day', sessions: 10 })
        .expect(400);
      expect(res.body.message).toEqual([
        'periodStart 2026-03-05T00:00:00Z is not midnight in America/Sao_Paulo (daily periods start at 00:00 local time: 2026-03-04 starts at 2026-03-04T03:00:00Z)',
      ]);
      expect(await trafficOf(sp)).toEqual(before);
    });

    it('checks hours and the other fields, keeping the good periods of a batch', async () => {
      const res = await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send([
          { periodStart: '2026-03-01T15:00:00Z', granularity: 'hour', sessions: 80, helpCenterSessions: 30 },
          { periodStart: '2026-03-01T15:30:00Z', granularity: 'hour', sessions: 80 },
          { periodStart: '2026-03-01T16:00:00Z', granularity: 'week', sessions: 1.5 },
          { periodStart: '2026-03-01T17:00:00Z', granularity: 'hour', sessions: 10, socialSessions: 11 },
          { periodStart: '2026-03-01T18:00:00', granularity: 'hour', sessions: 10 },
        ])
        .expect(200);
      expect(res.body.stored).toBe(1);
      expect(res.body.rejected).toEqual([
        { index: 1, errors: [expect.stringMatching(/^periodStart 2026-03-01T15:30:00Z does not start an hour in America\/Sao_Paulo/)] },
        { index: 2, errors: ['granularity must be one of the following values: hour, day', 'sessions must be an integer number'] },
        { index: 3, errors: ['socialSessions must not be greater than sessions'] },
        { index: 4, errors: [expect.stringMatching(/^periodStart must be an ISO 8601 date-time with a time zone offset/)] },
      ]);
    });

    it('replaces the value of a period sent again: one row, the later value', async () => {
      const first = await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-10', granularity: 'day', sessions: 500, socialSessions: 50 })
        .expect(200);
      const again = await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-10T00:00:00-03:00', granularity: 'day', sessions: 650 })
        .expect(200);
      expect(again.body).toMatchObject({ stored: 0, updated: 1, records: [{ index: 0, id: first.body.records[0].id, status: 'updated' }] });
      const rows = await trafficOf(sp, '?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z');
      expect(rows).toEqual([
        expect.objectContaining({ periodStart: '2026-03-10T03:00:00.000Z', granularity: 'day', sessions: 650, socialSessions: null }),
      ]);
      // an hour starting at the same instant is another period
      await t
        .as(sp.key)
        .post('/api/v1/traffic')
        .send({ periodStart: '2026-03-10T03:00:00Z', granularity: 'hour', sessions: 7 })
        .expect(200);
      expect(await trafficOf(sp, '?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z')).toHaveLength(2);
      expect(await trafficOf(sp, '?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z&granularity=day')).toHaveLength(1);
    });

    it('imports a CSV with bad rows reported by line', async () => {
      const csv = [
        'periodStart,granularity,sessions,socialSessions',
        '2026-03-20,day,1200,100',
        '2026-03-21T00:00:00Z,day,1300,90',
        '2026-03-22,day,many,',
        '2026-03-20,day,1250,110',
      ].join('\n');
      const res = await t.as(sp.key).post('/api/v1/traffic/import').attach('file', Buffer.from(csv), 'traffic.csv').expect(200);
      expect(res.body).toMatchObject({ stored: 1, updated: 1 });
      expect(res.body.rejected).toEqual([
        { line: 3, errors: [expect.stringMatching(/is not midnight in America\/Sao_Paulo/)] },
        { line: 4, errors: ['sessions must be an integer number'] },
      ]);
      expect(await trafficOf(sp, '?from=2026-03-20T00:00:00Z&to=2026-03-23T00:00:00Z')).toEqual([
        expect.objectContaining({ periodStart: '2026-03-20T03:00:00.000Z', sessions: 1250, socialSessions: 110 }),
      ]);
    });

    it('gives the report layer the periods starting in [from, to)', async () => {
      const rows = await t.app.get(TrafficService).trafficRows(sp.id, new Date('2026-03-01T03:00:00Z'), new Date('2026-03-02T03:00:00Z'));
      expect(rows).toEqual([
        {
          periodStart: new Date('2026-03-01T03:00:00Z'),
          granularity: 'day',
          sessions: 1000,
          socialSessions: 120,
          helpCenterSessions: null,
        },
        { periodStart: new Date('2026-03-01T15:00:00Z'), granularity: 'hour', sessions: 80, socialSessions: null, helpCenterSessions: 30 },
      ]);
    });
  });

  describe('support contacts', () => {
    it('stores counts per channel; a later count for the same period and channel replaces it', async () => {
      const res = await t
        .as(sp.key)
        .post('/api/v1/support-contacts')
        .send([
          { periodStart: '2026-03-01', granularity: 'day', channel: 'phone', count: 40 },
          { periodStart: '2026-03-01', granularity: 'day', channel: 'email', count: 12 },
          { periodStart: '2026-03-01', granularity: 'day', channel: 'fax', count: 1 },
          { periodStart: '2026-03-01T14:00:00Z', granularity: 'hour', channel: 'chat', count: -2 },
        ])
        .expect(200);
      expect(res.body.stored).toBe(2);
      expect(res.body.rejected).toEqual([
        { index: 2, errors: ['channel must be one of the following values: phone, email, chat, ticket'] },
        { index: 3, errors: ['count must not be less than 0'] },
      ]);
      const again = await t
        .as(sp.key)
        .post('/api/v1/support-contacts')
        .send({ periodStart: '2026-03-01T03:00:00Z', granularity: 'day', channel: 'phone', count: 44 })
        .expect(200);
      expect(again.body).toMatchObject({ stored: 0, updated: 1 });
      expect(await contactsOf(sp)).toEqual([
        expect.objectContaining({ periodStart: '2026-03-01T03:00:00.000Z', channel: 'email', count: 12 }),
        expect.objectContaining({ periodStart: '2026-03-01T03:00:00.000Z', channel: 'phone', count: 44 }),
      ]);
      expect(await contactsOf(sp, '?channel=phone')).toHaveLength(1);
    });

    it('refuses a misaligned single record with 400 and imports a CSV by line', async () => {
      const bad = await t
        .as(sp.key)
        .post('/api/v1/support-contacts')
        .send({ periodStart: '2026-03-02T00:00:00Z', granularity: 'day', channel: 'chat', count: 3 })
        .expect(400);
      expect(bad.body.message[0]).toMatch(/^periodStart 2026-03-02T00:00:00Z is not midnight in America\/Sao_Paulo/);
      const csv = 'periodStart,granularity,channel,count\n2026-03-02,day,chat,9\n2026-03-02,day,pigeon,1\n2026-03-02,day,ticket,4\n';
      const res = await t.as(sp.key).post('/api/v1/support-contacts/import').attach('file', Buffer.from(csv), 'contacts.csv').expect(200);
      expect(res.body.stored).toBe(2);
      expect(res.body.rejected).toEqual([{ line: 3, errors: ['channel must be one of the following values: phone, email, chat, ticket'] }]);
      const rows = await t.app
        .get(TrafficService)
        .supportContactRows(sp.id, new Date('2026-03-02T03:00:00Z'), new Date('2026-03-03T03:00:00Z'));
      expect(rows.map((r) => [r.channel, r.contacts])).toEqual(
        expect.arrayContaining([
          ['chat', 9],
          ['ticket', 4],
        ]),
      );
      expect(rows).toHaveLength(2);
    });
  });

  it('keeps workspaces apart, lets agents read only, refuses $-operators', async () => {
    const traffic = await trafficOf(sp);
    const contacts = await contactsOf(sp);
    expect(await trafficOf(other)).toEqual([]);
    expect(await contactsOf(other)).toEqual([]);
    await t.as(other.key).get(`/api/v1/traffic/${traffic[0].id}`).expect(404);
    await t.as(other.key).get(`/api/v1/support-contacts/${contacts[0].id}`).expect(404);
    expect(await t.app.get(TrafficService).trafficRows(other.id, new Date('2026-01-01'), new Date('2027-01-01'))).toEqual([]);

    // the same period in another workspace (UTC) is its own row and does not replace São Paulo's
    await t
      .as(other.key)
      .post('/api/v1/traffic')
      .send({ periodStart: '2026-03-01T03:00:00Z', granularity: 'hour', sessions: 1 })
      .expect(200);
    await t
      .as(other.key)
      .post('/api/v1/traffic')
      .send({ periodStart: '2026-03-01T03:00:00Z', granularity: 'day', sessions: 1 })
      .expect(400);
    expect((await trafficOf(sp)).find((r) => r.periodStart === '2026-03-01T03:00:00.000Z')).toMatchObject({ sessions: 1000 });

    await t.as(sp.agentKey).post('/api/v1/traffic').send({ periodStart: '2026-03-01', granularity: 'day', sessions: 1 }).expect(403);
    await t
      .as(sp.agentKey)
      .post('/api/v1/support-contacts')
      .send({ periodStart: '2026-03-01', granularity: 'day', channel: 'phone', count: 1 })
      .expect(403);
    const op = await t
      .as(sp.key)
      .post('/api/v1/traffic')
      .send({ periodStart: '2026-03-01', granularity: 'day', sessions: { $gt: 0 } })
      .expect(400);
    expect(op.body.message).toMatch(/field "sessions.\$gt": operators/);
  });
});
