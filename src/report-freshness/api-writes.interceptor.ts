import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, mergeMap, Observable } from 'rxjs';
import { PendingCounts } from './pending-counts';
import { ReportVersionsRepository } from './report-versions.repository';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bumps the caller's workspace report version after every successful API write (leads, traffic,
 * contacts, surveys, targets, settings, case actions, corrections…), before the answer leaves, so
 * the next report call of any process recomputes (an API write is never within the report
 * cache's freshness bound: the caller sees it on its next call). One place instead of one call per writer;
 * background writes (collection, the care scan) bump where they write their rollups. Counts this
 * process queued (./pending-counts) are written before the bump.
 */
@Injectable()
export class ApiWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly versions: ReportVersionsRepository,
    private readonly pending: PendingCounts,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & { auth?: { workspaceId?: string } }>();
    if (READS.has(req.method)) return next.handle();
    return next.handle().pipe(
      mergeMap((value: unknown) => {
        const workspaceId = req.auth?.workspaceId;
        // The counts the write queued (an ingested page's rollups) are written first, then the bump.
        return workspaceId
          ? from(
              this.pending
                .settle()
                .then(() => this.versions.bump(workspaceId, { api: true }))
                .then(() => value),
            )
          : [value];
      }),
    );
  }
}
