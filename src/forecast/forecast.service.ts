import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DateTime } from 'luxon';
import { AgentsService } from '../care/agents/agents.service';
import { CasesService, slaClockFor } from '../care/cases.service';
import { MentionsService } from '../mentions/mentions.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { backtest, type BacktestFigures } from './backtest';
import { ForecastQuery, PutStaffingSettingsDto, StaffingQuery } from './dto/forecast.dto';
import { forecastHours, MIN_MODEL_HOURS, sumForecasts, type ForecastMethod, type HourForecast } from './forecast-model';
import { countByLocalHour, localDate, localHours, type LocalHour } from './local-hours';
import {
  DEFAULT_HANDLE_SECONDS,
  DEFAULT_SERVICE_LEVEL_TARGET,
  measuredHandleTime,
  measuredPatience,
  scheduledFromPresence,
  staffingPlan,
  type StaffingHour,
} from './staffing';
import { StaffingSettingsRepository, type StaffingSettingsView } from './staffing-settings.repository';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** History read for the model: eight weeks (the model uses no more). */
const HISTORY_DAYS = 56;
/** Cases and presence read for handle time, patience and the schedule: four weeks. */
const CARE_WINDOW_DAYS = 28;
/** The backtest is recomputed at most this often per scope (in the background: the stale figures answer meanwhile). */
const BACKTEST_TTL_MS = HOUR_MS;
/** A scope's history and fit are read again after this, within the hour (hours already past change only with late data). */
const HISTORY_TTL_MS = 2 * 60_000;
/** Handle time, patience and the presence schedule (four-week measures) are measured again after this, in the background. */
const CARE_TTL_MS = 10 * 60_000;
/** History shown next to the forecast. */
const SHOWN_HISTORY_DAYS = 14;

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const roundForecast = (f: HourForecast) => ({
  expected: round(f.expected),
  lower80: round(f.lower80),
  upper80: round(f.upper80),
  lower95: round(f.lower95),
  upper95: round(f.upper95),
});

interface Scope {
  topic?: string;
  platform?: string;
}

interface InboundHistory {
  tz: string;
  /** Past local hours from the first day with data to the start of the current hour. */
  hours: (LocalHour & { y: number })[];
  /** Local hours from the current one on, `horizonDays` long. */
  future: LocalHour[];
}

export type BacktestView = BacktestFigures & { computedAt: Date };

/** The four-week care measures staffing reads: handle time, patience and the schedule from presence (null: no presence). */
interface CareMeasures {
  handle: ReturnType<typeof measuredHandleTime>;
  patience: ReturnType<typeof measuredPatience>;
  presenceSchedule: number[] | null;
}

/**
 * A cache that answers a stale entry at once and refreshes it in the background (lru-cache's
 * `fetch` with `allowStale`); a missing entry is computed while the caller waits. `compute` runs
 * after a turn of the event loop, so a background refresh never delays the answer that found it stale.
 */
class StaleWhileRefresh<V extends object> {
  private readonly cache: LRUCache<string, V, () => Promise<V>>;

  constructor(ttl: number, max: number) {
    this.cache = new LRUCache<string, V, () => Promise<V>>({
      max,
      ttl,
      allowStale: true,
      allowStaleOnFetchRejection: true,
      fetchMethod: async (_key, _stale, { context }) => {
        await new Promise((resolve) => setImmediate(resolve));
        return context();
      },
    });
  }

  async get(key: string, compute: () => Promise<V>, refresh = false): Promise<V> {
    return (await this.cache.fetch(key, { context: compute, forceRefresh: refresh })) ?? compute();
  }

  peek(key: string): V | undefined {
    return this.cache.get(key, { allowStale: true });
  }
}

/**
 * Issue #20: the inbound-support forecast (support-like mentions plus private-channel messages,
 * as `support.inbound` counts them, from the mention rollups), its backtest, and the staffing it
 * implies against the workspace's SLA, business hours, handle time and schedule.
 */
@Injectable()
export class ForecastService {
  private readonly logger = new Logger('Forecast');
  /** Per scope and time zone; `first` is the history's first hour when it was computed. */
  private readonly backtests = new StaleWhileRefresh<BacktestView & { first: number }>(BACKTEST_TTL_MS, 256);
  /** Per scope, time zone, current hour and horizon: the history read and the model fitted to it. */
  private readonly fits = new StaleWhileRefresh<{ h: InboundHistory; fit: ReturnType<typeof forecastHours> }>(HISTORY_TTL_MS, 64);
  private readonly care = new StaleWhileRefresh<CareMeasures>(CARE_TTL_MS, 256);
  /** When each workspace's staffing was last checked for the alert: at most hourly, the alert scan runs every minute. */
  private readonly staffingChecked = new Map<string, number>();

  constructor(
    private readonly mentions: MentionsService,
    private readonly cases: CasesService,
    private readonly agents: AgentsService,
    private readonly workspaces: WorkspacesService,
    private readonly settings: StaffingSettingsRepository,
  ) {}

  /** Hourly inbound support in local hours, from the local day of the first rollup row (at most eight weeks back). */
  private async inboundHistory(workspaceId: string, scope: Scope, tz: string, horizonDays: number, now: Date): Promise<InboundHistory> {
    const current = DateTime.fromJSDate(now, { zone: tz }).startOf('hour');
    const from = current.minus({ days: HISTORY_DAYS }).startOf('day').toJSDate();
    const rows = await this.mentions.rollupRows(workspaceId, from, current.toJSDate(), scope);
    const future = localHours(current.toJSDate(), current.plus({ days: horizonDays }).toJSDate(), tz);
    if (rows.length === 0) return { tz, hours: [], future };
    // history starts on the local day data begins: weeks before a workspace existed are not zero demand
    const first = DateTime.fromJSDate(rows[0].hour, { zone: tz }).startOf('day').toJSDate();
    const hours = localHours(first < from ? from : first, current.toJSDate(), tz);
    const counts = countByLocalHour(
      hours,
      rows.map((r) => ({ at: r.hour, n: r.support + r.complaint + r.question + (r.privateInbound ?? 0) })),
    );
    return { tz, hours: hours.map((h, i) => ({ ...h, y: counts[i] })), future };
  }

  private async tzOf(workspaceId: string, tz?: string): Promise<string> {
    return tz ?? (await this.workspaces.get(workspaceId)).timezone;
  }

  /**
   * The backtest of a scope (the forecast endpoint returns it with every answer): computed once,
   * then refreshed in the background hourly, or when history begins elsewhere (an import, the
   * demo's seed, the window sliding a day), the previous figures answering meanwhile.
   */
  private async backtestOf(workspaceId: string, scope: Scope, h: InboundHistory, now: Date): Promise<BacktestView> {
    const key = [workspaceId, scope.topic ?? '', scope.platform ?? '', h.tz].join('|');
    const first = h.hours[0]?.start.getTime() ?? 0;
    const moved = this.backtests.peek(key)?.first !== first;
    const { first: _first, ...view } = await this.backtests.get(
      key,
      () => Promise.resolve({ ...backtest(h.hours), computedAt: now, first }),
      moved,
    );
    return view;
  }

  async backtest(workspaceId: string, q: ForecastQuery, now = new Date()) {
    const tz = await this.tzOf(workspaceId, q.tz);
    const { h } = await this.fitted(workspaceId, q, tz, 1, now);
    const view = await this.backtestOf(workspaceId, q, h, now);
    return { tz, historyDays: round(h.hours.length / 24, 1), ...roundFigures(view) };
  }

  /** The forecast method and, for a fallback, why. */
  private static methodNote(method: ForecastMethod, historyHours: number): string | null {
    const days = round(historyHours / 24, 1);
    if (method === 'hour_of_week') return null;
    if (method === 'none') return `not enough history (${days} days): no forecast`;
    return `less than two weeks of history (${days} days): seasonal-naive forecast (${method === 'seasonal_naive_weekly' ? 'same hour last week' : 'same hour yesterday'})`;
  }

  /** The scope's history and the model fitted to it, read again at most every HISTORY_TTL_MS within an hour. */
  private fitted(workspaceId: string, scope: Scope, tz: string, horizonDays: number, now: Date) {
    const hour = DateTime.fromJSDate(now, { zone: tz }).startOf('hour').toMillis();
    const key = [workspaceId, scope.topic ?? '', scope.platform ?? '', tz, hour, horizonDays].join('|');
    return this.fits.get(key, async () => {
      const h = await this.inboundHistory(workspaceId, scope, tz, horizonDays, now);
      return {
        h,
        fit: forecastHours(
          h.hours,
          h.future.map((f) => f.how),
        ),
      };
    });
  }

  async forecast(workspaceId: string, q: ForecastQuery, now = new Date()) {
    const tz = await this.tzOf(workspaceId, q.tz);
    const horizonDays = q.horizonDays ?? 14;
    const interval = q.interval ?? 'hour';
    const { h, fit } = await this.fitted(workspaceId, q, tz, horizonDays, now);
    const shownFrom = now.getTime() - SHOWN_HISTORY_DAYS * DAY_MS;
    const shown = h.hours.filter((p) => p.start.getTime() >= shownFrom);
    const history =
      interval === 'hour'
        ? shown.map((p) => ({ t: p.start, value: p.y }))
        : groupByDay(shown, tz).map((g) => ({ t: g.t, value: g.items.reduce((s, p) => s + p.y, 0) }));
    const points = fit.points.map((f, i) => ({ t: h.future[i].start, ...f }));
    const forecast =
      interval === 'hour'
        ? points.map((p) => ({ t: p.t, ...roundForecast(p) }))
        : groupByDay(points, tz).map((g) => ({ t: g.t, ...roundForecast(sumForecasts(g.items)) }));
    return {
      tz,
      interval,
      horizonDays,
      topic: q.topic ?? null,
      platform: q.platform ?? null,
      method: fit.method,
      methodNote: ForecastService.methodNote(fit.method, h.hours.length),
      historyDays: round(h.hours.length / 24, 1),
      minModelDays: MIN_MODEL_HOURS / 24,
      history,
      forecast,
      accuracy: roundFigures(await this.backtestOf(workspaceId, q, h, now)),
    };
  }

  getSettings(workspaceId: string): Promise<StaffingSettingsView> {
    return this.settings.get(workspaceId);
  }

  putSettings(workspaceId: string, dto: PutStaffingSettingsDto): Promise<StaffingSettingsView> {
    const patch: Partial<StaffingSettingsView> = {};
    if (dto.serviceLevelTarget !== undefined) patch.serviceLevelTarget = dto.serviceLevelTarget;
    if (dto.handleTimeSeconds !== undefined) patch.handleTimeSeconds = dto.handleTimeSeconds;
    if (dto.schedule !== undefined) patch.schedule = dto.schedule;
    return this.settings.set(workspaceId, patch);
  }

  async staffing(workspaceId: string, q: StaffingQuery, now = new Date()) {
    const ws = await this.workspaces.get(workspaceId);
    const tz = q.tz ?? ws.timezone;
    const horizonDays = q.horizonDays ?? 14;
    const { h, fit } = await this.fitted(workspaceId, q, tz, horizonDays, now);
    const settings = await this.settings.get(workspaceId);
    const careKey = [workspaceId, q.topic ?? '', q.platform ?? '', tz].join('|');
    const { handle: measured, patience, presenceSchedule } = await this.care.get(careKey, () => this.careMeasures(workspaceId, q, tz, now));
    const handleSeconds = settings.handleTimeSeconds ?? measured.seconds ?? DEFAULT_HANDLE_SECONDS;
    const handleTimeSource = settings.handleTimeSeconds !== null ? 'workspace' : measured.seconds !== null ? 'measured' : 'default';
    let scheduled: number[] | null = settings.schedule;
    let scheduleSource: 'workspace' | 'presence' | 'none' = scheduled ? 'workspace' : 'none';
    if (!scheduled && presenceSchedule) {
      scheduled = presenceSchedule;
      scheduleSource = 'presence';
    }
    const clock = slaClockFor(ws);
    const targetSeconds = ws.settings.sla.firstResponseSeconds;
    const targetShare = settings.serviceLevelTarget ?? DEFAULT_SERVICE_LEVEL_TARGET;
    const plan = staffingPlan(
      h.future.map((f, i) => ({ ...f, expected: fit.points[i].expected })),
      {
        handleSeconds,
        targetSeconds,
        targetShare,
        patienceSeconds: patience.seconds,
        isOpen: (d) => clock.workingSecondsBetween(d, new Date(d.getTime() + HOUR_MS)) > 0,
        scheduled,
      },
    );
    const useA = patience.seconds !== null && patience.seconds < 10 * targetSeconds;
    return {
      tz,
      horizonDays,
      forecastMethod: fit.method,
      methodNote: ForecastService.methodNote(fit.method, h.hours.length),
      inputs: {
        firstResponseTargetSeconds: targetSeconds,
        serviceLevelTarget: targetShare,
        handleTimeSeconds: round(handleSeconds, 1),
        handleTimeSource,
        handleTimeSamples: measured.samples,
        model: useA ? 'erlang_a' : 'erlang_c',
        patienceSeconds: patience.seconds === null ? null : round(patience.seconds, 0),
        abandonedCases: patience.abandoned,
        businessHours: clock.businessHoursEnabled,
        scheduleSource,
      },
      summary: summarise(plan),
      hours: plan.map(viewOf),
    };
  }

  /** Handle time and patience from the last four weeks' cases, and the schedule by hour of week from those weeks' presence. */
  private async careMeasures(workspaceId: string, scope: Scope, tz: string, now: Date): Promise<CareMeasures> {
    const careFrom = new Date(now.getTime() - CARE_WINDOW_DAYS * DAY_MS);
    const caseRows = (await this.cases.rowsForReport(workspaceId, careFrom, now, { topic: scope.topic, platform: scope.platform }))
      .filter((c) => c.openedAt >= careFrom)
      .map((c) => ({
        openedAt: c.openedAt,
        firstResponseAt: c.firstResponseAt,
        agent: c.firstResponder ?? c.assignee,
        abandonedAt: c.abandonedAt,
      }));
    // only the window the schedule averages over, plus each agent's state as it opens
    const events = await this.agents.presenceEventsBetween(workspaceId, careFrom, now);
    const past = localHours(careFrom, DateTime.fromJSDate(now, { zone: tz }).startOf('hour').toJSDate(), tz);
    return {
      handle: measuredHandleTime(caseRows),
      patience: measuredPatience(caseRows, now),
      presenceSchedule: events.length > 0 ? scheduledFromPresence(events, past, now) : null,
    };
  }

  /**
   * Tomorrow's hours (local to the workspace) where the forecast needs more agents than scheduled,
   * for the `staffing_shortfall` alert; null when none (or no schedule is known).
   */
  async shortfallTomorrow(workspaceId: string, now = new Date()): Promise<{ date: string; hours: ReturnType<typeof viewOf>[] } | null> {
    const ws = await this.workspaces.get(workspaceId);
    const tomorrow = DateTime.fromJSDate(now, { zone: ws.timezone }).plus({ days: 1 }).startOf('day');
    const plan = await this.staffing(workspaceId, { horizonDays: 2 }, now);
    const date = tomorrow.toISODate()!;
    const short = plan.hours.filter((h) => localDate(h.t, ws.timezone) === date && (h.shortfall ?? 0) > 0);
    return short.length ? { date, hours: short } : null;
  }

  /** Every workspace's shortfall for tomorrow (the alert check); a workspace that fails is logged and skipped. */
  async shortfallsTomorrow(now = new Date()) {
    const out: { workspaceId: string; date: string; hours: ReturnType<typeof viewOf>[] }[] = [];
    for (const ws of await this.workspaces.list()) {
      const last = this.staffingChecked.get(ws.id);
      if (last !== undefined && now.getTime() - last < HOUR_MS) continue;
      this.staffingChecked.set(ws.id, now.getTime());
      try {
        const s = await this.shortfallTomorrow(ws.id, now);
        if (s) out.push({ workspaceId: ws.id, ...s });
      } catch (err) {
        this.logger.warn({ workspaceId: ws.id, err: (err as Error).message }, 'Could not check staffing');
      }
    }
    return out;
  }
}

function viewOf(h: StaffingHour) {
  return {
    t: h.t,
    open: h.open,
    expected: round(h.expected),
    workload: round(h.workload),
    erlangs: round(h.erlangs, 3),
    agentsNeeded: h.agentsNeeded,
    serviceLevel: h.serviceLevel === null ? null : round(h.serviceLevel, 4),
    occupancy: h.occupancy === null ? null : round(h.occupancy, 4),
    scheduled: h.scheduled === null ? null : round(h.scheduled, 1),
    shortfall: h.shortfall,
  };
}

function summarise(plan: StaffingHour[]) {
  const short = plan.filter((h) => (h.shortfall ?? 0) > 0);
  return {
    peakAgentsNeeded: plan.reduce((m, h) => Math.max(m, h.agentsNeeded), 0),
    agentHoursNeeded: plan.reduce((s, h) => s + h.agentsNeeded, 0),
    hoursShort: short.length,
    maxShortfall: short.reduce((m, h) => Math.max(m, h.shortfall ?? 0), 0),
  };
}

function roundFigures<T extends BacktestFigures>(f: T): T {
  const r = (n: number | null, d: number) => (n === null ? null : round(n, d));
  return {
    ...f,
    mae: r(f.mae, 3),
    maeSeasonalNaive: r(f.maeSeasonalNaive, 3),
    mase: r(f.mase, 3),
    mape: r(f.mape, 1),
    coverage80: r(f.coverage80, 1),
    coverage95: r(f.coverage95, 1),
  };
}

/** Groups items with a start time `t` (or `start`) by local day, in order. */
function groupByDay<T extends { t?: Date; start?: Date }>(items: readonly T[], tz: string): { t: Date; items: T[] }[] {
  const out: { t: Date; items: T[]; key: string }[] = [];
  for (const item of items) {
    const at = (item.t ?? item.start)!;
    const key = localDate(at, tz);
    const last = out[out.length - 1];
    if (last && last.key === key) last.items.push(item);
    else out.push({ key, t: DateTime.fromJSDate(at, { zone: tz }).startOf('day').toJSDate(), items: [item] });
  }
  return out.map(({ t, items: group }) => ({ t, items: group }));
}
