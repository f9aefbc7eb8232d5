import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { MentionInput } from '../src/collectors/collected';
import { MentionsService } from '../src/mentions/mentions.service';
import { ROLLUP_REPAIR_GRACE_MS, RollupOutboxService } from '../src/mentions/rollup-outbox.service';
import { RollupBatch } from '../src/mentions/schemas/mention-rollup.schema';
import { Mention } from '../src/mentions/schemas/mention.schema';
import { REPORT_FRESHNESS_MS } from '../src/reports/report-cache';
import { TopicsService } from '../src/topics/topics.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Rollups stay exact when a process dies between storing mentions and counting them: the outbox
 * entry it leaves is finished by the repair, and a batch counted before the crash is not counted
 * again. The crashed states are written to the database as a killed ingestion leaves them. And
 * their 15-minute slots keep local days exact in half- and quarter-hour zones.
 */
describe('Mention rollups across a crash (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let topicId: string;
  let service: MentionsService;
  let outbox: RollupOutboxService;
  let mentions: Model<Mention>;
  let batches: Model<RollupBatch>;
  const HOUR = Date.UTC(2026, 2, 1, 15);

  const input = (n: number, text = 'meu cartão foi bloqueado, me ajudem'): MentionInput => ({
    platform: 'x',
    externalId: String(9_000_000 + n),
    text,
    createdAt: new Date(HOUR + n * 1000),
    url: `https://x.com/u/status/${9_000_000 + n}`,
    author: { externalId: String(n), handle: `u${n}`, name: null, followers: 10 },
    platformLang: 'pt',
    metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
  });
  // Ingestion and the repair are background writes: the report cache shows them within
  // REPORT_FRESHNESS_MS (src/reports/report-cache.ts), so each read waits that long first.
  const pastTheBound = () => new Promise((r) => setTimeout(r, REPORT_FRESHNESS_MS + 100));
  const volume = async () => {
    await pastTheBound();
    const res = await t
      .as(ws.key)
      .get(`/api/v1/reports/overview?from=${new Date(HOUR).toISOString()}&to=${new Date(HOUR + 3600_000).toISOString()}&tz=UTC`)
      .expect(200);
    return res.body.volume.mentions as number;
  };
  const topicVolume = async (topic = topicId) => {
    await pastTheBound();
    const res = await t
      .as(ws.key)
      .get(
        `/api/v1/reports/overview?topic=${topic}&from=${new Date(HOUR).toISOString()}&to=${new Date(HOUR + 3600_000).toISOString()}&tz=UTC`,
      )
      .expect(200);
    return res.body.volume.mentions as number;
  };
  /** What a process killed after writing a batch's mentions, before counting them, leaves behind. */
  const crashedBatch = async (ns: number[], startedAgoMs = ROLLUP_REPAIR_GRACE_MS + 1000) => {
    const batch = new Types.ObjectId();
    await batches.create({
      _id: batch,
      workspaceId: new Types.ObjectId(ws.id),
      topicId: new Types.ObjectId(topicId),
      startedAt: new Date(Date.now() - startedAgoMs),
    });
    await mentions.insertMany(
      ns.map((n) => ({
        workspaceId: new Types.ObjectId(ws.id),
        topicIds: [new Types.ObjectId(topicId)],
        ...input(n),
        lang: 'pt',
        sentiment: { score: -0.4, label: 'negative' },
        intent: 'support',
        rollupBatch: batch,
      })),
    );
    return batch;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t, 'Rollups');
    topicId = (
      await t.app
        .get(TopicsService)
        .create(ws.id, { name: 'Lumi', query: 'lumi', platforms: ['x'], languages: [], ownedAccounts: [] } as never)
    ).id;
    service = t.app.get(MentionsService);
    outbox = t.app.get(RollupOutboxService);
    mentions = t.app.get(getModelToken(Mention.name));
    batches = t.app.get(getModelToken(RollupBatch.name));
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts an ingested batch once, and a replayed page not at all', async () => {
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    const first = await service.ingest(workspace, topicId, [input(1), input(2), input(3)]);
    expect(first.stored).toHaveLength(3);
    const again = await service.ingest(workspace, topicId, [input(1), input(2), input(3)]);
    expect(again.stored).toHaveLength(0);
    expect(await volume()).toBe(3);
    expect(await batches.countDocuments()).toBe(0);
  });

  it('finishes a batch a crash left uncounted, once, and leaves a young batch to its writer', async () => {
    const stale = await crashedBatch([10, 11]);
    const young = await crashedBatch([20], 0);
    expect(await volume()).toBe(3);
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 2 });
    expect(await volume()).toBe(5);
    expect(await topicVolume()).toBe(5);
    expect(await batches.exists({ _id: stale })).toBeNull();
    // Running again (or two instances repairing at once) counts nothing twice.
    expect(await outbox.repairRollups()).toEqual({ batches: 0, mentions: 0 });
    expect(await volume()).toBe(5);
    expect(await batches.exists({ _id: young })).not.toBeNull();
    await outbox.applyRollupBatch(young);
    expect(await volume()).toBe(6);
  });

  it('does not count again a batch whose increments were applied before the crash', async () => {
    const batch = await crashedBatch([30, 31, 32]);
    // The crash came after the increments, before the markers were cleared: replay it twice.
    await outbox.applyRollupBatch(batch);
    expect(await volume()).toBe(9);
    await batches.create({
      _id: batch,
      workspaceId: new Types.ObjectId(ws.id),
      topicId: new Types.ObjectId(topicId),
      startedAt: new Date(0),
    });
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 3 });
    expect(await volume()).toBe(9);
  });

  it('finishes a crashed batch that linked stored mentions to another topic: that topic only', async () => {
    const second = (
      await t.app
        .get(TopicsService)
        .create(ws.id, { name: 'Lumi cards', query: 'cartão', platforms: ['x'], languages: [], ownedAccounts: [] } as never)
    ).id;
    const batch = new Types.ObjectId();
    await batches.create({
      _id: batch,
      workspaceId: new Types.ObjectId(ws.id),
      topicId: new Types.ObjectId(second),
      startedAt: new Date(0),
    });
    await mentions.updateMany(
      { externalId: { $in: ['9000001', '9000002'] } },
      { $addToSet: { topicIds: new Types.ObjectId(second) }, $push: { rollupLinks: { batch, topic: new Types.ObjectId(second) } } },
    );
    const before = await volume();
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 2 });
    expect(await topicVolume(second)).toBe(2);
    expect(await volume()).toBe(before);
  });

  it('counts in 15-minute slots, so local days in Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) are exact', async () => {
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    const at = (iso: string, n: number) => ({ ...input(n), createdAt: new Date(iso) });
    // Kolkata midnight of 2026-03-06 is 18:30Z on the 5th, Kathmandu's 18:15Z: one UTC hour
    // (18:00Z-19:00Z) holds three local days' worth of boundaries.
    await service.ingest(workspace, topicId, [
      at('2026-03-05T18:10:00Z', 40),
      at('2026-03-05T18:20:00Z', 41),
      at('2026-03-05T18:40:00Z', 42),
    ]);
    const days = async (tz: string) => {
      const res = await t
        .as(ws.key)
        .get(`/api/v1/reports/timeseries?metric=volume.mentions&interval=day&from=2026-03-04T12:00:00Z&to=2026-03-06T12:00:00Z&tz=${tz}`)
        .expect(200);
      return (res.body.points as { t: string; value: number }[]).filter((p) => p.value > 0);
    };
    expect(await days('Asia/Kolkata')).toEqual([
      { t: '2026-03-04T18:30:00.000Z', value: 2 }, // local day of the 5th: 23:40 and 23:50 IST
      { t: '2026-03-05T18:30:00.000Z', value: 1 }, // the 6th: 00:10 IST
    ]);
    expect(await days('Asia/Kathmandu')).toEqual([
      { t: '2026-03-04T18:15:00.000Z', value: 1 }, // the 5th: 23:55 NPT
      { t: '2026-03-05T18:15:00.000Z', value: 2 }, // the 6th: 00:05 and 00:25 NPT
    ]);
  });
});
