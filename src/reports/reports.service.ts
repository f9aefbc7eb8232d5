import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AgentsService } from '../care/agents/agents.service';
import { CasesService, slaClockFor } from '../care/cases.service';
import { CareRollupsService } from '../care/rollups/care-rollups.service';
import { EngagementService } from '../engagement/engagement.service';
import { LeadsService } from '../leads/leads.service';
import { MentionsService } from '../mentions/mentions.service';
import { SurveysService } from '../surveys/surveys.service';
import { LISTENING_PLATFORMS } from '../common/platform';
import { TopicsService } from '../topics/topics.service';
import { TrafficService } from '../traffic/traffic.service';
import { WorkspacesService, WorkspaceView } from '../workspaces/workspaces.service';
import { CareReportQuery, ReportQuery, TimeseriesQuery } from './dto/report-query.dto';
import { agentReport, assertTimeZone, bucketStarts, Interval, KpiTarget, nextBucket, previousPeriod, serviceKpis, TimeRange } from './kpis';
import { catalogueView, kpiByName, TIMESERIES_KPIS } from './kpis/catalogue';
import { numericLeaves, overviewSection, overviewSections, ReportOptions, ReportRows, trendsOf } from './overview';
import { ReportCache } from './report-cache';
import { KpiTargetDoc } from './schemas/kpi-target.schema';

const DAY_MS = 24 * 3600_000;
const MAX_RANGE_MS = 400 * DAY_MS;
const MAX_BUCKETS = 5000;

type Source = 'rollups' | 'posts' | 'followers' | 'leads' | 'traffic' | 'contacts' | 'cases' | 'surveys';

/** The row sources each overview section reads (see ./overview). */
const SECTION_SOURCES: Record<string, Source[]> = {
  volume: ['rollups'],
  sentiment: ['rollups'],
  support: ['rollups'],
  engagement: ['posts', 'followers'],
  leads: ['leads', 'rollups', 'traffic'],
  deflection: ['contacts', 'traffic', 'cases'],
  service: ['cases'],
  csat: ['surveys'],
  nps: ['surveys'],
};

export interface ResolvedRange extends TimeRange {
  tz: string;
  topic?: string;
  platform?: string;
}

/**
 * Reports read the hourly rollups and small collections (posts, cases, leads, traffic, surveys),
 * never all mentions; every number comes from a pure KPI function in ./kpis.
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectModel(KpiTargetDoc.name) private readonly targets: Model<KpiTargetDoc>,
    private readonly workspaces: WorkspacesService,
    private readonly topics: TopicsService,
    private readonly mentions: MentionsService,
    private readonly engagement: EngagementService,
    private readonly cases: CasesService,
    private readonly careRollups: CareRollupsService,
    private readonly agents: AgentsService,
    private readonly leads: LeadsService,
    private readonly traffic: TrafficService,
    private readonly surveys: SurveysService,
    private readonly cache: ReportCache,
  ) {}

  /**
   * The cache key's view of the query: a range without `to` ends now, so it also names the
   * second it was asked in.
   */
  private cacheQuery(q: ReportQuery, now: Date): object {
    return q.to ? q : { ...q, now: Math.floor(now.getTime() / 1000) };
  }

  async resolveRange(ws: WorkspaceView, q: ReportQuery, now = new Date()): Promise<ResolvedRange> {
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 7 * DAY_MS);
    if (from >= to) throw new BadRequestException('from: must be before to');
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new BadRequestException('from: the range may span at most 400 days');
    const tz = q.tz ?? ws.timezone;
    assertTimeZone(tz);
    if (q.topic) await this.topics.get(ws.id, q.topic); // 404 for another workspace's topic
    return { from, to, tz, topic: q.topic, platform: q.platform };
  }

  private options(ws: WorkspaceView, tz: string, now: Date): ReportOptions {
    return {
      tz,
      now,
      clock: slaClockFor(ws),
      firstResponseTargetSeconds: ws.settings.sla.firstResponseSeconds,
      abandonmentWindowSeconds: ws.settings.sla.abandonmentSeconds,
      socialMediums: ws.settings.socialMediums,
      costPerCall: ws.settings.costs.perCall,
      costPerSocialInteraction: ws.settings.costs.perSocialInteraction,
      platforms: LISTENING_PLATFORMS,
    };
  }

  /**
   * One query per source over [from, to), shaped as the KPI functions' plain rows; only the
   * sources `sections` read (a `volume.mentions` series never loads cases). With `bucketCuts` (a
   * series' bucket bounds), the rollups are read as whole UTC days and hours inside each bucket
   * where they fit, as for the overview's two ranges.
   */
  async rows(
    ws: WorkspaceView,
    r: ResolvedRange,
    previous?: TimeRange,
    sections?: readonly string[],
    bucketCuts?: Date[],
  ): Promise<ReportRows> {
    const from = previous ? previous.from : r.from;
    const { to } = r;
    const needed = new Set((sections ?? Object.keys(SECTION_SOURCES)).flatMap((s) => SECTION_SOURCES[s] ?? []));
    const load = <T>(source: Source, fetch: () => Promise<T[]>): Promise<T[]> => (needed.has(source) ? fetch() : Promise.resolve([]));
    const NO_SENDS = { csat: null, nps: null };
    const sendsFor = async (range: TimeRange | undefined) => {
      if (!range || !needed.has('surveys')) return NO_SENDS;
      const [csat, nps] = await Promise.all([
        this.surveys.sendCount(ws.id, 'csat', range.from, range.to),
        this.surveys.sendCount(ws.id, 'nps', range.from, range.to),
      ]);
      return { csat, nps };
    };
    // The overview's ranges (the previous period, the current one) are read as whole UTC days with
    // hours and slots at their edges, each row wholly in one range: about a row a day, whatever
    // the length. A series of local days or weeks reads its buckets the same way (every bucket is
    // whole slots, so its hours and days are the UTC ones wholly inside it); hourly ones read slots.
    const cuts = previous ? [previous.from, r.from, r.to] : bucketCuts;
    // The care KPIs read the care rollups and only the open cases; the cases themselves while the
    // workspace's rollups are not whole (being built, or counted with other SLA settings).
    const careSlots = needed.has('cases')
      ? this.careRollups.rowsForReport(ws, from, to, { topic: r.topic, platform: r.platform, cuts })
      : Promise.resolve(null);
    const [rollups, posts, followers, leads, traffic, contacts, cases, surveys, sendsCurrent, sendsPrevious] = await Promise.all([
      // The previous period's hour and day rows without their per-slot inbound support: only the
      // current period has a peak hour.
      load('rollups', () =>
        this.mentions.rollupRows(ws.id, from, to, {
          topic: r.topic,
          platform: r.platform,
          cuts,
          ...(previous ? { inboundFrom: r.from } : {}),
        }),
      ),
      // `platform` narrows what belongs to a network (mentions, own posts and their accounts'
      // followers, cases); leads, website traffic, contacts and surveys are not per network
      load('posts', () => this.engagement.postsPublished(ws.id, from, to, r.topic, r.platform)),
      load('followers', () => this.engagement.followerSamples(ws.id, new Date(to.getTime() + 30 * DAY_MS))),
      // Leads and survey responses likewise: whole UTC days from their day rollups, records at the edges.
      load('leads', () => (cuts ? this.leads.reportRows(ws.id, cuts) : this.leads.rows(ws.id, from, to))),
      load('traffic', () => this.traffic.trafficRows(ws.id, from, to)),
      load('contacts', () => this.traffic.supportContactRows(ws.id, from, to)),
      load('cases', async () =>
        this.cases.rowsForReport(ws.id, from, to, {
          topic: r.topic,
          platform: r.platform,
          openCases: 'awaiting',
          fields: 'service',
          onlyOpen: (await careSlots) !== null,
        }),
      ),
      load('surveys', () => (cuts ? this.surveys.reportRows(ws.id, cuts) : this.surveys.responseRows(ws.id, from, to))),
      sendsFor(r),
      sendsFor(previous),
    ]);
    return {
      rollups,
      posts: posts.map((p) => ({
        postId: p.externalId,
        accountId: p.accountExternalId,
        publishedAt: p.createdAt,
        likes: p.metrics.likes,
        reposts: p.metrics.reposts,
        quotes: p.metrics.quotes,
        replies: p.metrics.replies,
        impressions: p.metrics.impressions ?? null,
      })),
      followers: followers.map((f) => ({ accountId: f.accountExternalId, at: f.at, followers: f.followers })),
      leads,
      traffic,
      contacts,
      cases,
      careSlots: await careSlots,
      surveys,
      sends: { current: sendsCurrent, previous: sendsPrevious },
    };
  }

  async targetMap(workspaceId: string): Promise<Map<string, KpiTarget>> {
    const docs = await this.targets.find({ workspaceId: new Types.ObjectId(workspaceId) }).lean();
    return new Map(docs.map((d) => [d.kpi, { value: d.value, direction: d.direction }]));
  }

  /** Every KPI over the range and its previous period; answers cached per report version (./report-cache). */
  overview(workspaceId: string, query: ReportQuery, now = new Date()) {
    return this.cache.answer('overview', workspaceId, this.cacheQuery(query, now), () => this.computeOverview(workspaceId, query, now));
  }

  private async computeOverview(workspaceId: string, q: ReportQuery, now: Date) {
    const ws = await this.workspaces.get(workspaceId);
    const r = await this.resolveRange(ws, q, now);
    const prev = previousPeriod(r.from, r.to);
    const rows = await this.rows(ws, r, prev);
    const opts = this.options(ws, r.tz, now);
    const current = overviewSections(rows, r, opts, 'current');
    const previous = overviewSections(rows, prev, opts, 'previous');
    return {
      range: { from: r.from, to: r.to, tz: r.tz, topic: r.topic ?? null, platform: r.platform ?? null },
      previousRange: prev,
      currency: ws.currency,
      ...current,
      trends: trendsOf(current, previous, await this.targetMap(workspaceId)),
    };
  }

  /** One KPI per bucket; answers cached per report version (./report-cache). */
  timeseries(workspaceId: string, query: TimeseriesQuery, now = new Date()) {
    return this.cache.answer('timeseries', workspaceId, this.cacheQuery(query, now), () => this.computeTimeseries(workspaceId, query, now));
  }

  private async computeTimeseries(workspaceId: string, q: TimeseriesQuery, now: Date) {
    const ws = await this.workspaces.get(workspaceId);
    const r = await this.resolveRange(ws, q, now);
    const interval: Interval = q.interval ?? 'day';
    let starts: Date[];
    try {
      starts = bucketStarts(r.from, r.to, interval, r.tz, MAX_BUCKETS);
    } catch {
      throw new BadRequestException(`interval: more than ${MAX_BUCKETS} ${interval} buckets; choose a longer interval or a shorter range`);
    }
    if (!kpiByName(q.metric)?.timeseries) {
      throw new BadRequestException(`metric: unknown KPI "${q.metric}"; one of ${TIMESERIES_KPIS.join(', ')}`);
    }
    const [section] = q.metric.split('.');
    // Bucket bounds as cuts (each bucket's rows wholly inside it); hours stay slots (a cut per hour would gain nothing).
    const bucketCuts = interval === 'hour' ? undefined : [r.from, ...starts.slice(1), r.to];
    const rows = await this.rows(ws, r, undefined, [section], bucketCuts);
    const opts = this.options(ws, r.tz, now);
    const points = starts.map((start) => {
      const end = nextBucket(start, interval, r.tz);
      const bucket = { from: start < r.from ? r.from : start, to: end > r.to ? r.to : end };
      const value = numericLeaves(overviewSection(rows, bucket, opts, section), section)[q.metric];
      return { t: start.toISOString(), value: value ?? null };
    });
    return { metric: q.metric, interval, tz: r.tz, from: r.from, to: r.to, points };
  }

  /** The KPI catalogue (see ./kpis/catalogue.ts): plain data, labels in pt and en. */
  kpis() {
    return catalogueView();
  }

  async care(workspaceId: string, q: CareReportQuery, now = new Date()) {
    const ws = await this.workspaces.get(workspaceId);
    const r = await this.resolveRange(ws, q, now);
    const opts = this.options(ws, r.tz, now);
    const [cases, agents, presence] = await Promise.all([
      this.cases.rowsForReport(ws.id, r.from, r.to, { topic: r.topic, platform: r.platform, team: q.team, agent: q.agent }),
      this.agents.list(ws.id),
      this.agents.presenceEvents(ws.id, r.to),
    ]);
    const service = serviceKpis(cases, r, now, {
      clock: opts.clock,
      firstResponseTargetSeconds: opts.firstResponseTargetSeconds,
      abandonmentWindowSeconds: opts.abandonmentWindowSeconds,
    });
    const people = agentReport({ cases, presence, agents: agents.map((a) => ({ agentId: a.id, team: a.team })) }, r, now);
    const names = new Map(agents.map((a) => [a.id, a.name]));
    return {
      range: { from: r.from, to: r.to, tz: r.tz, platform: r.platform ?? null, team: q.team ?? null, agent: q.agent ?? null },
      service,
      agents: people.agents.map((a) => ({ ...a, name: names.get(a.agentId) ?? null })),
      teams: people.teams,
      routingKeywords: people.routingKeywords,
    };
  }

  async setTargets(workspaceId: string, targets: { kpi: string; value: number; direction: 'higher' | 'lower' }[]) {
    const wsId = new Types.ObjectId(workspaceId);
    for (const t of targets) {
      await this.targets.updateOne(
        { workspaceId: wsId, kpi: t.kpi },
        { $set: { value: t.value, direction: t.direction } },
        { upsert: true },
      );
    }
    return this.listTargets(workspaceId);
  }

  async listTargets(workspaceId: string) {
    const docs = await this.targets
      .find({ workspaceId: new Types.ObjectId(workspaceId) })
      .sort({ kpi: 1 })
      .lean();
    return docs.map((d) => ({ kpi: d.kpi, value: d.value, direction: d.direction }));
  }

  async deleteTarget(workspaceId: string, kpi: string) {
    await this.targets.deleteOne({ workspaceId: new Types.ObjectId(workspaceId), kpi });
  }
}
