import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Settings, SETTINGS } from '../config/settings';
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
          // Loaded only here: BullMQ and ioredis hold about 5 MB of heap (sources and compiled code),
          // which a service without REDIS_URL (the demo) would carry for nothing.
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
          const { BullMqJobEngine } = require('./bullmq-engine') as typeof import('./bullmq-engine.js');
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
