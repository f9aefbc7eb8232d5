import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import IORedis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One atomic step of a fixed window with a block: while the block key lives, the request is refused
 * without counting; otherwise INCR the window (PEXPIRE on its first hit) and, past the limit, set
 * the block key for `blockDuration`. Both keys share a hash tag, so this also runs on a cluster.
 * Returns { hits, window ms left, blocked 0|1, block ms left }.
 */
const INCREMENT_LUA = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
  return { hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft }
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, left, 1, tonumber(ARGV[3]) }
end
return { hits, left, 0, 0 }
`;

type RateLimitRedis = IORedis & {
  ouvidorRateLimit(
    hitsKey: string,
    blockKey: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
  ): Promise<[number, number, number, number]>;
};

/**
 * `@nestjs/throttler` storage in Redis, so every instance counts the same requests. A Redis that is
 * down or slow must not take the API with it: a failed command is answered by an in-memory window
 * of this instance (limits then hold per instance until Redis is back), with one warning a minute.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: RateLimitRedis;
  private readonly fallback = new ThrottlerStorageService();
  private lastWarning = 0;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new IORedis(redisUrl, {
      // Fail fast instead of queueing: a rate limit that waits for Redis would stall every request.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectionName: `${prefix}:ratelimit`,
    }) as RateLimitRedis;
    this.redis.on('error', (err) => this.warn(err));
    this.redis.defineCommand('ouvidorRateLimit', { numberOfKeys: 2, lua: INCREMENT_LUA });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:ratelimit:{${throttlerName}:${key}}`;
    try {
      const [totalHits, leftMs, blocked, blockLeftMs] = await this.redis.ouvidorRateLimit(
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        blockDuration,
      );
      return {
        totalHits,
        timeToExpire: Math.ceil(leftMs / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeftMs / 1000),
      };
    } catch (err) {
      this.warn(err as Error);
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  private warn(err: Error) {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.logger.warn(`Rate limits count in this instance only while Redis fails: ${err.message}`);
  }

  onApplicationShutdown() {
    this.fallback.onApplicationShutdown();
    this.redis.disconnect();
  }
}
