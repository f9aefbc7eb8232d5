import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { MentionInput } from '../src/collectors/collected';
import { CareRollupsService } from '../src/care/rollups/care-rollups.service';
import { CasesRepository } from '../src/care/cases.repository';
import { CasesService, slaClockFor } from '../src/care/cases.service';
import { CaseRollup, CaseRollupSpan } from '../src/care/rollups/case-rollup.schema';
import { Case } from '../src/care/schemas/case.schema';
import { DurationSketch, mergeSketch, unpackSketch } from '../src/common/duration-sketch';
import { LISTENING_PLATFORMS } from '../src/common/platform';
import { prng } from '../src/demo/demo-inputs';
import { MentionsService } from '../src/mentions/mentions.service';
import { RollupOutboxService } from '../src/mentions/rollup-outbox.service';
import { MentionRollupSpan } from '../src/mentions/schemas/mention-rollup.schema';
import { listeningKpis, previousPeriod, serviceKpisFromRollups, TimeRange } from '../src/reports/kpis';
import { numericLeaves } from '../src/reports/overview';
import { ReportsService } from '../src/reports/reports.service';
import { TopicsService } from '../src/topics/topics.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * The overview reads whole UTC days, hours beside them and slots at the ends (`rollupCover`) for
 * its range and the previous period: its listening and care KPIs equal the ones summed from the
 * 15-minute slots alone, in zones with half-hour offsets (Asia/Kolkata), across a DST change
 * (America/New_York, 1 November 2026) and for a range that starts and ends mid-slot.
 */
describe('Overview from hour and day rollups (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let topicId: string;
  const now = new Date('2026-11-20T13:37:42.123Z');

  const TEXTS = [
    '@lumi_br meu cartão foi bloqueado, preciso de ajuda',
    'lumi é a pior empresa, péssimo atendimento, quero cancelar',
    'como faço para emitir a segunda via da fatura da lumi?',
    'Adoro a Lumi, atendimento excelente!',
    'quero contratar o plano da lumi, como assino?',
    'Vi um anúncio da Lumi no metrô hoje',
  ];

  function seedMentions(): MentionInput[] {
    const rand = prng(7);
    return Array.from({ length: 900 }, (_, i) => {
      const createdAt = new Date(now.getTime() - 45 * DAY + Math.floor(rand() * 46 * DAY));
      return {
        platform: i % 4 === 0 ? 'bluesky' : 'x',
        externalId: String(6_100_000 + i),
        text: TEXTS[Math.floor(rand() * TEXTS.length)],
        createdAt,
        url: `https://x.com/u/status/${6_100_000 + i}`,
        author: { externalId: String(i % 90), handle: `u${i % 90}`, name: null, followers: 10 },
        platformLang: 'pt',
        metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
      };
    });
  }

  function seedCases(workspaceId: Types.ObjectId, topic: Types.ObjectId) {
    const rand = prng(11);
    return Array.from({ length: 500 }, (_, i) => {
      const openedAt = new Date(now.getTime() - 45 * DAY + Math.floor(rand() * 45 * DAY));
      const answered = rand() < 0.8;
      const firstResponseAt = answered ? new Date(Math.min(now.getTime() - 1000, openedAt.getTime() + rand() * 8 * HOUR)) : null;
      const resolved = answered && rand() < 0.7;
      const resolvedAt = resolved ? new Date(Math.min(now.getTime() - 1000, firstResponseAt!.getTime() + rand() * 30 * HOUR)) : null;
      const abandonedAt = !answered && now.getTime() - openedAt.getTime() > DAY ? new Date(openedAt.getTime() + DAY) : null;
      return {
        workspaceId,
        topicIds: i % 2 ? [topic] : [],
        platform: i % 3 ? 'x' : 'bluesky',
        customer: { externalId: String(i), handle: `c${i}`, name: null },
        conversationIds: [String(i)],
        externalIds: [String(7_100_000 + i)],
        status: resolved ? 'resolved' : abandonedAt ? 'abandoned' : 'open',
        intent: 'support',
        sentiment: 'negative',
        lang: 'pt',
        openedAt,
        messages: [],
        inboundCount: 1 + Math.floor(rand() * 4),
        outboundCount: answered ? 1 + Math.floor(rand() * 2) : 0,
        lastInboundAt: openedAt,
        lastOutboundAt: firstResponseAt,
        awaitingReplySince: answered ? null : openedAt,
        firstResponseAt,
        firstResponder: null,
        firstResponseDueAt: new Date(openedAt.getTime() + 2 * HOUR),
        resolutionDueAt: new Date(openedAt.getTime() + DAY),
        abandonAt: new Date(openedAt.getTime() + DAY),
        breachedAt: null,
        resolvedAt,
        resolvedBy: null,
        resolutions: resolvedAt ? [resolvedAt] : [],
        reopenCount: 0,
        lastReopenedAt: null,
        abandonedAt,
        assignee: null,
        team: 'cards',
        assignedAt: openedAt,
        routingKeyword: null,
        reassignments: [],
        __v: 0,
      };
    });
  }

  beforeAll(async () => {
    // no SLA scan: it would close the seeded cases by today's clock between two reads of the same range
    t = await startTestApp({ careScanIntervalSeconds: 3600 });
    ws = await createWorkspace(t, 'Overview spans');
    topicId = (
      await t.app
        .get(TopicsService)
        .create(ws.id, { name: 'Lumi', query: 'lumi', platforms: ['x', 'bluesky'], languages: [], ownedAccounts: [] } as never)
    ).id;
    const mentions = t.app.get(MentionsService);
    // Some mentions before the hour and day rows are built (as on a store from before them), some
    // while the rebuild runs (its compare-and-set against ingestion), the rest after.
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    const inputs = seedMentions();
    const outbox = t.app.get(RollupOutboxService);
    await mentions.ingest(workspace, topicId, inputs.slice(0, 100));
    await outbox.flush(); // counted in the slots before the rebuild reads them
    const during = async () => {
      for (let i = 100; i < 500; i += 50) {
        await mentions.ingest(workspace, topicId, inputs.slice(i, i + 50));
        await outbox.flush(); // each batch's rollup write races the rebuild on its own
      }
    };
    const [built] = await Promise.all([mentions.rebuildRollupSpans(ws.id), during()]);
    expect(built).toBeGreaterThan(0);
    for (let i = 500; i < inputs.length; i += 100) await mentions.ingest(workspace, topicId, inputs.slice(i, i + 100));
    const cases = t.app.get<Model<Case>>(getModelToken(Case.name));
    await cases.collection.insertMany(seedCases(new Types.ObjectId(ws.id), new Types.ObjectId(topicId)));
    await t.app.get(CareRollupsService).rebuild(new Types.ObjectId(ws.id));
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** The listening and care KPIs of `range`, summed from the 15-minute slots only. */
  const fromSlots = async (range: TimeRange, tz: string, filter: { topic?: string; platform?: string }) => {
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    const slots = await t.app.get(MentionsService).rollupRows(ws.id, range.from, range.to, filter);
    const careSlots = await t.app.get(CareRollupsService).rowsForReport(workspace, range.from, range.to, filter);
    expect(careSlots).not.toBeNull();
    const open = await t.app
      .get(CasesService)
      .rowsForReport(ws.id, range.from, range.to, { ...filter, openCases: 'awaiting', fields: 'service', onlyOpen: true });
    const listening = listeningKpis(slots, range, tz, LISTENING_PLATFORMS);
    const service = serviceKpisFromRollups(careSlots!, open, range, now, {
      clock: slaClockFor(workspace),
      firstResponseTargetSeconds: workspace.settings.sla.firstResponseSeconds,
      abandonmentWindowSeconds: workspace.settings.sla.abandonmentSeconds,
    });
    return { ...listening, service: { ...service, unanswered: service.unanswered.length } };
  };

  const expectSameService = (got: Record<string, unknown>, want: Record<string, unknown>) => {
    for (const k of ['casesOpened', 'unanswered', 'outliers']) expect([k, got[k]]).toEqual([k, want[k]]);
    for (const k of ['slaCompliance', 'abandonmentRate', 'fcr', 'contactsPerResolution']) {
      expect([k, got[k] === null]).toEqual([k, want[k] === null]);
      if (want[k] !== null) expect(got[k]).toBeCloseTo(want[k] as number, 9);
    }
    for (const k of ['firstResponse', 'resolution']) {
      const g = got[k] as Record<string, number | null>;
      const w = want[k] as Record<string, number | null>;
      // percentiles come from the same sketch buckets, summed in another grouping: identical
      expect([k, g.median, g.p90]).toEqual([k, w.median, w.p90]);
      expect(g.mean).toBeCloseTo(w.mean!, 6);
    }
  };

  const localMidnight = (iso: string) => new Date(iso);
  it.each([
    ['America/Sao_Paulo, the last 30 days to a mid-slot instant', 'America/Sao_Paulo', new Date(now.getTime() - 30 * DAY), now, {}],
    // local midnights of Asia/Kolkata (+05:30) are 18:30Z: the edges are slots and hours
    ['Asia/Kolkata, local days', 'Asia/Kolkata', localMidnight('2026-10-26T18:30:00Z'), localMidnight('2026-11-17T18:30:00Z'), {}],
    [
      'Asia/Kolkata, one topic',
      'Asia/Kolkata',
      localMidnight('2026-10-26T18:30:00Z'),
      localMidnight('2026-11-17T18:30:00Z'),
      { topic: 'topic' },
    ],
    // clocks went back on 1 November 2026: local midnights at 04:00Z before, 05:00Z after
    [
      'America/New_York across the DST change',
      'America/New_York',
      localMidnight('2026-10-25T04:00:00Z'),
      localMidnight('2026-11-08T05:00:00Z'),
      {},
    ],
    [
      'Asia/Kathmandu (+05:45), one network',
      'Asia/Kathmandu',
      new Date('2026-10-20T18:15:00Z'),
      new Date('2026-11-19T18:15:00Z'),
      { platform: 'bluesky' },
    ],
    ['three hours (slots only)', 'Asia/Kolkata', new Date(now.getTime() - 3 * HOUR), now, {}],
  ])('%s: equal to the KPIs summed from slots', async (_label, tz, from, to, q: { topic?: string; platform?: string }) => {
    const filter = { ...q, topic: q.topic ? topicId : undefined };
    const overview = await t.app.get(ReportsService).overview(ws.id, { from, to, tz, ...filter }, now);
    const current = await fromSlots({ from, to }, tz, filter);
    const previous = await fromSlots(previousPeriod(from, to), tz, filter);
    expect(current.volume.mentions).toBeGreaterThan(0);
    expect(overview.volume).toEqual(current.volume);
    expect(overview.support).toEqual(current.support);
    const { meanScore, ...sentiment } = overview.sentiment;
    const { meanScore: wantMean, ...wantSentiment } = current.sentiment;
    expect(sentiment).toEqual(wantSentiment);
    expect(meanScore).toBeCloseTo(wantMean!, 9);
    expectSameService(overview.service, current.service);
    // the previous period, read the same way, in the trends
    expect(overview.trends['volume.mentions'].previous).toBe(previous.volume.mentions);
    expect(overview.trends['support.inbound'].previous).toBe(previous.support.inbound);
    expect(overview.trends['service.casesOpened'].previous).toBe(previous.service.casesOpened);
  });

  it('every hour and day row holds the sum of its slots', async () => {
    const wsId = new Types.ObjectId(ws.id);
    const slots = await t.app.get<Model<Record<string, unknown>>>(getModelToken('MentionRollup')).find({ workspaceId: wsId }).lean();
    const spans = await t.app.get<Model<MentionRollupSpan>>(getModelToken(MentionRollupSpan.name)).find({ workspaceId: wsId }).lean();
    const sums = new Map<string, { count: number; support: number; negative: number }>();
    for (const s of slots) {
      for (const [span, ms] of [
        ['hour', HOUR],
        ['day', DAY],
      ] as const) {
        const start = Math.floor((s.hour as Date).getTime() / ms) * ms;
        const id = `${String(s.topicId)}|${span}|${start}|${String(s.platform)}`;
        const sum = sums.get(id) ?? { count: 0, support: 0, negative: 0 };
        sum.count += (s.count as number | undefined) ?? 0;
        sum.support += (s.support as number | undefined) ?? 0;
        sum.negative += (s.negative as number | undefined) ?? 0;
        sums.set(id, sum);
      }
    }
    expect(spans.length).toBe(sums.size);
    for (const r of spans) {
      const id = `${String(r.topicId)}|${r.span}|${r.start.getTime()}|${r.platform}`;
      expect([id, r.count ?? 0, r.support ?? 0, r.negative ?? 0]).toEqual([
        id,
        sums.get(id)?.count,
        sums.get(id)?.support,
        sums.get(id)?.negative,
      ]);
    }
  });

  it("stores the care hour and day rows' duration sketches packed, each its slots' sketches merged", async () => {
    const wsId = new Types.ObjectId(ws.id);
    const slots = await t.app.get<Model<CaseRollup>>(getModelToken(CaseRollup.name)).find({ workspaceId: wsId }).lean();
    const spans = await t.app.get<Model<CaseRollupSpan>>(getModelToken(CaseRollupSpan.name)).find({ workspaceId: wsId }).lean();
    const sums = new Map<string, { fr: DurationSketch; res: DurationSketch }>();
    for (const s of slots) {
      for (const [span, ms] of [
        ['hour', HOUR],
        ['day', DAY],
      ] as const) {
        const id = `${String(s.topicId)}|${span}|${Math.floor(s.slot.getTime() / ms) * ms}|${s.platform}`;
        const sum = sums.get(id) ?? { fr: {}, res: {} };
        mergeSketch(sum.fr, s.frSketch);
        mergeSketch(sum.res, s.resSketch);
        sums.set(id, sum);
      }
    }
    expect(spans.length).toBe(sums.size);
    let buckets = 0;
    for (const r of spans) {
      const id = `${String(r.topicId)}|${r.span}|${r.start.getTime()}|${r.platform}`;
      const [fr, res] = [r.frSketch, r.resSketch].map((b) => {
        // a BSON binary as the driver returns it
        expect((b as unknown as { _bsontype: string })._bsontype).toBe('Binary');
        return unpackSketch((b as unknown as { value(): Uint8Array }).value());
      });
      const nonZero = (s: DurationSketch) => Object.fromEntries(Object.entries(s).filter(([, n]) => n > 0));
      expect([id, fr, res]).toEqual([id, nonZero(sums.get(id)!.fr), nonZero(sums.get(id)!.res)]);
      buckets += Object.keys(fr).length;
    }
    expect(buckets).toBeGreaterThan(0);
  });

  it.each([
    ['America/Sao_Paulo, days', 'America/Sao_Paulo', 'day', new Date(now.getTime() - 30 * DAY), now, {}],
    [
      'Asia/Kolkata, days, one topic',
      'Asia/Kolkata',
      'day',
      new Date('2026-10-26T18:30:00Z'),
      new Date('2026-11-17T18:30:00Z'),
      { topic: 'topic' },
    ],
    ['America/New_York across the DST change, days', 'America/New_York', 'day', new Date('2026-10-25T04:00:00Z'), now, {}],
    ['Asia/Kathmandu, weeks, one network', 'Asia/Kathmandu', 'week', new Date('2026-10-05T10:00:00Z'), now, { platform: 'bluesky' }],
  ] as const)(
    'a series of %s reads hour and day rows: every point equal to the one summed from slots',
    async (_label, tz, interval, from, to, q: { topic?: string; platform?: string }) => {
      const filter = { ...q, topic: q.topic ? topicId : undefined };
      const reports = t.app.get(ReportsService);
      const series = async (metric: string) => (await reports.timeseries(ws.id, { metric, interval, from, to, tz, ...filter }, now)).points;
      const counts = ['volume.mentions', 'support.inbound', 'sentiment.negative', 'service.casesOpened'];
      const ratios = ['sentiment.net', 'service.slaCompliance', 'service.fcr', 'service.firstResponse.mean'];
      const sketched = ['service.firstResponse.median', 'service.resolution.p90'];
      const got = Object.fromEntries(
        await Promise.all([...counts, ...ratios, ...sketched].map(async (m) => [m, await series(m)] as const)),
      );
      const points = got['volume.mentions'];
      expect(points.length).toBeGreaterThan(2);
      let mentions = 0;
      for (let i = 0; i < points.length; i++) {
        const start = new Date(points[i].t);
        const end = i + 1 < points.length ? new Date(points[i + 1].t) : to;
        const bucket = { from: start < from ? from : start, to: end > to ? to : end };
        const want = numericLeaves(await fromSlots(bucket, tz, filter));
        mentions += want['volume.mentions'] ?? 0;
        for (const m of [...counts, ...sketched]) expect([points[i].t, m, got[m][i].value]).toEqual([points[i].t, m, want[m]]);
        for (const m of ratios) {
          expect([points[i].t, m, got[m][i].value === null]).toEqual([points[i].t, m, want[m] === null]);
          if (want[m] !== null) expect(got[m][i].value).toBeCloseTo(want[m], 6);
        }
      }
      expect(mentions).toBeGreaterThan(0);
    },
  );

  it('reads about one row a day, and a case change moves its hour and day rows', async () => {
    const spans = t.app.get<Model<MentionRollupSpan>>(getModelToken(MentionRollupSpan.name));
    expect(await spans.countDocuments({ workspaceId: new Types.ObjectId(ws.id), span: 'day' })).toBeGreaterThan(40);
    const from = new Date(now.getTime() - 30 * DAY);
    // 60 days (the range and its previous period) in far fewer rows than their slots
    const cuts = [new Date(from.getTime() - 30 * DAY), from, now];
    const covered = await t.app.get(MentionsService).rollupRows(ws.id, cuts[0], now, { cuts });
    const slots = await t.app.get(MentionsService).rollupRows(ws.id, cuts[0], now);
    expect(covered.length).toBeLessThan(62 + 4 * 26);
    expect(slots.length).toBeGreaterThan(3 * covered.length);
    const before = await t.app.get(ReportsService).overview(ws.id, { from, to: now, tz: 'Asia/Kolkata' }, now);
    const repo = t.app.get(CasesRepository, { strict: false });
    await repo.save(
      repo.build({
        workspaceId: new Types.ObjectId(ws.id),
        topicIds: [],
        platform: 'x',
        customer: { externalId: 'late', handle: 'late', name: null },
        status: 'open',
        intent: 'support',
        openedAt: new Date(now.getTime() - 10 * DAY),
        firstResponseDueAt: new Date(now.getTime() - 10 * DAY + 2 * HOUR),
        resolutionDueAt: new Date(now.getTime() - 9 * DAY),
        abandonAt: new Date(now.getTime() - 9 * DAY),
      }),
    );
    // an answer is reused for up to a second after a change (src/reports/report-cache.ts)
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await t.app.get(ReportsService).overview(ws.id, { from, to: now, tz: 'Asia/Kolkata' }, now);
    expect(after.service.casesOpened).toBe(before.service.casesOpened + 1);
    expectSameService(after.service, (await fromSlots({ from, to: now }, 'Asia/Kolkata', {})).service);
  });
});
