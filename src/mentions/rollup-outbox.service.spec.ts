import { Model, Types } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { customerPost, storeMention } from '../../test/support/care-inputs';
import type { MentionInput } from '../collectors/collected';
import { MentionsService } from './mentions.service';
import { ROLLUP_REPAIR_GRACE_MS, RollupOutboxService, rollupIncrements } from './rollup-outbox.service';
import { ALL_TOPICS, MentionRollup, RollupBatch } from './schemas/mention-rollup.schema';
import type { Mention } from './schemas/mention.schema';

const at = (iso: string) => new Date(iso);

describe('rollupIncrements', () => {
  const ws = new Types.ObjectId();
  const topic = new Types.ObjectId();
  const row = (
    createdAt: string,
    over: Partial<{ platform: string; lang: string; intent: string; label: string; score: number }> = {},
  ) => ({
    workspaceId: ws,
    platform: over.platform ?? 'x',
    createdAt: at(createdAt),
    sentiment: { score: over.score ?? -0.5, label: (over.label ?? 'negative') as never },
    intent: (over.intent ?? 'support') as never,
    lang: over.lang ?? 'pt',
  });

  it('one increment per scope, 15-minute slot and platform, with every counter', () => {
    const incs = rollupIncrements([
      { row: row('2026-03-02T10:01:00Z'), topics: [ALL_TOPICS, topic] },
      { row: row('2026-03-02T10:14:59Z', { label: 'positive', score: 0.8, intent: 'praise', lang: 'en' }), topics: [ALL_TOPICS, topic] },
      { row: row('2026-03-02T10:15:00Z'), topics: [ALL_TOPICS] },
      { row: row('2026-03-02T10:05:00Z', { platform: 'bluesky', lang: 'pt-BR' }), topics: [topic] },
    ]);
    const find = (t: Types.ObjectId, hour: string, platform = 'x') =>
      incs.find((i) => i.key.topicId.equals(t) && i.key.hour.toISOString() === hour && i.key.platform === platform)?.inc;
    expect(incs).toHaveLength(4);
    expect(find(ALL_TOPICS, '2026-03-02T10:00:00.000Z')).toEqual({
      count: 2,
      scoreSum: 0.30000000000000004,
      negative: 1,
      positive: 1,
      support: 1,
      praise: 1,
      'langs.pt': 1,
      'langs.en': 1,
    });
    expect(find(topic, '2026-03-02T10:00:00.000Z')).toEqual(find(ALL_TOPICS, '2026-03-02T10:00:00.000Z'));
    expect(find(ALL_TOPICS, '2026-03-02T10:15:00.000Z')).toMatchObject({ count: 1 });
    expect(find(topic, '2026-03-02T10:00:00.000Z', 'bluesky')).toMatchObject({ count: 1, 'langs.pt': 1 }); // letters a-z only
  });

  it('a language without letters counts as und', () => {
    expect(rollupIncrements([{ row: row('2026-03-02T10:00:00Z', { lang: '??' }), topics: [ALL_TOPICS] }])[0].inc).toHaveProperty(
      ['langs.und'],
      1,
    );
  });
});

/** The outbox over the embedded engine: batches a crash left, finished exactly once. */
describe('RollupOutboxService', () => {
  let s: CareServices;
  let outbox: RollupOutboxService;
  let mentions: Model<Mention>;
  let rollups: Model<MentionRollup>;
  let batches: Model<RollupBatch>;
  let ws: Types.ObjectId;
  const topic = new Types.ObjectId();
  let n = 0;

  beforeAll(async () => {
    s = await startCareServices();
    outbox = s.get(RollupOutboxService);
    mentions = s.model<Mention>('Mention');
    rollups = s.model<MentionRollup>(MentionRollup.name);
    batches = s.model<RollupBatch>(RollupBatch.name);
    ws = new Types.ObjectId(s.workspace.id);
  });
  afterAll(() => s.close());

  /** A batch whose writer stored `count` mentions and died before counting them. */
  const crashed = async (count: number, startedAgoMs = ROLLUP_REPAIR_GRACE_MS + 1000) => {
    const batch = new Types.ObjectId();
    await batches.create({ _id: batch, workspaceId: ws, topicId: topic, startedAt: new Date(Date.now() - startedAgoMs) });
    for (let i = 0; i < count; i++) {
      const m = customerPost(s.workspace.id, ++n, at('2026-03-02T10:00:00Z'));
      await storeMention(mentions, m);
      await mentions.updateOne({ externalId: m.externalId }, { $set: { rollupBatch: batch } });
    }
    return batch;
  };
  const volume = async (topicId = ALL_TOPICS) =>
    (await rollups.find({ workspaceId: ws, topicId }).lean()).reduce((sum, r) => sum + r.count, 0);

  it('repairs a stale batch once, and leaves a young one to its writer', async () => {
    const stale = await crashed(2);
    const young = await crashed(1, 0);
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 2 });
    expect(await volume()).toBe(2);
    expect(await volume(topic)).toBe(2);
    expect(await batches.exists({ _id: stale })).toBeNull();
    expect(await outbox.repairRollups()).toEqual({ batches: 0, mentions: 0 });
    expect(await outbox.settle([young])).toEqual({ open: 1 });
    await outbox.applyRollupBatch(young);
    expect(await volume()).toBe(3);
    expect(await outbox.settle([young])).toEqual({ open: 0 });
  });

  it('a batch replayed after its increments were applied counts nothing twice', async () => {
    const batch = await crashed(3);
    await outbox.applyRollupBatch(batch);
    await batches.create({ _id: batch, workspaceId: ws, topicId: topic, startedAt: new Date(0) });
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 3 });
    expect(await volume()).toBe(6);
  });

  it('settle finishes the batches a crash left before a correction moves a label', async () => {
    const batch = await crashed(1);
    expect(await outbox.settle([batch])).toEqual({ open: 0 });
    expect(await volume()).toBe(7);
  });

  it('with the engine in this process, an entry older than the process is finished at once, a younger one left to its writer', async () => {
    // Opened a second before this process started (a killed predecessor's last page), not after the grace.
    const bootedAt = (outbox as unknown as { bootedAt: Date }).bootedAt.getTime();
    const left = await crashed(2, Date.now() - bootedAt + 1000);
    const ours = await crashed(1, 0);
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 2 });
    expect(await batches.exists({ _id: left })).toBeNull();
    expect(await batches.exists({ _id: ours })).not.toBeNull();
    expect(await volume()).toBe(9);
    await outbox.applyRollupBatch(ours);
  });

  it('a group write counts many stored batches at once, exactly, and flush waits for it', async () => {
    const service = s.get(MentionsService);
    const scope = new Types.ObjectId().toHexString();
    const post = (k: number, createdAt: string): MentionInput => ({
      platform: 'x',
      externalId: String(880_000 + k),
      text: 'meu cartão foi bloqueado, preciso de ajuda',
      createdAt: at(createdAt),
      url: `https://x.com/ana/status/${880_000 + k}`,
      author: { externalId: 'u1', handle: 'ana', name: null, followers: 1 },
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    });
    const before = await volume();
    // Ten pages stored back to back: counted by the group commit, not one write per page.
    for (let i = 0; i < 10; i++)
      await service.ingest(s.workspace, scope, [post(2 * i, '2026-03-02T10:05:00Z'), post(2 * i + 1, '2026-03-02T10:20:00Z')]);
    await outbox.flush();
    expect(await volume()).toBe(before + 20);
    expect(await volume(new Types.ObjectId(scope))).toBe(20);
    await outbox.closed();
    expect(await batches.countDocuments({ topicId: new Types.ObjectId(scope) })).toBe(0);
  });
});
