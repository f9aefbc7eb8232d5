import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { MentionInput } from '../src/collectors/collected';
import { CareRollupsService } from '../src/care/rollups/care-rollups.service';
import { CasesRepository } from '../src/care/cases.repository';
import { CaseRollupsRepository } from '../src/care/rollups/case-rollups.repository';
import { CasesService, slaClockFor } from '../src/care/cases.service';
import { Case } from '../src/care/schemas/case.schema';
import { prng } from '../src/demo/demo-inputs';
import { MentionsService } from '../src/mentions/mentions.service';
import { serviceKpis } from '../src/reports/kpis';
import { REPORT_FRESHNESS_MS } from '../src/reports/report-cache';
import { ReportsService } from '../src/reports/reports.service';
import { TopicsService } from '../src/topics/topics.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const SLOT = 15 * 60_000;

/**
 * The overview's care KPIs come from the care rollups (15-minute slots with duration sketches)
 * and the open cases; they equal the computation over every case row on a seeded set, percentiles
 * within the sketch's 0.5 %. And a report answer is cached only until something it counts
 * changes: a new mention or a case change shows within the cache's freshness bound (1 s).
 */
describe('Care rollups and the report cache (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let topicId: string;
  let cases: Model<Case>;
  // a slot boundary, so the range's edges fall on slots (as the listening KPIs' do)
  const now = new Date(Math.floor(Date.now() / SLOT) * SLOT);

  /** 400 cases over 10 days: answered fast or slow, resolved (some reopened), abandoned, open and waiting. */
  function seedCases(workspaceId: Types.ObjectId, topic: Types.ObjectId) {
    const rand = prng(21);
    return Array.from({ length: 400 }, (_, i) => {
      const openedAt = new Date(now.getTime() - 10 * DAY + Math.floor(rand() * 10 * DAY));
      const age = now.getTime() - openedAt.getTime();
      const answered = rand() < 0.8;
      const firstResponseAt = answered ? new Date(Math.min(now.getTime() - 1000, openedAt.getTime() + rand() * 8 * HOUR)) : null;
      const resolved = answered && rand() < 0.7;
      const resolvedAt = resolved ? new Date(Math.min(now.getTime() - 1000, firstResponseAt!.getTime() + rand() * 30 * HOUR)) : null;
      // unanswered: abandoned once a day old (as the scan does), else open and waiting
      const abandonedAt = !answered && age > DAY ? new Date(openedAt.getTime() + DAY) : null;
      const status = resolved ? 'resolved' : abandonedAt ? 'abandoned' : 'open';
      const reopened = resolved && rand() < 0.1;
      return {
        workspaceId,
        topicIds: i % 2 ? [topic] : [],
        platform: i % 3 ? 'x' : 'bluesky',
        customer: { externalId: String(i), handle: `c${i}`, name: null },
        conversationIds: [String(i)],
        externalIds: [String(7_000_000 + i)],
        status,
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
        resolutions: resolvedAt ? (reopened ? [new Date(resolvedAt.getTime() - HOUR), resolvedAt] : [resolvedAt]) : [],
        reopenCount: reopened ? 1 : 0,
        lastReopenedAt: null,
        abandonedAt,
        assignee: null,
        team: 'cards',
        assignedAt: openedAt,
        routingKeyword: null,
        reassignments:
          i % 17 === 0
            ? [
                { at: openedAt, fromAgent: 'a', toAgent: 'b' },
                { at: openedAt, fromAgent: 'b', toAgent: 'c' },
              ]
            : [],
        __v: 0,
      };
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t, 'Care rollups');
    topicId = (
      await t.app
        .get(TopicsService)
        .create(ws.id, { name: 'Lumi', query: 'lumi', platforms: ['x', 'bluesky'], languages: [], ownedAccounts: [] } as never)
    ).id;
    cases = t.app.get(getModelToken(Case.name));
    await cases.collection.insertMany(seedCases(new Types.ObjectId(ws.id), new Types.ObjectId(topicId)));
    await t.app.get(CareRollupsService).rebuild(new Types.ObjectId(ws.id));
  });
  afterAll(async () => {
    await t.close();
  });

  const exactService = async (from: Date, to: Date, filter: { topic?: string; platform?: string } = {}) => {
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    const rows = await t.app.get(CasesService).rowsForReport(ws.id, from, to, filter);
    return serviceKpis(rows, { from, to }, now, {
      clock: slaClockFor(workspace),
      firstResponseTargetSeconds: workspace.settings.sla.firstResponseSeconds,
      abandonmentWindowSeconds: workspace.settings.sla.abandonmentSeconds,
    });
  };

  it.each([
    ['the whole workspace', {}],
    ['one topic', { topic: 'topic' }],
    ['one network', { platform: 'bluesky' }],
  ])('overview care KPIs equal the computation over case rows: %s', async (_label, q: { topic?: string; platform?: string }) => {
    const from = new Date(now.getTime() - 7 * DAY);
    const filter = { ...q, topic: q.topic ? topicId : undefined };
    const overview = await t.app.get(ReportsService).overview(ws.id, { from, to: now, ...filter }, now);
    const exact = await exactService(from, now, filter);
    // the overview read the slots, not the cases (whole after the rebuild)
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    expect(await t.app.get(CareRollupsService).rowsForReport(workspace, from, now, filter)).not.toBeNull();
    const s = overview.service;
    expect(exact.casesOpened).toBeGreaterThan(30);
    expect(s.casesOpened).toBe(exact.casesOpened);
    expect(s.slaCompliance).toBeCloseTo(exact.slaCompliance!, 9);
    expect(s.abandonmentRate).toBeCloseTo(exact.abandonmentRate!, 9);
    expect(s.fcr).toBeCloseTo(exact.fcr!, 9);
    expect(s.contactsPerResolution).toBeCloseTo(exact.contactsPerResolution!, 9);
    expect(s.outliers).toBe(exact.outliers.length);
    expect(s.unanswered).toBe(exact.unanswered.length);
    expect(s.firstResponse.mean).toBeCloseTo(exact.firstResponse.mean!, 6);
    expect(s.resolution.mean).toBeCloseTo(exact.resolution.mean!, 6);
    for (const k of ['median', 'p90'] as const) {
      expect(Math.abs(s.firstResponse[k]! - exact.firstResponse[k]!)).toBeLessThanOrEqual(0.01 * exact.firstResponse[k]!);
      expect(Math.abs(s.resolution[k]! - exact.resolution[k]!)).toBeLessThanOrEqual(0.01 * exact.resolution[k]!);
    }
  });

  it('recounts case changes made in a row together: each slot once, every change counted', async () => {
    const repo = t.app.get(CasesRepository, { strict: false });
    const rollups = t.app.get(CareRollupsService);
    const slotWrites = jest.spyOn(t.app.get(CaseRollupsRepository, { strict: false }), 'replaceSlots');
    const from = new Date(now.getTime() - 3 * DAY);
    const to = new Date(from.getTime() + SLOT);
    // the slot's rows as reports read them (platform x, the whole workspace)
    const opened = async () => {
      const workspace = await t.app.get(WorkspacesService).get(ws.id);
      const rows = await rollups.rowsForReport(workspace, from, to, { platform: 'x' });
      return rows!.reduce((n, r) => n + r.opened, 0);
    };
    const before = await opened();
    try {
      slotWrites.mockClear();
      // five cases opened in one slot, saved one after another (as a collection places a page)
      for (let i = 0; i < 5; i++) {
        await repo.save(
          repo.build({
            workspaceId: new Types.ObjectId(ws.id),
            topicIds: [],
            platform: 'x',
            customer: { externalId: `row-${i}`, handle: `row${i}`, name: null },
            status: 'open',
            intent: 'support',
            openedAt: new Date(from.getTime() + i * 60_000),
            firstResponseDueAt: new Date(from.getTime() + 2 * HOUR),
            resolutionDueAt: new Date(from.getTime() + DAY),
            abandonAt: new Date(from.getTime() + DAY),
          }),
        );
      }
      await rollups.flushRecounts();
      expect(slotWrites).toHaveBeenCalledTimes(1);
      expect(await opened()).toBe(before + 5);
    } finally {
      slotWrites.mockRestore();
    }
  });

  it('a case change and a new mention show in the overview within the freshness bound', async () => {
    const range = `from=${new Date(now.getTime() - DAY).toISOString()}&to=${new Date(now.getTime() + DAY).toISOString()}`;
    const read = async () => (await t.as(ws.key).get(`/api/v1/reports/overview?${range}`).expect(200)).body;
    const before = await read();
    expect((await read()).service.casesOpened).toBe(before.service.casesOpened); // served again (cached)

    // a case opened now, through the repository's save like every case write
    const repo = t.app.get(CasesRepository, { strict: false });
    const doc = repo.build({
      workspaceId: new Types.ObjectId(ws.id),
      topicIds: [],
      platform: 'x',
      customer: { externalId: 'new', handle: 'new', name: null },
      status: 'open',
      intent: 'support',
      openedAt: new Date(now.getTime() + 60_000),
      firstResponseDueAt: new Date(now.getTime() + 2 * HOUR),
      resolutionDueAt: new Date(now.getTime() + DAY),
      abandonAt: new Date(now.getTime() + DAY),
    });
    await repo.save(doc);
    // background writes show within REPORT_FRESHNESS_MS (src/reports/report-cache.ts)
    const pastTheBound = () => new Promise((r) => setTimeout(r, REPORT_FRESHNESS_MS + 100));
    await pastTheBound();
    expect((await read()).service.casesOpened).toBe(before.service.casesOpened + 1);

    // a mention counted by ingestion
    const mention: MentionInput = {
      platform: 'x',
      externalId: '8800001',
      text: 'lumi, meu cartão foi bloqueado',
      createdAt: new Date(now.getTime() + 120_000),
      url: 'https://x.com/u/status/8800001',
      author: { externalId: '88', handle: 'u88', name: null, followers: 10 },
      platformLang: 'pt',
      metrics: { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null },
    };
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    await t.app.get(MentionsService).ingest(workspace, topicId, [mention]);
    await pastTheBound();
    expect((await read()).volume.mentions).toBe(before.volume.mentions + 1);
  });
});
