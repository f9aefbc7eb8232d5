import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { CasesService } from '../care/cases.service';
import { CompetitorsService } from '../competitors/competitors.service';
import { PLATFORM_NAMES, type Platform } from '../common/platform';
import { Settings, SETTINGS } from '../config/settings';
import { KPI_CHARTS, KpiDrillDown, KpiSection, SECTION_LABELS } from '../reports/kpis/catalogue';
import { ExportLinksService } from '../exports/export-links.service';
import { ForecastService } from '../forecast/forecast.service';
import { ReportsService } from '../reports/reports.service';
import { ThemesService } from '../themes/themes.service';
import { TopicsService } from '../topics/topics.service';
import { DIGEST_ISSUER } from '../workspaces/auth/signed-link';
import type { WorkspaceView } from '../workspaces/workspaces.service';
import type { DigestChart, DigestContent, DigestItem, DigestScope, DigestSectionBlock } from './content';
import { CHART_COLORS, renderChartPng } from './render/charts';
import { formatChange, formatDuration, formatValue } from './render/format';
import { say } from './render/strings';
import type { ScheduleLean } from './digest-schedules.repository';
import { DIGEST_SECTION_IDS, DIGEST_SECTION_LABELS, DigestSectionId, KPI_DIGEST_SECTIONS, sectionKpis } from './sections';

/** The records the CSV exports serve (src/exports); a KPI over other records has no CSV link. */
const EXPORTABLE = new Set(['mentions', 'cases', 'posts', 'leads']);
const WAITING_CASES = 5;
/** A digest's CSV links open without a key for this long after it is built (README, Digests). */
export const DIGEST_LINK_DAYS = 7;

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
    private readonly themes: ThemesService,
    private readonly competitors: CompetitorsService,
    private readonly forecasts: ForecastService,
    private readonly exportLinks: ExportLinksService,
  ) {
    for (const id of KPI_DIGEST_SECTIONS) this.sections.set(id, (ctx) => this.kpiSection(id, ctx));
    this.sections.set('themes', (ctx) => this.themesSection(ctx));
    this.sections.set('shareOfVoice', (ctx) => this.shareOfVoiceSection(ctx));
    this.sections.set('forecast', (ctx) => this.forecastSection(ctx));
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
        for (const id of DIGEST_SECTION_IDS.filter((s) => schedule.sections.includes(s))) {
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
    const kpis = sectionKpis(section).map(async (k) => {
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
        csvUrl: await this.csvLink(k.csv, ctx),
      };
    });
    const block: DigestSectionBlock = {
      id: section,
      title: SECTION_LABELS[section][lang],
      kpis: await Promise.all(kpis),
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

  private listSection(id: DigestSectionId, ctx: ScopeContext, items: DigestItem[], empty: string): DigestSectionBlock {
    const title = DIGEST_SECTION_LABELS[id][ctx.schedule.language];
    return { id, title, kpis: [], chartCid: null, items, itemsTitle: title, emptyNote: empty };
  }

  /** The period's emerging themes (ThemesService, as GET /reports/themes), each with an example post. */
  private async themesSection(ctx: ScopeContext): Promise<DigestSectionBlock> {
    const lang = ctx.schedule.language;
    const report = await this.themes.themes(
      ctx.ws.id,
      {
        from: ctx.window.from,
        to: ctx.window.to,
        tz: ctx.schedule.tz,
        topic: ctx.topic ?? undefined,
        platform: ctx.platform ?? undefined,
        limit: 5,
      },
      ctx.now,
    );
    const shown = (report.emerging.length ? report.emerging : report.themes).slice(0, 5);
    const items = shown.map((t) => {
      const ex = t.examples[0];
      const detail = say(lang, 'themeDetail', {
        mentions: formatValue(t.mentions, 'count', lang),
        change: formatChange({ absolute: t.mentions - t.previous.mentions, percent: t.change }, 'count', lang),
      });
      return { title: t.phrase, detail: ex ? `${detail} · “${ex.text.slice(0, 140)}”` : detail, url: ex?.url ?? null };
    });
    return this.listSection('themes', ctx, items, say(lang, 'noThemes'));
  }

  /** Share of voice of the brand and competitor topics (CompetitorsService, as GET /reports/share-of-voice). */
  private async shareOfVoiceSection(ctx: ScopeContext): Promise<DigestSectionBlock> {
    const lang = ctx.schedule.language;
    const sov = await this.competitors.shareOfVoice(
      ctx.ws.id,
      { from: ctx.window.from, to: ctx.window.to, tz: ctx.schedule.tz, platform: ctx.platform ?? undefined },
      ctx.now,
    );
    const items =
      sov.topics.length > 1
        ? sov.topics.map((t) => ({
            title: t.topic.name,
            detail: say(lang, 'voiceDetail', {
              share: formatValue(t.share, 'percent', lang),
              mentions: formatValue(t.mentions, 'count', lang),
            }),
            url: null,
          }))
        : [];
    return this.listSection('shareOfVoice', ctx, items, say(lang, 'noVoices'));
  }

  /** Inbound support expected per local day of the next week (ForecastService, as GET /reports/forecast). */
  private async forecastSection(ctx: ScopeContext): Promise<DigestSectionBlock> {
    const lang = ctx.schedule.language;
    const f = await this.forecasts.forecast(
      ctx.ws.id,
      { topic: ctx.topic ?? undefined, platform: ctx.platform ?? undefined, tz: ctx.schedule.tz, horizonDays: 7, interval: 'day' },
      ctx.now,
    );
    const items = f.forecast.map((p) => ({
      title: DateTime.fromJSDate(new Date(p.t), { zone: ctx.schedule.tz })
        .setLocale(lang === 'pt' ? 'pt-BR' : 'en-US')
        .toFormat('cccc d LLL'),
      detail: say(lang, 'forecastDetail', {
        expected: formatValue(p.expected, 'count', lang),
        lower: formatValue(p.lower80, 'count', lang),
        upper: formatValue(p.upper80, 'count', lang),
      }),
      url: null,
    }));
    return this.listSection('forecast', ctx, items, f.methodNote ?? '');
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

  /**
   * The CSV export of the rows behind a number, for the digest's period and filters: a link
   * signed for that export and query, so a recipient without an API key opens it, for
   * DIGEST_LINK_DAYS after the digest is built.
   */
  private async csvLink(csv: KpiDrillDown | null, ctx: ScopeContext): Promise<string | null> {
    if (!csv || !EXPORTABLE.has(csv.of)) return null;
    const q = this.rangeParams(ctx.schedule.tz, ctx.window, ctx.topic, ctx.platform);
    q.delete('tz');
    for (const [k, v] of Object.entries(csv.filter ?? {})) q.set(k, v);
    const expiresAt = new Date(ctx.now.getTime() + DIGEST_LINK_DAYS * 24 * 3600_000);
    const link = await this.exportLinks.create(ctx.ws.id, DIGEST_ISSUER, csv.of, Object.fromEntries(q), expiresAt);
    return `${this.baseUrl()}${link.url}`;
  }
}
