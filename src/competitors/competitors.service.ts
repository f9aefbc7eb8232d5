import { BadRequestException, Injectable } from '@nestjs/common';
import { REOPEN_WINDOW_MS } from '../care/case-lifecycle';
import type { CaseSla } from '../care/case-timeline';
import { CasesService } from '../care/cases.service';
import { CareRollupsService } from '../care/rollups/care-rollups.service';
import { SlaClock } from '../care/sla';
import { VipAuthorsService } from '../care/vip-authors.service';
import { SUPPORT_INTENTS } from '../common/labels';
import type { CaseRow } from '../common/rows';
import { ROLLUP_SLOT_MS } from '../common/time-buckets';
import { isPrivateChannel } from '../common/visibility';
import { EngagementService } from '../engagement/engagement.service';
import { MentionsService } from '../mentions/mentions.service';
import { ReportsService, type ResolvedRange } from '../reports/reports.service';
import type { TimeRange } from '../reports/kpis';
import { TopicsService, type TopicView } from '../topics/topics.service';
import { WorkspacesService, type WorkspaceView } from '../workspaces/workspaces.service';
import { CompetitorRepliesRepository } from './competitor-replies.repository';
import { PublicCareLedger } from './public-care-ledger.service';
import type { AuthorsQuery, PublicCareQuery, ShareOfVoiceQuery, ShareOfVoiceSeriesQuery } from './dto/competitors-query.dto';
import { foldAuthors, rankAuthors } from './influential-authors';
import {
  ownPostsEngagement,
  publicCareFromCareRollups,
  publicCareKpis,
  shareOfVoice,
  shareOfVoiceSeries,
  type PublicCareKpis,
} from '../reports/kpis/competitors';
import { publicCaseRow, publicCases, type PublicCase } from './public-care';

const DAY_MS = 24 * 3600_000;
/** The influential authors group a range's mentions (not rollups): a quarter at most. */
const MAX_AUTHORS_RANGE_MS = 92 * DAY_MS;
const MAX_SERIES_BUCKETS = 2000;

/**
 * Competitors: share of voice, engagement on own posts and public care per topic (brand and
 * competitors side by side), and the influential authors. Mentions and sentiment come from the
 * rollups; engagement from the own posts; care from the brand's care rollups (kept on every case
 * change), or from a competitor's public care slots, which ingestion keeps
 * (./public-care-ledger.service.ts). The drill-down reads the brand's case rows and rebuilds a
 * competitor's public cases from its rows.
 */
@Injectable()
export class CompetitorsService {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly topics: TopicsService,
    private readonly reports: ReportsService,
    private readonly mentions: MentionsService,
    private readonly engagement: EngagementService,
    private readonly cases: CasesService,
    private readonly careRollups: CareRollupsService,
    private readonly vips: VipAuthorsService,
    private readonly competitorReplies: CompetitorRepliesRepository,
    private readonly ledger: PublicCareLedger,
  ) {}

  private async context(workspaceId: string, q: ShareOfVoiceQuery & { topic?: string }, now: Date) {
    const ws = await this.workspaces.get(workspaceId);
    const r = await this.reports.resolveRange(ws, q, now);
    return { ws, r };
  }

  /** Brand first, then competitors, each in creation order. */
  private async compared(workspaceId: string): Promise<TopicView[]> {
    const all = await this.topics.list(workspaceId);
    return [...all.filter((t) => t.role !== 'competitor'), ...all.filter((t) => t.role === 'competitor')];
  }

  /** With `whole`, each topic's fewest rows that hold the range (UTC days, hours and slots at the ends): totals only, no buckets. */
  private async rollupsByTopic(ws: WorkspaceView, topics: TopicView[], r: ResolvedRange, whole = false) {
    const cuts = whole ? [r.from, r.to] : undefined;
    const rows = await Promise.all(
      topics.map((t) => this.mentions.rollupRows(ws.id, r.from, r.to, { topic: t.id, platform: r.platform, cuts })),
    );
    return new Map(topics.map((t, i) => [t.id, rows[i]]));
  }

  async shareOfVoice(workspaceId: string, q: ShareOfVoiceQuery, now = new Date()) {
    const { ws, r } = await this.context(workspaceId, q, now);
    const topics = await this.compared(ws.id);
    const [rollups, followers, posts, cares] = await Promise.all([
      this.rollupsByTopic(ws, topics, r, true),
      this.engagement.followerSamples(ws.id, new Date(r.to.getTime() + 30 * DAY_MS)),
      // one read of the range's own posts for every topic (the index is by date, not topic)
      this.engagement.postsPublished(ws.id, r.from, r.to, undefined, r.platform),
      Promise.all(
        topics.map(async (t) =>
          t.role === 'competitor'
            ? { source: 'publicReplies', kpis: await this.ledger.kpis(ws, t, r, r.platform, now) }
            : { source: 'cases', kpis: await this.brandPublicCare(ws, t, r) },
        ),
      ),
    ]);
    const perTopic = topics.map((t, i) => ({
      posts: posts.filter((p) => (p.topicIds ?? []).some((id) => String(id) === t.id)),
      care: cares[i],
    }));
    const voices = shareOfVoice(rollups, r);
    const samples = followers.map((f) => ({ accountId: f.accountExternalId, at: f.at, followers: f.followers }));
    const range = { from: r.from.toISOString(), to: r.to.toISOString() };
    const rows = topics.map((t, i) => ({
      topic: { id: t.id, name: t.name, role: t.role },
      ...voices.get(t.id)!,
      engagement: ownPostsEngagement(
        perTopic[i].posts.map((p) => ({
          postId: p.externalId,
          accountId: p.accountExternalId,
          publishedAt: p.createdAt,
          likes: p.metrics.likes,
          reposts: p.metrics.reposts,
          quotes: p.metrics.quotes,
          replies: p.metrics.replies,
          impressions: p.metrics.impressions ?? null,
        })),
        samples,
        r,
      ),
      publicCare: { source: perTopic[i].care.source, ...perTopic[i].care.kpis },
      drillDown: {
        mentions: `/api/v1/mentions?${new URLSearchParams({ topic: t.id, ...range, ...(r.platform ? { platform: r.platform } : {}) }).toString()}`,
        publicCare: `/api/v1/reports/share-of-voice/public-care?${new URLSearchParams({ topic: t.id, ...range, ...(r.platform ? { platform: r.platform } : {}) }).toString()}`,
      },
    }));
    return {
      range: { from: r.from, to: r.to, tz: r.tz, platform: r.platform ?? null },
      mentions: rows.reduce((s, t) => s + t.mentions, 0),
      topics: rows,
    };
  }

  async series(workspaceId: string, q: ShareOfVoiceSeriesQuery, now = new Date()) {
    const { ws, r } = await this.context(workspaceId, q, now);
    const interval = q.interval ?? 'day';
    const topics = await this.compared(ws.id);
    const rollups = await this.rollupsByTopic(ws, topics, r);
    let points;
    try {
      points = shareOfVoiceSeries(rollups, r, interval, r.tz, MAX_SERIES_BUCKETS);
    } catch {
      throw new BadRequestException(`interval: more than ${MAX_SERIES_BUCKETS} ${interval} buckets; choose day or a shorter range`);
    }
    return {
      range: { from: r.from, to: r.to, tz: r.tz, platform: r.platform ?? null },
      interval,
      topics: topics.map((t) => ({ id: t.id, name: t.name, role: t.role })),
      points,
    };
  }

  /** The rows behind one topic's public care: its cases opened in range, with their messages for a competitor. */
  async publicCare(workspaceId: string, q: PublicCareQuery, now = new Date()) {
    const { ws, r } = await this.context(workspaceId, q, now);
    const topic = await this.topics.get(ws.id, q.topic);
    const care = await this.publicCareOf(ws, topic, r, now);
    const inRange = (at: Date) => at >= r.from && at < r.to;
    return {
      range: { from: r.from, to: r.to, tz: r.tz, platform: r.platform ?? null },
      topic: { id: topic.id, name: topic.name, role: topic.role },
      source: care.source,
      ...care.kpis,
      cases:
        care.source === 'cases'
          ? care.rows
              .filter((c) => inRange(c.openedAt))
              .map((c) => ({
                caseId: c.caseId,
                platform: c.platform,
                openedAt: c.openedAt,
                firstResponseAt: c.firstResponseAt,
                url: `/api/v1/cases/${c.caseId}`,
              }))
          : care.cases.filter((c) => inRange(c.openedAt)),
    };
  }

  /**
   * The brand's public care (its support cases on public networks opened in range) without its case
   * rows: the care rollups of the topic for the slots wholly in range (kept on every case change,
   * with each answered case's wall-clock first response), and the cases opened in the parts of a
   * slot the range cuts at its ends. The same figures as over every case row
   * (`publicCareFromCareRollups`); those rows while the workspace's rollups are not whole.
   */
  private async brandPublicCare(ws: WorkspaceView, topic: TopicView, r: ResolvedRange): Promise<PublicCareKpis> {
    const range: TimeRange = { from: r.from, to: r.to };
    const filter = { topic: topic.id, platform: r.platform };
    const isPublic = (row: { platform: string }) => !isPrivateChannel(row.platform);
    const a = new Date(Math.ceil(r.from.getTime() / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
    const b = new Date(Math.floor(r.to.getTime() / ROLLUP_SLOT_MS) * ROLLUP_SLOT_MS);
    if (a >= b) return publicCareKpis((await this.cases.rowsOpenedIn(ws.id, r.from, r.to, filter)).filter(isPublic), range);
    const [rollups, ...edges] = await Promise.all([
      this.careRollups.publicCareRows(ws, a, b, filter),
      r.from < a ? this.cases.rowsOpenedIn(ws.id, r.from, a, filter) : [],
      b < r.to ? this.cases.rowsOpenedIn(ws.id, b, r.to, filter) : [],
    ]);
    if (!rollups) return publicCareKpis((await this.cases.rowsOpenedIn(ws.id, r.from, r.to, filter)).filter(isPublic), range);
    return publicCareFromCareRollups(rollups.filter(isPublic), edges.flat().filter(isPublic), range);
  }

  /**
   * A topic's public care with its rows (the drill-down): the brand's
   * from its cases on public networks (a private channel's answers are not public); a competitor's
   * from its public cases (./public-care.ts), rebuilt
   * from its support-like mentions since a reopen window before `from` (earlier messages can hold
   * the case a later one joins) and its replies up to a week after `to`.
   */
  private async publicCareOf(
    ws: WorkspaceView,
    topic: TopicView,
    r: ResolvedRange,
    now: Date,
  ): Promise<
    { source: 'cases'; kpis: PublicCareKpis; rows: CaseRow[] } | { source: 'publicReplies'; kpis: PublicCareKpis; cases: PublicCase[] }
  > {
    const range: TimeRange = { from: r.from, to: r.to };
    if (topic.role !== 'competitor') {
      const rows = (
        await this.cases.rowsForReport(ws.id, r.from, r.to, { topic: topic.id, platform: r.platform, fields: 'service' })
      ).filter((c) => !isPrivateChannel(c.platform));
      return { source: 'cases', kpis: publicCareKpis(rows, range), rows };
    }
    const sla: CaseSla = { clock: SlaClock.allTime(), targets: ws.settings.sla };
    const since = new Date(r.from.getTime() - Math.max(REOPEN_WINDOW_MS, ws.settings.sla.abandonmentSeconds * 1000));
    const until = new Date(Math.min(now.getTime() + 1, r.to.getTime() + REOPEN_WINDOW_MS));
    const [messages, replies] = await Promise.all([
      this.mentions.careMessagesOfTopics(ws.id, [topic.id], SUPPORT_INTENTS, since, r.to, r.platform),
      this.competitorReplies.published(ws.id, [topic.id], since, until, r.platform),
    ]);
    // the customer messages replies answer that are no support request (a follow-up, a thank-you) still join their case
    const known = new Set(messages.map((m) => `${m.platform}\n${m.externalId}`));
    const missing = new Map<string, string[]>();
    for (const reply of replies) {
      if (known.has(`${reply.platform}\n${reply.inReplyToExternalId}`)) continue;
      missing.set(reply.platform, [...(missing.get(reply.platform) ?? []), reply.inReplyToExternalId]);
    }
    const answered = (
      await Promise.all([...missing].map(([platform, ids]) => this.mentions.careMessagesByExternalIds(ws.id, platform, ids)))
    )
      .flat()
      .filter((m) => m.topicIds.includes(topic.id));
    const cases = publicCases([...messages, ...answered], replies, sla, now);
    const rows = cases.map((c) => publicCaseRow(c, sla, now));
    return { source: 'publicReplies', kpis: publicCareKpis(rows, range), cases };
  }

  async authors(workspaceId: string, q: AuthorsQuery, now = new Date()) {
    const { ws, r } = await this.context(workspaceId, q, now);
    if (r.to.getTime() - r.from.getTime() > MAX_AUTHORS_RANGE_MS)
      throw new BadRequestException('from: the authors report spans at most 92 days');
    const sort = q.sort ?? 'reach';
    const groups = await this.mentions.authorTotals(ws.id, r.from, r.to, { topic: r.topic, platform: r.platform });
    const top = rankAuthors(
      foldAuthors(
        groups.map((g) => ({
          platform: g._id.platform,
          authorId: g._id.author,
          label: g._id.label,
          handle: g.handle,
          name: g.name ?? null,
          followers: g.followers ?? null,
          mentions: g.mentions,
          likes: g.likes ?? 0,
          reposts: g.reposts ?? 0,
          quotes: g.quotes ?? 0,
          replies: g.replies ?? 0,
        })),
      ),
      sort,
      q.limit ?? 50,
    );
    const [vips, open] = await Promise.all([this.vips.keys(ws.id), this.cases.openCaseOf(ws.id, top)]);
    return {
      range: { from: r.from, to: r.to, tz: r.tz, topic: r.topic ?? null, platform: r.platform ?? null },
      sort,
      authors: top.map((a) => {
        const key = `${a.platform}:${a.authorId}`;
        return { ...a, vip: vips.has(key), openCaseId: open.get(key) ?? null };
      }),
    };
  }
}
