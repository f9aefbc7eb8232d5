import { Model, Types } from 'mongoose';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import type { MentionInput } from '../collectors/collected';
import { ThemeRollupsRepository } from '../themes/theme-rollups.repository';
import { ThemeRollup, type ThemeSpan } from '../themes/schemas/theme-rollup.schema';
import { MentionsService } from './mentions.service';
import { RollupBatchesRepository } from './rollup-batches.repository';
import { ROLLUP_REPAIR_GRACE_MS, RollupOutboxService } from './rollup-outbox.service';
import { APPLIED_KEPT, applyGuardedRows, combineWrites } from './rollup-guard';
import { ALL_TOPICS, MentionRollup, MentionRollupSpan, RollupBatch } from './schemas/mention-rollup.schema';

/**
 * The rollups' exactly-once guard over the embedded engine: a batch left open is repaired long
 * after more than `APPLIED_KEPT` later batches wrote the same rows (one hot slot), and every row
 * (slots, their hour and day rows, theme rows) still holds each mention once.
 */
describe('rollup guard: a batch repaired after many later batches on its rows', () => {
  let s: CareServices;
  let service: MentionsService;
  let outbox: RollupOutboxService;
  let slots: Model<MentionRollup>;
  let spans: Model<MentionRollupSpan>;
  let themes: Model<ThemeRollup>;
  let batches: Model<RollupBatch>;
  let n = 0;

  beforeAll(async () => {
    s = await startCareServices();
    service = s.get(MentionsService);
    outbox = s.get(RollupOutboxService);
    slots = s.model<MentionRollup>(MentionRollup.name);
    spans = s.model<MentionRollupSpan>(MentionRollupSpan.name);
    themes = s.model<ThemeRollup>(ThemeRollup.name);
    batches = s.model<RollupBatch>(RollupBatch.name);
  });
  afterAll(() => s.close());
  afterEach(() => jest.restoreAllMocks());

  /** One new post in the same slot (same platform and language): every batch writes the same rows. */
  const post = (createdAt: Date): MentionInput => {
    const id = String(7_000_000 + ++n);
    return {
      platform: 'x',
      externalId: id,
      text: 'Meu cartão foi bloqueado e ninguém responde, péssimo atendimento',
      createdAt,
      url: `https://x.com/ana/status/${id}`,
      author: { externalId: 'u1', handle: 'ana', name: 'Ana', followers: 10 },
      metrics: { likes: 1, reposts: 0, quotes: 0, replies: 0, impressions: null },
    };
  };

  /** Every count of one scope: slots, hour and day rows, theme rows of each span they keep (mentions in `m`). */
  const counts = async (ws: Types.ObjectId, topicId: Types.ObjectId) => {
    const sum = (rows: { count?: number }[]) => rows.reduce((t, r) => t + (r.count ?? 0), 0);
    const themeSum = async (span: ThemeSpan) => {
      let total = 0;
      for (const r of await themes.find({ workspaceId: ws, topicId, span }).lean())
        for (const c of Object.values<number>(r.m ?? {})) total += c;
      return total;
    };
    return {
      slot: sum(await slots.find({ workspaceId: ws, topicId }).lean()),
      hour: sum(await spans.find({ workspaceId: ws, topicId, span: 'hour' }).lean()),
      day: sum(await spans.find({ workspaceId: ws, topicId, span: 'day' }).lean()),
      themeHour: await themeSum('hour'),
      themeDay: await themeSum('day'),
    };
  };
  const every = (k: number) => ({ slot: k, hour: k, day: k, themeHour: k, themeDay: k });
  const later = APPLIED_KEPT + 20;
  const repairLater = () => outbox.repairRollups(new Date(Date.now() + ROLLUP_REPAIR_GRACE_MS + 1000));

  it('counted, then its writer died before closing the entry: the repair counts nothing again', async () => {
    const topic = new Types.ObjectId().toHexString();
    const at = new Date('2026-03-02T10:05:00Z');
    // The close is lost (the process dies right after the rollup write): the entry stays open.
    jest.spyOn(s.get(RollupBatchesRepository), 'closeAll').mockResolvedValueOnce(undefined);
    await service.ingest(s.workspace, topic, [post(at)]);
    await outbox.flush(); // written alone, before the later ones
    await outbox.closed();
    expect(await batches.countDocuments()).toBe(1);
    // The later batches are counted in group writes (up to COUNT_GROUP_MAX batches in one update per row).
    for (let i = 0; i < later; i++) await service.ingest(s.workspace, topic, [post(at)]);
    await outbox.flush();
    await outbox.closed(); // the later batches' entries, closed off their writers' path

    expect(await repairLater()).toEqual({ batches: 1, mentions: 1 });
    const ws = new Types.ObjectId(s.workspace.id);
    expect(await counts(ws, new Types.ObjectId(topic))).toEqual(every(later + 1));
    expect(await batches.countDocuments()).toBe(0);
  });

  it('died after its slot rows, before the theme rows: the repair adds only what is missing', async () => {
    const topic = new Types.ObjectId().toHexString();
    const at = new Date('2026-03-03T10:05:00Z');
    jest.spyOn(s.get(ThemeRollupsRepository), 'incrementCombined').mockRejectedValueOnce(new Error('the process died'));
    // Stored; its group write fails after the slot rows (logged), and the entry stays open for the repair.
    await service.ingest(s.workspace, topic, [post(at)]);
    await outbox.flush();
    for (let i = 0; i < later; i++) await service.ingest(s.workspace, topic, [post(at)]);
    await outbox.flush();
    await outbox.closed();
    const ws = new Types.ObjectId(s.workspace.id);
    expect(await counts(ws, new Types.ObjectId(topic))).toMatchObject({ slot: later + 1, themeHour: later, themeDay: later });

    const [entry] = await batches.find().lean();
    expect(await repairLater()).toEqual({ batches: 1, mentions: 1 });
    expect(await counts(ws, new Types.ObjectId(topic))).toEqual(every(later + 1));
    // Replayed once more (a second repair that had read the entry before the first closed it): nothing moves.
    await batches.collection.insertOne(entry);
    expect(await repairLater()).toEqual({ batches: 1, mentions: 1 });
    expect(await counts(ws, new Types.ObjectId(topic))).toEqual(every(later + 1));
    expect(await counts(ws, ALL_TOPICS)).toEqual(every(2 * (later + 1)));
  });
});

/** The group write's row update, one row at a time: every part once, whatever the row already took. */
describe('applyGuardedRows', () => {
  let s: CareServices;
  let slots: Model<MentionRollup>;
  beforeAll(async () => {
    s = await startCareServices();
    slots = s.model<MentionRollup>(MentionRollup.name);
  });
  afterAll(() => s.close());

  const key = (hour: string) => ({
    workspaceId: new Types.ObjectId(s.workspace.id),
    topicId: ALL_TOPICS,
    hour: new Date(hour),
    platform: 'x',
  });
  const a = { lane: 'a'.repeat(24), seq: 3 };
  const b = { lane: 'b'.repeat(24), seq: 7 };
  const old = new Types.ObjectId(); // a guard from before lanes
  const row = async (hour: string) => slots.findOne(key(hour), { _id: 0, count: 1, writers: 1, applied: 1 }).lean();

  it.each([
    ['a new row takes every part', null, 1 + 2 + 4, { [a.lane]: 3, [b.lane]: 7 }],
    [
      'a row that took one part (the repair ran first) takes the others',
      { count: 1, writers: { [a.lane]: 3 } },
      1 + 2 + 4,
      { [a.lane]: 3, [b.lane]: 7 },
    ],
    [
      'a row that took an earlier write of a lane takes this one',
      { count: 10, writers: { [a.lane]: 2 } },
      10 + 1 + 2 + 4,
      { [a.lane]: 3, [b.lane]: 7 },
    ],
    [
      'a row that took every part takes none',
      { count: 7, writers: { [a.lane]: 3, [b.lane]: 7 }, applied: [old] },
      7,
      { [a.lane]: 3, [b.lane]: 7 },
    ],
    [
      'a row that took a later write of a lane refuses that part only',
      { count: 5, writers: { [b.lane]: 9 } },
      5 + 1 + 4,
      { [a.lane]: 3, [b.lane]: 9 },
    ],
  ] as const)('%s', async (_name, existing, count, writers) => {
    const hour = new Date(Date.UTC(2026, 0, 1, 0, 15 * Math.floor(Math.random() * 10_000))).toISOString();
    if (existing) await slots.collection.insertOne({ ...key(hour), ...existing });
    const rows = combineWrites([
      { guard: a, increments: [{ key: key(hour), inc: { count: 1 } }] },
      { guard: b, increments: [{ key: key(hour), inc: { count: 2 } }] },
      { guard: old, increments: [{ key: key(hour), inc: { count: 4 } }] },
    ]);
    expect(rows).toHaveLength(1);
    await applyGuardedRows(slots.collection, rows);
    const after = await row(hour);
    expect(after?.count).toBe(count);
    expect(after?.writers).toEqual(writers);
    expect(after?.applied?.map(String)).toEqual([String(old)]);
    // Replayed (the repair applying each part again): nothing moves.
    for (const part of rows[0].parts) await applyGuardedRows(slots.collection, [{ key: key(hour), parts: [part] }]);
    expect((await row(hour))?.count).toBe(count);
  });
});
