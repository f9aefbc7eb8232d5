import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TopicsService } from '../topics/topics.service';
import type { AuthContext } from '../workspaces/api-keys.service';
import { Auth, Roles } from '../workspaces/auth/auth.decorators';
import { COLLECTORS, Collector } from './collector';
import { CollectorStateService } from './collector-state.service';
import { QuarantineRepository } from './quarantine/quarantine.repository';
import { ReadQuotasService } from './read-quotas.service';

/** Is collection working? The networks this installation reads, and how each topic's last runs went. */
@ApiTags('topics')
@ApiBearerAuth()
@Controller('api/v1/collectors')
export class CollectorsController {
  constructor(
    @Inject(COLLECTORS) private readonly collectors: Collector[],
    private readonly topics: TopicsService,
    private readonly state: CollectorStateService,
    private readonly quarantine: QuarantineRepository,
    private readonly quotas: ReadQuotasService,
  ) {}

  @Get('status')
  @Roles('admin', 'analyst')
  @ApiOperation({
    summary:
      "Networks (configured or not; posts this workspace read this month, and its own monthly read cap where the network's reads are paid) and, per topic of this workspace, its last run, last success, last error (and whether the network or the run was at fault), and per stream where it stands, what its last run stored, found already known and set aside, and how many of its items are in quarantine",
  })
  async status(@Auth() auth: AuthContext) {
    // The workspace's own reads and cap: other workspaces' use is theirs to see.
    const networks = await Promise.all(
      this.collectors.map(async (c) => ({
        platform: c.platform,
        configured: c.configured,
        ...(await this.quotas.usage(auth.workspaceId, c.platform)),
        ...(c.networkStatus ? await c.networkStatus() : {}),
      })),
    );
    const topics = await this.topics.list(auth.workspaceId);
    const [{ statuses, cursors }, quarantined] = await Promise.all([
      this.state.topicStatus(topics.map((t) => t.id)),
      this.quarantine.countByStream(topics.map((t) => t.id)),
    ]);
    const statusOf = new Map(statuses.map((s) => [String(s.topicId), s]));
    const quarantinedIn = (topicId: string, stream?: string) =>
      quarantined.filter((q) => q.topicId === topicId && (stream === undefined || q.stream === stream)).reduce((n, q) => n + q.count, 0);
    return {
      networks,
      topics: topics.map((t) => {
        const s = statusOf.get(t.id);
        return {
          id: t.id,
          name: t.name,
          active: t.active,
          platforms: t.platforms,
          lastStartedAt: s?.lastStartedAt ?? null,
          lastSucceededAt: s?.lastSucceededAt ?? null,
          lastCounts: s?.lastCounts ?? null,
          lastFailedAt: s?.lastFailedAt ?? null,
          lastError: s?.lastError ?? null,
          lastErrorKind: s?.lastError ? (s.lastErrorKind ?? 'run') : null,
          quarantined: quarantinedIn(t.id),
          streams: streamsOf(
            cursors.filter((c) => String(c.topicId) === t.id),
            s?.lastRunStreams ?? [],
            quarantined.filter((q) => q.topicId === t.id).map((q) => q.stream),
          ).map((stream) => {
            const c = cursors.find((x) => String(x.topicId) === t.id && x.stream === stream);
            const last = s?.lastRunStreams?.find((x) => x.stream === stream);
            return {
              stream,
              platform: stream.split(':')[0],
              caughtUpTo: c?.sinceId ?? null,
              resuming: (c?.pending ?? null) !== null,
              updatedAt: c?.updatedAt ?? null,
              lastRun: last ? { stored: last.stored, known: last.known, rejected: last.rejected } : null,
              quarantined: quarantinedIn(t.id, stream),
            };
          }),
        };
      }),
    };
  }
}

/** Every stream of a topic that has a cursor, counts from the last run, or items in quarantine, cursor order first. */
function streamsOf(cursors: { stream: string }[], lastRun: { stream: string }[], quarantined: string[]): string[] {
  return [...new Set([...cursors.map((c) => c.stream), ...lastRun.map((s) => s.stream), ...quarantined])];
}
