import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CaseExportRow, CasesService } from '../care/cases.service';
import { EngagementService } from '../engagement/engagement.service';
import { LeadInputRow, LeadsService } from '../leads/leads.service';
import { MentionsService, StoredMention } from '../mentions/mentions.service';
import { isSocialLead } from '../reports/kpis/leads';
import { SurveysService } from '../surveys/surveys.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { AllowQueryToken, Auth, SignedLink } from '../workspaces/auth/auth.decorators';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { CsvColumn, sendCsv } from './csv-response';
import { CasesExportQuery, ExportRangeQuery, MentionsExportQuery } from './dto/export-query.dto';

const DAY_MS = 24 * 3600_000;
const seconds = (a: Date | null | undefined, b: Date | null | undefined) =>
  a && b ? Math.round((b.getTime() - a.getTime()) / 1000) : null;

const MENTION_COLUMNS: CsvColumn<StoredMention>[] = [
  { header: 'id', value: (m) => m.id },
  { header: 'created_at', value: (m) => m.createdAt },
  { header: 'platform', value: (m) => m.platform },
  { header: 'external_id', value: (m) => m.externalId },
  { header: 'url', value: (m) => m.url },
  { header: 'author', value: (m) => m.author.handle },
  { header: 'author_followers', value: (m) => m.author.followers },
  { header: 'lang', value: (m) => m.lang },
  { header: 'sentiment', value: (m) => m.sentiment.label },
  { header: 'sentiment_score', value: (m) => m.sentiment.score },
  { header: 'intent', value: (m) => m.intent },
  { header: 'routed_team', value: (m) => m.routing?.team },
  { header: 'routing_keyword', value: (m) => m.routing?.keyword },
  { header: 'likes', value: (m) => m.metrics.likes },
  { header: 'reposts', value: (m) => m.metrics.reposts },
  { header: 'quotes', value: (m) => m.metrics.quotes },
  { header: 'replies', value: (m) => m.metrics.replies },
  { header: 'impressions', value: (m) => m.metrics.impressions },
  { header: 'topic_ids', value: (m) => m.topicIds.join(' ') },
  { header: 'text', value: (m) => m.text },
];

/**
 * CSV exports of the rows behind the reports, with the same filters as the lists. Each streams
 * from a database cursor, so an export of a million mentions never sits in memory. Each opens
 * with the API key, or without one through a signed link made for it (POST /exports/links).
 */
@ApiTags('exports')
@ApiBearerAuth()
@ApiProduces('text/csv')
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    private readonly mentions: MentionsService,
    private readonly cases: CasesService,
    private readonly engagement: EngagementService,
    private readonly leads: LeadsService,
    private readonly surveys: SurveysService,
    private readonly workspaces: WorkspacesService,
  ) {}

  @Get('mentions.csv')
  @SignedLink('mentions')
  @AllowQueryToken()
  @ApiOperation({ summary: 'Mentions with sentiment, intent, routing and metrics (filters as GET /mentions)' })
  async mentionsCsv(@Auth() auth: AuthContext, @Query() q: MentionsExportQuery, @Res() res: Response) {
    await sendCsv(res, 'mentions.csv', MENTION_COLUMNS, this.mentions.exportRows(auth.workspaceId, q));
  }

  @Get('cases.csv')
  @SignedLink('cases')
  @AllowQueryToken()
  @ApiOperation({ summary: 'Cases with first response, SLA, resolution and CSAT (filters as GET /cases)' })
  async casesCsv(@Auth() auth: AuthContext, @Query() q: CasesExportQuery, @Res() res: Response) {
    const ws = auth.workspaceId;
    const surveys = this.surveys;
    type Row = CaseExportRow & { csat: number | null };
    async function* withCsat(rows: AsyncIterable<CaseExportRow>): AsyncGenerator<Row> {
      let chunk: CaseExportRow[] = [];
      const flush = async function* () {
        const csat = await surveys.csatByCase(
          ws,
          chunk.map((c) => c.caseId),
        );
        for (const c of chunk) yield { ...c, csat: csat.get(c.caseId) ?? null };
        chunk = [];
      };
      for await (const row of rows) {
        chunk.push(row);
        if (chunk.length >= 500) yield* flush();
      }
      yield* flush();
    }
    const columns: CsvColumn<Row>[] = [
      { header: 'id', value: (c) => c.caseId },
      { header: 'platform', value: (c) => c.platform },
      { header: 'customer', value: (c) => c.customer },
      { header: 'status', value: (c) => c.status },
      { header: 'intent', value: (c) => c.intent },
      { header: 'sentiment', value: (c) => c.sentiment },
      { header: 'opened_at', value: (c) => c.openedAt },
      { header: 'first_response_at', value: (c) => c.firstResponseAt },
      { header: 'first_response_seconds', value: (c) => seconds(c.openedAt, c.firstResponseAt) },
      { header: 'first_response_due_at', value: (c) => c.firstResponseDueAt },
      { header: 'sla_breached', value: (c) => c.breached },
      { header: 'resolved_at', value: (c) => c.resolvedAt },
      { header: 'resolution_seconds', value: (c) => (c.status === 'resolved' ? seconds(c.openedAt, c.resolvedAt) : null) },
      { header: 'reopen_count', value: (c) => c.reopenCount },
      { header: 'abandoned_at', value: (c) => c.abandonedAt },
      { header: 'inbound_messages', value: (c) => c.inboundCount },
      { header: 'brand_responses', value: (c) => c.outboundCount },
      { header: 'assignee', value: (c) => c.assignee },
      { header: 'team', value: (c) => c.team },
      { header: 'routing_keyword', value: (c) => c.routingKeyword },
      { header: 'reassignments', value: (c) => c.reassignments.length },
      { header: 'csat', value: (c) => c.csat },
    ];
    await sendCsv(res, 'cases.csv', columns, withCsat(this.cases.exportRows(ws, q)));
  }

  @Get('posts.csv')
  @SignedLink('posts')
  @AllowQueryToken()
  @ApiOperation({ summary: "The brand's own posts with their latest metrics" })
  async postsCsv(@Auth() auth: AuthContext, @Query() q: ExportRangeQuery, @Res() res: Response) {
    type Post = Awaited<ReturnType<ReturnType<EngagementService['exportPosts']>['next']>> extends IteratorResult<infer R> ? R : never;
    const columns: CsvColumn<NonNullable<Post>>[] = [
      { header: 'platform', value: (p) => p.platform },
      { header: 'external_id', value: (p) => p.externalId },
      { header: 'published_at', value: (p) => p.createdAt },
      { header: 'account', value: (p) => p.accountHandle },
      { header: 'url', value: (p) => p.url },
      { header: 'likes', value: (p) => p.metrics.likes },
      { header: 'reposts', value: (p) => p.metrics.reposts },
      { header: 'quotes', value: (p) => p.metrics.quotes },
      { header: 'replies', value: (p) => p.metrics.replies },
      { header: 'impressions', value: (p) => p.metrics.impressions },
      { header: 'metrics_updated_at', value: (p) => p.metricsUpdatedAt },
      { header: 'text', value: (p) => p.text },
    ];
    await sendCsv(
      res,
      'posts.csv',
      columns,
      this.engagement.exportPosts(auth.workspaceId, q.from, q.to, q.topic, q.platform) as AsyncIterable<NonNullable<Post>>,
    );
  }

  @Get('leads.csv')
  @SignedLink('leads')
  @AllowQueryToken()
  @ApiOperation({ summary: 'Leads with UTM attribution and whether they count as social' })
  async leadsCsv(@Auth() auth: AuthContext, @Query() q: ExportRangeQuery, @Res() res: Response) {
    const ws = await this.workspaces.get(auth.workspaceId);
    const attribution = { socialMediums: ws.settings.socialMediums };
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 3650 * DAY_MS);
    const onlySocial = q.social === undefined ? null : q.social === 'true';
    const leads = this.leads;
    async function* rows() {
      for await (const l of leads.streamRows(ws.id, from, to)) {
        const social = isSocialLead(l, attribution);
        if (onlySocial === null || social === onlySocial) yield { ...l, social };
      }
    }
    const columns: CsvColumn<LeadInputRow & { social: boolean }>[] = [
      { header: 'id', value: (l) => l.leadId },
      { header: 'occurred_at', value: (l) => l.createdAt },
      { header: 'utm_source', value: (l) => l.utmSource },
      { header: 'utm_medium', value: (l) => l.utmMedium },
      { header: 'utm_campaign', value: (l) => l.utmCampaign },
      { header: 'mention_id', value: (l) => l.mentionId },
      { header: 'value', value: (l) => l.value },
      { header: 'social', value: (l) => l.social },
    ];
    await sendCsv(res, 'leads.csv', columns, rows());
  }
}
