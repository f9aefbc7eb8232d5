import { Model, Types } from 'mongoose';
import { customerPost, storeMention } from '../../test/support/care-inputs';
import { startCareServices, type CareServices } from '../../test/support/care-services';
import { MentionCorrectionsService } from '../mentions/mention-corrections.service';
import type { MentionInput } from '../collectors/collected';
import { MentionsService } from '../mentions/mentions.service';
import { RollupOutboxService } from '../mentions/rollup-outbox.service';
import { ALL_TOPICS, RollupBatch } from '../mentions/schemas/mention-rollup.schema';
import type { Mention } from '../mentions/schemas/mention.schema';
import { ThemeRollup, type ThemeSpan } from './schemas/theme-rollup.schema';
import { ThemeRollupsRepository } from './theme-rollups.repository';

/**
 * Theme rollups over the embedded engine, through the mention rollups' outbox: a batch a crash
 * left is counted once in every span (hours and days) however often it is replayed, and a correction moves a
 * mention's phrases from its old label cell to the new one.
 */
describe('theme rollups through the rollup outbox', () => {
  let s: CareServices;
  let mentions: Model<Mention>;
  let themes: Model<ThemeRollup>;
  let ws: Types.ObjectId;
  const topic = new Types.ObjectId();
  const at = new Date('2026-03-02T10:20:00Z');

  beforeAll(async () => {
    s = await startCareServices();
    mentions = s.model<Mention>('Mention');
    themes = s.model<ThemeRollup>(ThemeRollup.name);
    ws = new Types.ObjectId(s.workspace.id);
  });
  afterAll(() => s.close());

  /** Cells of one phrase in the rows of a span, summed over the scope's rows. */
  const cells = async (span: ThemeSpan, phrase: string, topicId = ALL_TOPICS) => {
    const out: Record<string, number> = {};
    for (const r of await themes.find({ workspaceId: ws, topicId, span }).lean())
      for (const [c, n] of Object.entries<number>(r.p[phrase] ?? {})) if (n) out[c] = (out[c] ?? 0) + n;
    return out;
  };

  it('a crashed batch is counted once per span by the repair, and not again when replayed', async () => {
    const batch = new Types.ObjectId();
    await s.model<RollupBatch>(RollupBatch.name).create({ _id: batch, workspaceId: ws, topicId: topic, startedAt: new Date(0) });
    for (let n = 1; n <= 2; n++) {
      const m = customerPost(s.workspace.id, n, at);
      await storeMention(mentions, m);
      await mentions.updateOne({ externalId: m.externalId }, { $set: { rollupBatch: batch } });
    }
    const outbox = s.get(RollupOutboxService);
    expect(await outbox.repairRollups()).toEqual({ batches: 1, mentions: 2 });
    await s.model<RollupBatch>(RollupBatch.name).create({ _id: batch, workspaceId: ws, topicId: topic, startedAt: new Date(0) });
    await outbox.repairRollups();
    // "meu cartão foi bloqueado (n)": negative support (cell ns), plural-free key "cartao foi bloqueado"
    for (const span of ['hour', 'day'] as const) {
      expect(await cells(span, 'cartao foi bloqueado')).toEqual({ ns: 2 });
      expect(await cells(span, 'cartao foi bloqueado', topic)).toEqual({ ns: 2 });
    }
    const hour = await themes.findOne({ workspaceId: ws, topicId: ALL_TOPICS, span: 'hour' }).lean();
    expect(hour).toMatchObject({ start: new Date('2026-03-02T10:00:00Z'), platform: 'x', lang: 'pt', m: { ns: 2 } });
    // No 15-minute rows: a report counts its partial hours from their mentions.
    expect(await themes.countDocuments({ span: 'slot' })).toBe(0);
  });

  it('a post naming JavaScript object properties is counted like any other, those words left out of the phrases', async () => {
    const topicId = new Types.ObjectId();
    const when = new Date('2026-03-05T10:20:00Z');
    const input = (n: number, text: string): MentionInput => ({
      platform: 'x',
      externalId: String(9_100_000 + n),
      text,
      createdAt: when,
      url: `https://x.com/dev/status/${9_100_000 + n}`,
      author: { externalId: 'dev', handle: 'dev', name: null, followers: 1 },
      platformLang: 'en',
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    });
    const stored = await s
      .get(MentionsService)
      .ingest(s.workspace, String(topicId), [input(1, 'constructor'), input(2, 'the prototype constructor of the lumi app is broken')]);
    expect(stored.stored).toHaveLength(2);
    const outbox = s.get(RollupOutboxService);
    await outbox.flush();
    await outbox.closed();
    expect(await s.model<RollupBatch>(RollupBatch.name).countDocuments({ topicId })).toBe(0);
    for (const span of ['hour', 'day'] as const) {
      const [row] = await themes.find({ workspaceId: ws, topicId, span }).lean();
      expect(Object.values<number>(row.m).reduce((a, b) => a + b, 0)).toBe(2);
      expect(Object.keys(row.p)).not.toContain('constructor');
      expect(Object.keys(row.p)).not.toContain('prototype');
    }
  });

  it('a correction moves the phrases of one mention to its new labels', async () => {
    const m = await mentions.findOne({ externalId: '1000001' }).lean();
    await s.get(MentionCorrectionsService).correct(s.workspace.id, String(m!._id), { sentiment: 'positive', intent: 'praise' }, 'agent-1');
    for (const span of ['hour', 'day'] as const) expect(await cells(span, 'cartao foi bloqueado')).toEqual({ ns: 1, pp: 1 });
  });

  it("removes an earlier version's 15-minute rows at start, and nothing else", async () => {
    const repo = s.get(ThemeRollupsRepository);
    await repo.slotRowsDropped;
    const rest = await themes.countDocuments({});
    const key = { workspaceId: ws, topicId: ALL_TOPICS, platform: 'x', lang: 'pt', m: { ns: 1 }, p: {} };
    await themes.collection.insertMany([
      { ...key, span: 'slot', start: new Date('2026-03-02T10:15:00Z') },
      { ...key, span: 'slot', start: new Date('2026-03-02T10:30:00Z') },
    ]);
    repo.onApplicationBootstrap();
    expect(await repo.slotRowsDropped).toBe(2);
    expect(await themes.countDocuments({ span: 'slot' })).toBe(0);
    expect(await themes.countDocuments({})).toBe(rest);
  });
});
