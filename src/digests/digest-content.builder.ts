import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { CasesService } from '../care/cases.service';
import { PLATFORM_NAMES, type Platform } from '../common/platform';
import { Settings, SETTINGS } from '../config/settings';
import { KPI_CHARTS, KpiDrillDown, KpiSection, SECTION_LABELS } from '../reports/kpis/catalogue';
import { ReportsService } from '../reports/reports.service';
import { TopicsService } from '../topics/topics.service';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import type { DigestChart, DigestContent, DigestItem, DigestScope, DigestSectionBlock } from './content';
import { CHART_COLORS, renderChartPng } from './render/charts';
import { formatDuration } from './render/format';
import { say } from './render/strings';
import type { ScheduleLean } from './digest-schedules.repository';
import { KPI_DIGEST_SECTIONS, sectionKpis } from './sections';

/** The records the CSV exports serve (src/exports); a KPI over other records has no CSV link. */
const EXPORTABLE = new Set(['mentions', 'cases', 'posts', 'leads']);
const WAITING_CASES = 5;

export interface DigestWindow {
  from: Date;
  to: Date;
  dueAt: Date;
  late: boolean;
}

interface ScopeContext {
  ws: WorkspaceView;
  schedule: ScheduleLean;
  window: DigestWindow;
  now: Date;
  topic: string | null;
  platform: string | null;
  overview: Awaited<ReturnType<ReportsService['overview']>>;
  charts: DigestChart[];
}

type SectionBuilder = (ctx: ScopeContext) => Promise<DigestSectionBlock | null>;

/**
 * Builds what a digest says from the same services the dashboard reads: one overview
 * (ReportsService.overview, the numbers of GET /reports/overview for the same period, time zone
 * and filters) per topic × network block, the catalogue's labels and targets, timeseries for the
 * charts, and the longest-waiting open cases. Sections are a registry: one builder per id.
 */
@Injectable()
export class DigestContentBuilder {
  private readonly sections = new Map<string, SectionBuilder>();

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly reports: ReportsService,
    private readonly cases: CasesService,
    private readonly topics: TopicsService,
  ) {
    for (const id of KPI_DIGEST_SECTIONS) this.sections.set(id, (ctx) => this.kpiSection(id, ctx));
  }

  /** The service's address in links: DIGEST_LINK_BASE_URL, or this instance on localhost. */
  baseUrl(): string {
    return this.settings.digest.linkBaseUrl ?? `http://localhost:${this.settings.port}`;
  }

  async build(ws: WorkspaceView, schedule: ScheduleLean, window: DigestWindow, now: Date): Promise<DigestContent> {
    const topics: (string | null)[] = schedule.topics.length ? schedule.topics.map(String) : [null];
    const networks: (string | null)[] = schedule.networks.length ? schedule.networks : [null];
    const charts: DigestChart[] = [];
    const scopes: DigestScope[] = [];
    for (const topic of topics) {
      const topicName = topic ? (await this.topics.get(ws.id, topic)).name : null;
      for (const platform of networks) {
        const overview = await this.reports.overview(
          ws.id,
          { from: window.from, to: window.to, tz: schedule.tz, topic: topic ?? undefined, platform: platform ?? undefined },
          now,
        );
        const ctx: ScopeContext = { ws, schedule, window, now, topic, platform, overview, charts };
        const blocks: DigestSectionBlock[] = [];
        for (const id of KPI_DIGEST_SECTIONS.filter((s) => schedule.sections.includes(s))) {
          const block = await this.sections.get(id)?.(ctx);
          if (block) blocks.push(block);
        }
        const label = [
          topicName ?? say(schedule.language, 'whole'),
          platform ? PLATFORM_NAMES[platform as Platform] : say(schedule.language, 'allNetworks'),
        ].join(' · ');
        scopes.push({ label, topic, platform, dashboardUrl: this.dashboardLink(schedule.tz, window, topic, platform), sections: blocks });
      }
    }
    return {
      workspace: ws.name,
      name: schedule.name,
      frequency: schedule.frequency,
      lang: schedule.language,
      tz: schedule.tz,
      currency: ws.currency,
      from: window.from,
      to: window.to,
      dueAt: window.dueAt,
      late: window.late,
      dashboardUrl: this.dashboardLink(schedule.tz, window, null, null),
      scopes,
      charts,
    };
  }

  private async kpiSection(section: KpiSection, ctx: ScopeContext): Promise<DigestSectionBlock> {
    const lang = ctx.schedule.language;
    const trends = ctx.overview.trends;
    const kpis = sectionKpis(section).map((k) => {
      const t = trends[k.name];
      return {
        name: k.name,
        label: k.label[lang],
        display: k.display,
        better: k.better,
        value: t?.value ?? null,
        previous: t?.previous ?? null,
        change: t?.change ?? { absolute: null, percent: null },
        target: t?.target ?? null,
        status: t?.status ?? null,
        csvUrl: this.csvLink(k.csv, ctx),
      };
    });
    const block: DigestSectionBlock = {
      id: section,
      title: SECTION_LABELS[section][lang],
      kpis,
      chartCid: await this.chart(section, ctx),
      items: [],
      itemsTitle: null,
      emptyNote: null,
    };
    if (section === 'care') {
      block.itemsTitle = say(lang, 'waiting');
      block.emptyNote = say(lang, 'noWaiting');
      block.items = await this.waitingCases(ctx);
    }
    return block;
  }

  /** The section's first chart of the catalogue (KPI_CHARTS), drawn from the timeseries of its KPIs. */
  private async chart(section: KpiSection, ctx: ScopeContext): Promise<string | null> {
    const spec = KPI_CHARTS.find((c) => c.section === section);
    if (!spec) return null;
    const lang = ctx.schedule.language;
    const interval = ctx.schedule.frequency === 'daily' ? 'hour' : 'day';
    const series = [];
    let labels: string[] = [];
    for (const s of spec.series) {
      const ts = await this.reports.timeseries(
        ctx.ws.id,
        {
          metric: s.kpi,
          interval,
          from: ctx.window.from,
          to: ctx.window.to,
          tz: ctx.schedule.tz,
          topic: ctx.topic ?? undefined,
          platform: ctx.platform ?? undefined,
        },
        ctx.now,
      );
      labels = ts.points.map((p) =>
        DateTime.fromISO(p.t, { zone: ctx.schedule.tz })
          .setLocale(lang === 'pt' ? 'pt-BR' : 'en-US')
          .toFormat(interval === 'hour' ? 'HH:mm' : 'ccc d'),
      );
      const kpi = sectionKpis(section).find((k) => k.name === s.kpi);
      series.push({
        name: kpi?.label[lang] ?? s.kpi,
        type: s.type,
        data: ts.points.map((p) => p.value),
        color: CHART_COLORS[s.color] ?? '#2b6cb0',
        stack: s.stack,
        axis: s.axis === 1 ? (1 as const) : (0 as const),
      });
    }
    const cid = `chart-${ctx.charts.length + 1}-${section}@ouvidor`;
    ctx.charts.push({ cid, title: spec.label[lang], png: renderChartPng({ title: spec.label[lang], labels, series }) });
    return cid;
  }

  private async waitingCases(ctx: ScopeContext): Promise<DigestItem[]> {
    const { data } = await this.cases.list(ctx.ws.id, {
      sort: 'waiting',
      limit: WAITING_CASES,
      topic: ctx.topic ?? undefined,
      platform: ctx.platform ?? undefined,
    });
    return data
      .filter((c) => c.awaitingReplySince && c.awaitingReplySince <= ctx.now)
      .map((c) => ({
        title: `@${c.customer.handle} · ${PLATFORM_NAMES[c.platform as Platform] ?? c.platform}`,
        detail: say(ctx.schedule.language, 'waitingFor', {
          duration: formatDuration((ctx.now.getTime() - c.awaitingReplySince!.getTime()) / 1000),
        }),
        url: `${this.baseUrl()}/#/case/${encodeURIComponent(c.id)}`,
      }));
  }

  private rangeParams(tz: string, window: { from: Date; to: Date }, topic: string | null, platform: string | null) {
    const q = new URLSearchParams({ from: window.from.toISOString(), to: window.to.toISOString(), tz });
    if (topic) q.set('topic', topic);
    if (platform) q.set('platform', platform);
    return q;
  }

  private dashboardLink(tz: string, window: { from: Date; to: Date }, topic: string | null, platform: string | null): string {
    const q = this.rangeParams(tz, window, topic, platform);
    q.set('range', 'custom');
    return `${this.baseUrl()}/#/overview?${q.toString()}`;
  }

  /** The CSV export of the rows behind a number, for the digest's period and filters. */
  private csvLink(csv: KpiDrillDown | null, ctx: ScopeContext): string | null {
    if (!csv || !EXPORTABLE.has(csv.of)) return null;
    const q = this.rangeParams(ctx.schedule.tz, ctx.window, ctx.topic, ctx.platform);
    q.delete('tz');
    for (const [k, v] of Object.entries(csv.filter ?? {})) q.set(k, v);
    return `${this.baseUrl()}/api/v1/exports/${csv.of}.csv?${q.toString()}`;
  }
}
