import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { prng } from '../src/demo/demo-inputs';
import type { DayRollupMarkDoc, DayRollupRowDoc } from '../src/inputs/day-rollups';
import { LEAD_DAY_ROLLUP, LEAD_ROLLUP_MARK } from '../src/leads/lead-day-rollups';
import { LeadsService } from '../src/leads/leads.service';
import { Lead } from '../src/leads/schemas/lead.schema';
import { LeadRow, leadKpis, previousPeriod, surveyKpis, SurveyResponseRow, TimeRange } from '../src/reports/kpis';
import { ReportsService } from '../src/reports/reports.service';
import { SURVEY_DAY_ROLLUP, SURVEY_ROLLUP_MARK } from '../src/surveys/survey-day-rollups';
import { SurveysService } from '../src/surveys/surveys.service';
import { WorkspacesService } from '../src/workspaces/workspaces.service';
import { createWorkspace, TestWorkspace } from './fixtures/inputs/workspaces';
import { startTestApp, TestApp } from './support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Leads and survey responses per UTC day (src/inputs/day-rollups.ts): kept on every write through
 * the API, rebuilt to the same rows, and read by the overview for whole days with the records at
 * the edges, so `leads.social`, CSAT and NPS (follow-ups included, in order) equal the KPIs over
 * every record of each range, also while a write is pending and after a writer died.
 */
describe('Leads and surveys from day rollups (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let leads: LeadsService;
  let surveys: SurveysService;
  const model = <T>(name: string) => t.app.get<Model<T>>(getModelToken(name), { strict: false });
  const now = new Date();
  const to = new Date(now.getTime() - 5 * HOUR - 17_000);
  const range = { from: new Date(to.getTime() - 30 * DAY), to };
  const prev = previousPeriod(range.from, range.to);

  const post = (path: string, body: object) => t.as(ws.key).post(path).send(body).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t, 'Day rollups', 'America/Sao_Paulo');
    leads = t.app.get(LeadsService);
    surveys = t.app.get(SurveysService);
    const rand = prng(23);
    const when = () => new Date(now.getTime() - Math.floor(rand() * 70 * DAY)).toISOString();
    for (let b = 0; b < 3; b++) {
      await post(
        '/api/v1/leads',
        Array.from({ length: 200 }, (_, i) => ({
          occurredAt: when(),
          utmMedium: ['social', 'cpc', 'Paid_Social', undefined][i % 4],
          utmSource: ['facebook.com', 'newsletter', undefined][i % 3],
          externalId: i % 2 ? `l${b}-${i}` : undefined,
        })),
      );
      await post(
        '/api/v1/surveys/responses',
        Array.from({ length: 200 }, (_, i) => {
          const respondedAt = when();
          const type = rand() < 0.5 ? 'csat' : 'nps';
          return {
            type,
            score: type === 'csat' ? 1 + Math.floor(rand() * 5) : Math.floor(rand() * 11),
            respondedAt,
            sentAt: i % 3 === 0 ? new Date(Date.parse(respondedAt) - Math.floor(rand() * 4 * DAY)).toISOString() : undefined,
            externalId: i % 2 ? `s${b}-${i}` : undefined,
          };
        }),
      );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  /** The KPIs each range gets from what the overview reads, and from every record of the two ranges. */
  async function both() {
    const view = await t.app.get(WorkspacesService).get(ws.id);
    const r = { ...range, tz: view.timezone };
    const read = await t.app.get(ReportsService).rows(view, r, prev, ['leads', 'csat']);
    const exactLeads = await leads.rows(ws.id, prev.from, range.to);
    const exactSurveys = await surveys.responseRows(ws.id, prev.from, range.to);
    const kpis = (l: LeadRow[], s: SurveyResponseRow[], rr: TimeRange) => ({
      social: leadKpis({ leads: l, mentionRollups: [], traffic: [] }, rr).social,
      surveys: surveyKpis(s, rr, { csat: 90, nps: 80 }),
    });
    return {
      read: [kpis(read.leads, read.surveys, range), kpis(read.leads, read.surveys, prev)],
      exact: [kpis(exactLeads, exactSurveys, range), kpis(exactLeads, exactSurveys, prev)],
      rows: read,
    };
  }

  const snapshot = async (name: string) =>
    (
      await model<DayRollupRowDoc>(name)
        .find({ workspaceId: new Types.ObjectId(ws.id) }, { _id: 0, day: 1, entries: 1 })
        .sort({ day: 1 })
        .lean()
    ).map((d) => ({
      day: d.day.toISOString(),
      entries: (d.entries as Record<string, unknown>[])
        .map((e) => JSON.stringify({ ...e, followUps: (e.followUps as { id: string }[] | undefined)?.map((f) => f.id).sort() }))
        .sort(),
    }));
  const marks = (name: string) =>
    model<DayRollupMarkDoc>(name)
      .find({ workspaceId: new Types.ObjectId(ws.id) })
      .lean();

  it('keeps a row per day on every write, and a rebuild gives the same rows', async () => {
    const written = { leads: await snapshot(LEAD_DAY_ROLLUP), surveys: await snapshot(SURVEY_DAY_ROLLUP) };
    expect(written.leads.length).toBeGreaterThan(60);
    expect(written.surveys.length).toBeGreaterThan(60);
    expect((await marks(LEAD_ROLLUP_MARK)).filter((m) => m.kind === 'pending')).toEqual([]);
    await leads.rebuildDayRollups(ws.id);
    await surveys.rebuildDayRollups(ws.id);
    expect(await snapshot(LEAD_DAY_ROLLUP)).toEqual(written.leads);
    expect(await snapshot(SURVEY_DAY_ROLLUP)).toEqual(written.surveys);
    expect((await marks(SURVEY_ROLLUP_MARK)).map((m) => m.kind)).toEqual(['built']);
  });

  it('gives each range the KPIs of all its records, reading whole days as rows', async () => {
    const { read, exact, rows } = await both();
    expect(read).toEqual(exact);
    expect(read[0].social).toBeGreaterThan(0);
    expect(read[0].surveys.csat.followUps.length).toBeGreaterThan(0);
    // about a row per day and tags, and the records of the edges: far fewer than the records
    expect(rows.leads.length).toBeLessThan((await leads.rows(ws.id, prev.from, range.to)).length);
    expect(rows.leads.some((l) => (l.count ?? 1) > 1)).toBe(true);
    const overview = (
      await t.as(ws.key).get(`/api/v1/reports/overview?from=${range.from.toISOString()}&to=${range.to.toISOString()}`).expect(200)
    ).body;
    expect(overview.leads.social).toBe(exact[0].social);
    expect(overview.csat).toEqual({ ...exact[0].surveys.csat, responseRate: null });
    expect(overview.nps).toEqual({ ...exact[0].surveys.nps, responseRate: null });
  });

  it('moves a replaced lead or response to its new day', async () => {
    const moved = new Date(range.from.getTime() + 3 * DAY + 7 * HOUR).toISOString();
    await post('/api/v1/leads', [{ occurredAt: moved, utmMedium: 'social', externalId: 'l0-1' }]);
    await post('/api/v1/surveys/responses', [{ type: 'csat', score: 2, respondedAt: moved, externalId: 's0-1' }]);
    const { read, exact } = await both();
    expect(read).toEqual(exact);
    const written = await snapshot(LEAD_DAY_ROLLUP);
    await leads.rebuildDayRollups(ws.id);
    expect(await snapshot(LEAD_DAY_ROLLUP)).toEqual(written);
  });

  it('reads the records of a day whose write has not been recounted, and a later report recounts it', async () => {
    const wsId = new Types.ObjectId(ws.id);
    const day = new Date(Math.floor(range.from.getTime() / DAY) * DAY + 10 * DAY);
    // A writer that died between its write and its recount: the mark is there, the row is stale.
    await model<DayRollupMarkDoc>(LEAD_ROLLUP_MARK).create({ workspaceId: wsId, kind: 'pending', days: [day], at: new Date() });
    await model<Lead>(Lead.name).collection.insertMany(
      Array.from({ length: 5 }, () => ({
        workspaceId: wsId,
        occurredAt: new Date(day.getTime() + 5 * HOUR),
        utmMedium: 'social',
        utmSource: null,
        mentionId: null,
      })),
    );
    const before = await both();
    expect(before.read).toEqual(before.exact);
    // Once the mark is old, the next report recounts the day and drops it.
    await model<DayRollupMarkDoc>(LEAD_ROLLUP_MARK).updateMany(
      { workspaceId: wsId, kind: 'pending' },
      { $set: { at: new Date(Date.now() - 5 * 60_000) } },
    );
    await both();
    for (let i = 0; i < 50 && (await marks(LEAD_ROLLUP_MARK)).some((m) => m.kind === 'pending'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await marks(LEAD_ROLLUP_MARK)).filter((m) => m.kind === 'pending')).toEqual([]);
    const after = await both();
    expect(after.read).toEqual(after.exact);
    expect(after.read[0].social).toBe(before.read[0].social);
    const written = await snapshot(LEAD_DAY_ROLLUP);
    await leads.rebuildDayRollups(ws.id);
    expect(await snapshot(LEAD_DAY_ROLLUP)).toEqual(written);
  });

  it('keeps a row a later recount wrote when an earlier one finishes after it', async () => {
    const rows = model<DayRollupRowDoc>(LEAD_DAY_ROLLUP);
    const wsId = new Types.ObjectId(ws.id);
    const [row] = await rows.find({ workspaceId: wsId }).sort({ day: 1 }).limit(1).lean();
    const later = new Date(Date.now() + 60_000);
    await rows.updateOne({ workspaceId: wsId, day: row.day }, { $set: { countedAt: later } });
    // the rebuild's read started before that recount: it must not overwrite the day
    await leads.rebuildDayRollups(ws.id);
    const [kept] = await rows.find({ workspaceId: wsId, day: row.day }).lean();
    expect(kept.countedAt).toEqual(later);
    expect(await rows.countDocuments({ workspaceId: wsId, day: row.day })).toBe(1);
  });
});
