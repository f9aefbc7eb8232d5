import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AlertsService } from '../src/alerts/alerts.service';
import { syntheticHistory } from '../src/forecast/synthetic-history';
import { MentionRollup, ALL_TOPICS } from '../src/mentions/schemas/mention-rollup.schema';
import { DefaultWorkspaceBootstrap } from '../src/workspaces/default-workspace.bootstrap';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from './support/test-app';

const HOUR_MS = 3_600_000;
const DAYS = 22;

/**
 * Issue #20 end to end: three weeks of inbound support in the rollups (public support mentions on X
 * and WhatsApp messages), then the forecast, its backtest, the staffing plan and the alert.
 */
describe('forecast and staffing (e2e)', () => {
  let t: TestApp;
  let workspaceId: string;
  /** Inbound support per UTC hour as inserted: X support mentions plus WhatsApp messages. */
  const inbound = new Map<number, number>();
  const admin = () => t.as(TEST_ADMIN_KEY);

  beforeAll(async () => {
    t = await startTestApp({ worker: false });
    workspaceId = t.app.get(DefaultWorkspaceBootstrap).defaultWorkspace.id;
    const rollups = t.app.get<Model<MentionRollup>>(getModelToken(MentionRollup.name));
    // a synthetic history whose last hour is the one before now (UTC hours; the forecast is asked in UTC)
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const start = end - DAYS * 24 * HOUR_MS;
    const history = syntheticHistory({ weeks: 4, meanPerHour: 6, seed: 7 }).slice(0, DAYS * 24);
    const ws = new Types.ObjectId(workspaceId);
    const rows = history.flatMap((p, i) => {
      const hour = new Date(start + i * HOUR_MS);
      inbound.set(hour.getTime(), p.y + (i % 2 === 0 ? 1 : 0));
      const x = { workspaceId: ws, topicId: ALL_TOPICS, platform: 'x', hour, count: p.y + 3, support: p.y, other: 3 };
      // every other hour a WhatsApp message: inbound support whatever its intent
      return i % 2 === 0 ? [x, { workspaceId: ws, topicId: ALL_TOPICS, platform: 'whatsapp', hour, count: 1, other: 1 }] : [x];
    });
    await rollups.insertMany(rows);
  });

  afterAll(async () => {
    await t.close();
  });

  it('forecasts two weeks of hourly inbound support with 80 % and 95 % bands and the latest backtest', async () => {
    const res = await admin().get('/api/v1/reports/forecast?tz=UTC').expect(200);
    expect(res.body.method).toBe('hour_of_week');
    expect(res.body.methodNote).toBeNull();
    expect(res.body.historyDays).toBeGreaterThanOrEqual(21);
    expect(res.body.forecast).toHaveLength(14 * 24);
    for (const f of res.body.forecast as { expected: number; lower80: number; upper80: number; lower95: number; upper95: number }[]) {
      expect(f.lower95).toBeLessThanOrEqual(f.lower80);
      expect(f.lower80).toBeLessThanOrEqual(f.expected);
      expect(f.upper80).toBeGreaterThanOrEqual(f.expected);
      expect(f.upper95).toBeGreaterThanOrEqual(f.upper80);
    }
    // the history shown counts X support mentions plus WhatsApp messages, hour by hour
    const history = res.body.history as { t: string; value: number }[];
    expect(history.length).toBeGreaterThan(13 * 24);
    for (const h of history) expect(h.value).toBe(inbound.get(new Date(h.t).getTime()));
    expect(res.body.accuracy.origins).toBe(1);
    expect(res.body.accuracy.mase).toEqual(expect.any(Number));
    expect(res.body.accuracy.coverage80).toEqual(expect.any(Number));
  });

  it('sums the forecast by local day', async () => {
    const res = await admin().get('/api/v1/reports/forecast?tz=UTC&interval=day&horizonDays=7').expect(200);
    // today (from the current hour) plus 6 more days, and possibly a sliver of an eighth
    expect(res.body.forecast.length).toBeGreaterThanOrEqual(7);
    expect(res.body.forecast.length).toBeLessThanOrEqual(8);
    const day = res.body.forecast[1] as { expected: number };
    expect(day.expected).toBeGreaterThan(24);
  });

  it('answers the backtest on its own', async () => {
    const res = await admin().get('/api/v1/reports/forecast/backtest?tz=UTC').expect(200);
    expect(res.body).toMatchObject({ origins: 1, hours: 168, method: 'hour_of_week' });
    expect(res.body.mase).toBeLessThan(1.2);
  });

  it.each([
    ['horizonDays=0', 'horizonDays'],
    ['horizonDays=29', 'horizonDays'],
    ['interval=week', 'interval'],
    ['tz=Mars/Olympus', 'tz'],
    ['platform[$gt]=', 'platform'],
  ])('refuses %s with a 400 naming the field', async (qs, field) => {
    const res = await admin().get(`/api/v1/reports/forecast?${qs}`).expect(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
  });

  it('plans staffing by Erlang C against a schedule the workspace sends, and marks the shortfall', async () => {
    await admin()
      .put('/api/v1/reports/staffing/settings')
      .send({ schedule: new Array(168).fill(10), handleTimeSeconds: 600 })
      .expect(200);
    let res = await admin().get('/api/v1/reports/staffing?tz=UTC&horizonDays=2').expect(200);
    expect(res.body.inputs).toMatchObject({
      handleTimeSeconds: 600,
      handleTimeSource: 'workspace',
      serviceLevelTarget: 0.8,
      firstResponseTargetSeconds: 7200,
      model: 'erlang_c',
      scheduleSource: 'workspace',
    });
    expect(res.body.hours).toHaveLength(48);
    expect(res.body.summary.hoursShort).toBe(0);
    const busiest = (res.body.hours as { erlangs: number; agentsNeeded: number; occupancy: number }[]).reduce((a, b) =>
      b.erlangs > a.erlangs ? b : a,
    );
    expect(busiest.agentsNeeded).toBeGreaterThan(busiest.erlangs);
    expect(busiest.occupancy).toBeCloseTo(busiest.erlangs / busiest.agentsNeeded, 3);

    await admin()
      .put('/api/v1/reports/staffing/settings')
      .send({ schedule: new Array(168).fill(0) })
      .expect(200);
    res = await admin().get('/api/v1/reports/staffing?tz=UTC&horizonDays=2').expect(200);
    expect(res.body.summary.hoursShort).toBeGreaterThan(0);
    const short = (res.body.hours as { agentsNeeded: number; shortfall: number }[]).find((h) => h.shortfall > 0)!;
    expect(short.shortfall).toBe(short.agentsNeeded);
  });

  it('refuses a schedule that is not 168 hours, and stores nothing', async () => {
    const res = await admin()
      .put('/api/v1/reports/staffing/settings')
      .send({ schedule: [1, 2, 3] })
      .expect(400);
    expect(JSON.stringify(res.body.message)).toContain('schedule');
    const settings = await admin().get('/api/v1/reports/staffing/settings').expect(200);
    expect(settings.body.schedule).toHaveLength(168);
  });

  it('raises one staffing_shortfall alert for tomorrow, however often the check runs', async () => {
    const alerts = t.app.get(AlertsService);
    await alerts.check();
    await alerts.check();
    const res = await admin().get('/api/v1/alerts?type=staffing_shortfall').expect(200);
    const list = res.body.data as { type: string; message: string; details: { date: string; hours: unknown[] } }[];
    expect(list).toHaveLength(1);
    expect(list[0].message).toMatch(/Staffing shortfall on \d{4}-\d{2}-\d{2}/);
    expect(list[0].details.hours.length).toBeGreaterThan(0);
  });

  it('keeps workspaces apart: another workspace has no history and says so', async () => {
    const created = await admin()
      .post('/api/v1/workspaces')
      .send({ name: 'Other', timezone: 'Europe/Lisbon', currency: 'EUR' })
      .expect(201);
    const res = await t
      .as(created.body.apiKey.key as string)
      .get('/api/v1/reports/forecast')
      .expect(200);
    expect(res.body.method).toBe('none');
    expect(res.body.historyDays).toBe(0);
    expect(res.body.tz).toBe('Europe/Lisbon');
    const staffing = await t
      .as(created.body.apiKey.key as string)
      .get('/api/v1/reports/staffing/settings')
      .expect(200);
    expect(staffing.body.schedule).toBeNull();
  });
});
