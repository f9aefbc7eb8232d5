import { Model, Types } from 'mongoose';
import { firstValueFrom, take, toArray } from 'rxjs';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import type { MentionInput } from '../collectors/collected';
import { MentionsService } from './mentions.service';
import { RollupOutboxService } from './rollup-outbox.service';
import { ALL_TOPICS, MentionRollup, RollupBatch } from './schemas/mention-rollup.schema';

/** Ingestion over the embedded engine, with the real enrichment. */
describe('MentionsService', () => {
  let s: CareServices;
  let service: MentionsService;
  let rollups: Model<MentionRollup>;
  let batches: Model<RollupBatch>;
  const topicA = new Types.ObjectId().toHexString();
  const topicB = new Types.ObjectId().toHexString();

  beforeAll(async () => {
    s = await startCareServices();
    service = s.get(MentionsService);
    rollups = s.model<MentionRollup>(MentionRollup.name);
    batches = s.model<RollupBatch>(RollupBatch.name);
  });
  afterAll(() => s.close());

  const input = (n: number, over: Partial<MentionInput> = {}): MentionInput => ({
    platform: 'x',
    externalId: String(5_000_000 + n),
    text: 'Meu cartão foi bloqueado e ninguém responde, péssimo atendimento',
    createdAt: new Date('2026-03-02T10:05:00Z'),
    url: `https://x.com/ana/status/${5_000_000 + n}`,
    author: { externalId: 'u1', handle: 'ana', name: 'Ana', followers: 10 },
    metrics: { likes: 1, reposts: 0, quotes: 0, replies: 0, impressions: null },
    ...over,
  });
  /** The rows' count, read straight from the collection once the outbox's queued counts are written. */
  const volume = async (topicId: Types.ObjectId) => {
    await s.get(RollupOutboxService).flush();
    return (await rollups.find({ topicId }).lean()).reduce((sum, r) => sum + r.count, 0);
  };

  it('stores a batch once, enriched, counts it in the workspace and the topic, and streams it live', async () => {
    const live = firstValueFrom(service.stream(s.workspace.id).pipe(take(2), toArray()));
    const result = await service.ingest(s.workspace, topicA, [input(1), input(2), input(1)]);
    expect(result).toMatchObject({ linked: 0, known: 0, rejected: [] });
    expect(result.stored.map((m) => m.externalId)).toEqual(['5000001', '5000002']);
    expect(result.stored[0]).toMatchObject({ lang: 'pt', topicIds: [topicA], sentiment: { label: 'negative' } });
    expect((await live).map((e) => e.data.externalId)).toEqual(['5000001', '5000002']);
    expect(await volume(ALL_TOPICS)).toBe(2);
    expect(await volume(new Types.ObjectId(topicA))).toBe(2);
    await s.get(RollupOutboxService).closed(); // the entry is closed by the group write, off ingestion's path
    expect(await batches.countDocuments()).toBe(0);
    expect(await service.ingest(s.workspace, topicA, [input(1)])).toMatchObject({ stored: [], linked: 0, known: 1 });
    expect(await volume(ALL_TOPICS)).toBe(2);
  });

  it('a stored mention another topic matches is linked: counted for that topic, not again for the workspace', async () => {
    const result = await service.ingest(s.workspace, topicB, [input(1), input(3)]);
    expect(result).toMatchObject({ linked: 1, known: 1 });
    expect(result.stored.map((m) => m.externalId)).toEqual(['5000003']);
    expect(await volume(new Types.ObjectId(topicB))).toBe(2);
    expect(await volume(ALL_TOPICS)).toBe(3);
  });

  it('rejects faulty posts for the caller to quarantine, storing the rest', async () => {
    const result = await service.ingest(s.workspace, topicA, [
      input(4, { text: '  ' }),
      input(5, { createdAt: new Date('nope') }),
      input(6),
    ]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['no_text', 'invalid_payload']);
    expect(result.stored).toHaveLength(1);
  });

  it('lists newest first with a cursor, filters, and reads the rollups back per slot', async () => {
    await service.ingest(s.workspace, topicA, [input(7, { createdAt: new Date('2026-03-02T11:00:00Z'), platform: 'bluesky' })]);
    const first = await service.list(s.workspace.id, { limit: 2 });
    expect(first.data.map((m) => m.externalId)).toEqual(['5000007', expect.any(String)]);
    const next = await service.list(s.workspace.id, { limit: 10, cursor: first.nextCursor! });
    expect(next.data.length + first.data.length).toBe(5);
    expect((await service.list(s.workspace.id, { platform: 'bluesky' })).data).toHaveLength(1);
    const rows = await service.rollupRows(s.workspace.id, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T12:00:00Z'));
    expect(rows.map((r) => [r.hour.toISOString(), r.count, r.byPlatform])).toEqual([
      ['2026-03-02T10:00:00.000Z', 4, { x: 4 }],
      ['2026-03-02T11:00:00.000Z', 1, { bluesky: 1 }],
    ]);
    expect(await service.exists(s.workspace.id, first.data[0].id)).toBe(true);
    expect(await service.exists(new Types.ObjectId().toHexString(), first.data[0].id)).toBe(false);
  });

  it('two topics storing the same new posts at once: one inserts, the other links, each counted once per scope', async () => {
    const topicC = new Types.ObjectId().toHexString();
    const topicD = new Types.ObjectId().toHexString();
    const posts = [input(20), input(21), input(22)];
    const before = await volume(ALL_TOPICS);
    // Both look the posts up before either writes (the lookup goes out before the enrichment).
    const [c, d] = await Promise.all([service.ingest(s.workspace, topicC, posts), service.ingest(s.workspace, topicD, posts)]);
    expect(c.stored.length + d.stored.length).toBe(3);
    expect(c.linked + d.linked).toBe(3);
    const listed = await service.list(s.workspace.id, { limit: 50 });
    for (const p of posts) {
      const row = listed.data.find((m) => m.externalId === p.externalId)!;
      expect([...row.topicIds].sort()).toEqual([topicC, topicD].sort());
    }
    expect(await volume(new Types.ObjectId(topicC))).toBe(3);
    expect(await volume(new Types.ObjectId(topicD))).toBe(3);
    expect(await volume(ALL_TOPICS)).toBe(before + 3);
  });
});
