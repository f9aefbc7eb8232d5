import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A batch input where the database refuses some records in the middle of the batch (here a unique
 * index an operator added on the leads' campaign): the answer names each record not stored, and
 * reports stored exactly the records that are.
 */
describe('Inputs: a write failing in the middle of a batch is never reported as success (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const at = '2026-03-01T12:00:00Z';
  const leads = async () => (await t.as(ws.key).get('/api/v1/leads?limit=200').expect(200)).body.data as Record<string, unknown>[];

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t, 'Batch failures');
    await t.app
      .get<Connection>(getConnectionToken(), { strict: false })
      .collection('leads')
      .createIndex({ workspaceId: 1, utmCampaign: 1 }, { unique: true, partialFilterExpression: { utmCampaign: { $type: 'string' } } });
    await t.as(ws.key).post('/api/v1/leads').send({ occurredAt: at, utmCampaign: 'kept', externalId: 'crm-1', value: 1 }).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores the good records, rejects each conflicting one by index, and stores nothing it does not report', async () => {
    const res = await t
      .as(ws.key)
      .post('/api/v1/leads')
      .send([
        { occurredAt: at, utmCampaign: 'a', value: 10 },
        { occurredAt: at, utmCampaign: 'dup', value: 11 },
        { occurredAt: at, utmCampaign: 'dup', value: 12 }, // conflicts with the record before it
        { occurredAt: at, utmCampaign: 'dup', externalId: 'crm-1', value: 13 }, // an update that would conflict
        { occurredAt: at, utmCampaign: 'dup', externalId: 'crm-2', value: 14 }, // a new key that would conflict
        { occurredAt: at, utmCampaign: 'b', value: 15 },
      ])
      .expect(200);
    expect(res.body).toMatchObject({ stored: 3, updated: 0 });
    expect(res.body.records.map((r: { index: number; status: string }) => [r.index, r.status])).toEqual([
      [0, 'stored'],
      [1, 'stored'],
      [5, 'stored'],
    ]);
    expect(res.body.rejected).toEqual(
      [2, 3, 4].map((index) => ({ index, errors: ['the record could not be stored: it conflicts with a stored record (duplicate key)'] })),
    );

    const stored = await leads();
    expect(stored.map((l) => l.value).sort((x, y) => Number(x) - Number(y))).toEqual([1, 10, 11, 15]);
    expect(stored.find((l) => l.externalId === 'crm-1')).toMatchObject({ utmCampaign: 'kept', value: 1 });
    const reported = res.body.records.map((r: { id: string }) => r.id);
    expect(
      stored
        .filter((l) => l.value !== 1)
        .map((l) => l.id)
        .sort(),
    ).toEqual([...reported].sort());
  });

  it('a batch where the database refuses every record is a 400 with the per-record report, and stores nothing', async () => {
    const before = (await leads()).length;
    const res = await t
      .as(ws.key)
      .post('/api/v1/leads')
      .send([
        { occurredAt: at, utmCampaign: 'dup', value: 20 },
        { occurredAt: at, utmCampaign: 'kept', value: 21 },
      ])
      .expect(400);
    expect(res.body.message).toMatch(/no record was stored: all 2 were rejected/);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(await leads()).toHaveLength(before);
  });
});
