import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { CasesRepository } from '../src/care/cases.repository';
import { CasesService } from '../src/care/cases.service';
import { CareRollupsService } from '../src/care/rollups/care-rollups.service';
import { CaseRollup, CaseRollupSpan, CaseRollupState } from '../src/care/rollups/case-rollup.schema';
import { Case } from '../src/care/schemas/case.schema';
import { isPrivateChannel } from '../src/common/visibility';
import { prng } from '../src/demo/demo-inputs';
import { publicCareKpis } from '../src/reports/kpis/competitors';
import { TopicsService } from '../src/topics/topics.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SLOT = 15 * MIN;

/**
 * The brand's public care in the share of voice is read from the care rollups (the slots wholly in
 * range, each keeping its answered cases' wall-clock first responses) and the cases of the slots
 * the range cuts; it must equal the computation over every case row, for any range, network and
 * topic, after a case changes, and while rollups counted before the wall-clock times existed are
 * rebuilt. Business hours are on, so the rollups' SLA durations are not public care's.
 */
describe("Share of voice: the brand's public care from the care rollups (e2e)", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let lumi: string;
  let other: string;
  let cases: Model<Case>;
  const day0 = Math.floor(Date.now() / DAY) * DAY - 9 * DAY;

  /** 500 cases over 8 days: two brand topics, two public networks and WhatsApp, many on or beside slot and day marks. */
  function seedCases(workspaceId: Types.ObjectId) {
    const rand = prng(77);
    const topicSets = [[lumi], [other], [lumi, other], []].map((ids) => ids.map((id) => new Types.ObjectId(id)));
    return Array.from({ length: 500 }, (_, i) => {
      const mark = day0 + Math.floor(rand() * 8 * 96) * SLOT;
      const opened = i % 4 === 0 ? mark : i % 4 === 1 ? mark - 1 : day0 + Math.floor(rand() * 8 * DAY);
      const openedAt = new Date(opened);
      const kind = rand();
      const answered = kind < 0.7;
      const firstResponseAt = answered ? new Date(opened + Math.floor(rand() * 20 * HOUR)) : null;
      const status = kind < 0.35 ? 'resolved' : kind < 0.7 ? 'open' : kind < 0.8 ? 'abandoned' : kind < 0.92 ? 'open' : 'not_support';
      const resolvedAt = status === 'resolved' ? new Date(firstResponseAt!.getTime() + HOUR) : null;
      return {
        workspaceId,
        topicIds: topicSets[i % 4],
        platform: ['x', 'bluesky', 'whatsapp'][i % 3],
        customer: { externalId: String(i), handle: `c${i}`, name: null },
        conversationIds: [String(i)],
        externalIds: [String(6_000_000 + i)],
        status,
        intent: 'support',
        sentiment: 'negative',
        lang: 'pt',
        openedAt,
        messages: [],
        inboundCount: 1,
        outboundCount: answered ? 1 : 0,
        lastInboundAt: openedAt,
        lastOutboundAt: firstResponseAt,
        awaitingReplySince: answered || status !== 'open' ? null : openedAt,
        firstResponseAt,
        firstResponder: null,
        firstResponseDueAt: new Date(opened + 2 * HOUR),
        resolutionDueAt: new Date(opened + DAY),
        abandonAt: new Date(opened + DAY),
        breachedAt: null,
        resolvedAt,
        resolvedBy: null,
        resolutions: resolvedAt ? [resolvedAt] : [],
        reopenCount: 0,
        lastReopenedAt: null,
        abandonedAt: status === 'abandoned' ? new Date(opened + DAY) : null,
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
    t = await startTestApp();
    ws = await createWorkspace(t, 'Public care rollups');
    const day = [{ start: '09:00', end: '18:00' }];
    await t
      .as(ws.key)
      .patch('/api/v1/workspaces/current')
      .send({
        settings: { businessHours: { enabled: true, schedule: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [] } },
      })
      .expect(200);
    const topics = t.app.get(TopicsService);
    const create = async (name: string) =>
      (
        await topics.create(ws.id, {
          name,
          query: name.toLowerCase(),
          platforms: ['x', 'bluesky'],
          languages: [],
          ownedAccounts: [],
        } as never)
      ).id;
    lumi = await create('Lumi');
    other = await create('Outra');
    cases = t.app.get(getModelToken(Case.name));
    await cases.collection.insertMany(seedCases(new Types.ObjectId(ws.id)));
    await t.app.get(CareRollupsService).rebuild(new Types.ObjectId(ws.id));
  });
  afterAll(async () => {
    await t.close();
  });

  /** Public care over every case row of the topic (public networks only), as before the rollups. */
  const exact = async (topic: string, from: Date, to: Date, platform?: string) => {
    const rows = await t.app.get(CasesService).rowsForReport(ws.id, from, to, { topic, platform });
    return publicCareKpis(
      rows.filter((c) => !isPrivateChannel(c.platform)),
      { from, to },
    );
  };
  const shareOfVoice = async (from: Date, to: Date, platform?: string) => {
    const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), ...(platform ? { platform } : {}) });
    const body = (await t.as(ws.key).get(`/api/v1/reports/share-of-voice?${q.toString()}`).expect(200)).body as {
      topics: {
        topic: { id: string };
        publicCare: { source: string; cases: number; answered: number } & Record<string, unknown>;
        drillDown: { publicCare: string };
      }[];
    };
    return new Map(body.topics.map((r) => [r.topic.id, r]));
  };
  const whole = async () => {
    const workspace = await t.app.get(WorkspacesService).get(ws.id);
    return (await t.app.get(CareRollupsService).publicCareRows(workspace, new Date(day0), new Date(day0 + DAY))) !== null;
  };

  it.each<[string, number, number, string | undefined]>([
    ['whole days', 0, 8 * DAY, undefined],
    ['any instants', 9 * HOUR + 7 * MIN + 13_250, 7 * DAY + 11 * HOUR + 52 * MIN + 1000, undefined],
    ['a millisecond beside slot marks', 10 * HOUR + 15 * MIN - 1, 3 * DAY + 13 * HOUR + 1, undefined],
    ['inside one slot', 2 * DAY + 10 * HOUR + 1 * MIN, 2 * DAY + 10 * HOUR + 14 * MIN, undefined],
    ['one network', 3 * HOUR + 30 * MIN + 500, 6 * DAY + 20 * HOUR, 'bluesky'],
    ['the private channel alone (nothing public)', 0, 8 * DAY, 'whatsapp'],
  ])('equals the computation over case rows, for each brand topic: %s', async (_label, fromMs, toMs, platform) => {
    expect(await whole()).toBe(true);
    const from = new Date(day0 + fromMs);
    const to = new Date(day0 + toMs);
    const rows = await shareOfVoice(from, to, platform);
    for (const topic of [lumi, other]) {
      const want = await exact(topic, from, to, platform);
      expect(rows.get(topic)!.publicCare).toEqual({ source: 'cases', ...want });
      // the drill-down reads the rows: the same figures
      const drill = (await t.as(ws.key).get(rows.get(topic)!.drillDown.publicCare).expect(200)).body;
      expect({ cases: drill.cases.length, answered: drill.answered, firstResponse: drill.firstResponse }).toEqual({
        cases: want.cases,
        answered: want.answered,
        firstResponse: want.firstResponse,
      });
    }
    if (platform === 'whatsapp') expect(rows.get(lumi)!.publicCare).toMatchObject({ cases: 0, replyRate: null });
  });

  it('has varied data in the long range: answered and unanswered, both topics', async () => {
    const care = await exact(lumi, new Date(day0), new Date(day0 + 8 * DAY));
    expect(care.cases).toBeGreaterThan(100);
    expect(care.answered).toBeGreaterThan(60);
    expect(care.answered).toBeLessThan(care.cases);
  });

  it('counts a case change at once (the rollups are recounted on every write)', async () => {
    const from = new Date(day0 + 2 * DAY + 5 * MIN);
    const to = new Date(day0 + 4 * DAY + 7 * MIN);
    const before = (await shareOfVoice(from, to)).get(lumi)!.publicCare;
    const repo = t.app.get(CasesRepository, { strict: false });
    const openedAt = new Date(day0 + 3 * DAY + 12 * HOUR + 3 * MIN + 7);
    const doc = repo.build({
      workspaceId: new Types.ObjectId(ws.id),
      topicIds: [new Types.ObjectId(lumi)],
      platform: 'x',
      customer: { externalId: 'new', handle: 'new', name: null },
      status: 'open',
      intent: 'support',
      openedAt,
      firstResponseDueAt: new Date(openedAt.getTime() + 2 * HOUR),
      resolutionDueAt: new Date(openedAt.getTime() + DAY),
      abandonAt: new Date(openedAt.getTime() + DAY),
    });
    await repo.save(doc);
    let now = (await shareOfVoice(from, to)).get(lumi)!.publicCare;
    expect(now).toEqual({ source: 'cases', ...(await exact(lumi, from, to)) });
    expect(now).toMatchObject({ cases: before.cases + 1, answered: before.answered });
    // answered 1234.567 s later (on a Saturday or at night the SLA clock would say otherwise)
    doc.firstResponseAt = new Date(openedAt.getTime() + 1_234_567);
    await repo.save(doc);
    now = (await shareOfVoice(from, to)).get(lumi)!.publicCare;
    expect(now).toEqual({ source: 'cases', ...(await exact(lumi, from, to)) });
    expect(now).toMatchObject({ cases: before.cases + 1, answered: before.answered + 1 });
  });

  it('rebuilds rollups counted before they kept the wall-clock times, and answers from the rows meanwhile', async () => {
    const wsId = new Types.ObjectId(ws.id);
    const model = <T>(name: string) => t.app.get<Model<T>>(getModelToken(name), { strict: false });
    // as a release before this one left them: no frWall, counted under the previous format's key
    await model<CaseRollup>(CaseRollup.name).updateMany({ workspaceId: wsId }, { $unset: { frWall: 1 } });
    await model<CaseRollupSpan>(CaseRollupSpan.name).updateMany({ workspaceId: wsId }, { $unset: { frWall: 1 } });
    await model<CaseRollupState>(CaseRollupState.name).updateOne({ workspaceId: wsId }, { $set: { settingsKey: 'a previous format' } });
    const from = new Date(day0 + HOUR + 1);
    const to = new Date(day0 + 7 * DAY);
    const want = { source: 'cases', ...(await exact(lumi, from, to)) };
    expect((await shareOfVoice(from, to)).get(lumi)!.publicCare).toEqual(want); // from the rows; a rebuild started
    await t.app.get(CareRollupsService).rebuild(wsId); // joins the running one
    expect(await whole()).toBe(true);
    expect(await model<CaseRollup>(CaseRollup.name).countDocuments({ workspaceId: wsId, frWall: { $exists: false } })).toBe(0);
    expect((await shareOfVoice(from, to)).get(lumi)!.publicCare).toEqual(want);
  });
});
