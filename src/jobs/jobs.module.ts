import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Settings, SETTINGS } from '../config/settings';
import { BullMqJobEngine } from './bullmq-engine';
import { InProcessJobEngine } from './in-process-engine';
import { JobEngine } from './job-queue';

export const JOB_ENGINE = Symbol('JOB_ENGINE');

class JobEngineLifecycle implements OnApplicationShutdown {
  constructor(@Inject(JOB_ENGINE) private readonly engine: JobEngine) {}
  async onApplicationShutdown() {
    await this.engine.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: JOB_ENGINE,
      inject: [SETTINGS],
      useFactory: (settings: Settings): JobEngine => {
        const logger = new Logger('Jobs');
        if (settings.redisUrl) {
          logger.log(`Queues on BullMQ over Redis (${new URL(settings.redisUrl).host}); worker ${settings.worker ? 'on' : 'off'}`);
          return new BullMqJobEngine(settings.redisUrl, settings.worker, settings.queuePrefix, settings.takeoverMs);
        }
        logger.log('Queues run in process (REDIS_URL is unset)');
        return new InProcessJobEngine(settings.worker);
      },
    },
    JobEngineLifecycle,
  ],
  exports: [JOB_ENGINE],
})
export class JobsModule {}
