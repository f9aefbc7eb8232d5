import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { DATABASE_TARGET, DatabaseTarget } from '../database/database-target';
import { JOB_ENGINE } from '../jobs/jobs.module';
import { JobEngine } from '../jobs/job-queue';
import { Public } from '../workspaces/auth/auth.decorators';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    @Inject(DATABASE_TARGET) private readonly database: DatabaseTarget,
    @Inject(JOB_ENGINE) private readonly jobs: JobEngine,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary:
      'Liveness and dependencies: `{ status, mongo, queue }`; 503 when one is down, with `reason` when known (e.g. the data disk is full)',
  })
  async check(@Res({ passthrough: true }) res: Response) {
    const [mongo, queue] = await Promise.all([
      this.health
        .check([() => this.mongoose.pingCheck('mongo', { timeout: 2000 })])
        .then(() => 'up' as const)
        .catch(() => 'down' as const),
      this.jobs.health(),
    ]);
    // The embedded engine still answers a ping while its disk is full: it says why it is down.
    const reason = this.database.unavailableReason() ?? (mongo === 'up' ? null : 'the database does not answer a ping');
    const mongoStatus = reason ? 'down' : 'up';
    const ok = mongoStatus === 'up' && queue.status === 'up';
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'error',
      mongo: { status: mongoStatus, engine: this.database.kind, ...(reason ? { reason } : {}) },
      queue,
    };
  }
}
