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
  @ApiOperation({ summary: 'Liveness and dependencies: `{ status, mongo, queue }`; 503 when one is down' })
  async check(@Res({ passthrough: true }) res: Response) {
    const [mongo, queue] = await Promise.all([
      this.health
        .check([() => this.mongoose.pingCheck('mongo', { timeout: 2000 })])
        .then(() => 'up' as const)
        .catch(() => 'down' as const),
      this.jobs.health(),
    ]);
    const ok = mongo === 'up' && queue.status === 'up';
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'error',
      mongo: { status: mongo, engine: this.database.kind },
      queue,
    };
  }
}
