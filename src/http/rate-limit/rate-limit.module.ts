import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Settings, SETTINGS } from '../../config/settings';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { KeyRateLimitGuard } from './key-rate-limit.guard';

const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** The counts' storage, a provider of its own so Nest closes its Redis connection with the app. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      useFactory: (settings: Settings): ThrottlerStorage => {
        const logger = new Logger('RateLimit');
        if (!settings.redisUrl) {
          logger.log('Rate limits count in memory, per instance (REDIS_URL is unset)');
          return new ThrottlerStorageService();
        }
        logger.log(`Rate limits count in Redis (${new URL(settings.redisUrl).host}), shared by every instance`);
        // ioredis is loaded only with REDIS_URL (as BullMQ is in JobsModule): no heap spent on it otherwise
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
        const { RedisThrottlerStorage } = require('./redis-throttler.storage') as typeof import('./redis-throttler.storage.js');
        return new RedisThrottlerStorage(settings.redisUrl, settings.queuePrefix);
      },
      inject: [SETTINGS],
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
class RateLimitStorageModule {}

/**
 * `@nestjs/throttler` with its counts in Redis when `REDIS_URL` is set (every instance shares
 * them), in memory otherwise: per API key for the API (`KeyRateLimitGuard`), per IP for failed
 * authentication (`AuthFailureLimiter`, called by the API key guard).
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      useFactory: (settings: Settings, storage: ThrottlerStorage) => ({
        storage,
        throttlers: [{ name: 'default', ttl: 60_000, limit: settings.rateLimit.perMinute }],
      }),
      inject: [SETTINGS, RATE_LIMIT_STORAGE],
    }),
  ],
  providers: [AuthFailureLimiter, { provide: APP_GUARD, useClass: KeyRateLimitGuard }],
  exports: [AuthFailureLimiter],
})
export class RateLimitModule {}
