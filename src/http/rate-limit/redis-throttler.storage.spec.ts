import IORedis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAvailable(): Promise<boolean> {
  const r = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function untilReady(storage: RedisThrottlerStorage) {
  const redis = (storage as unknown as { redis: IORedis }).redis;
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

describe('RedisThrottlerStorage', () => {
  it('counts a fixed window in Redis and blocks past the limit for the block duration', async () => {
    if (!(await redisAvailable())) {
      if (process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL}; CI must start it`);
      console.warn(`skipped: needs Redis at ${REDIS_URL}`);
      return;
    }
    const prefix = `ouvidor-unit-${process.pid}-${Date.now()}`;
    const one = new RedisThrottlerStorage(REDIS_URL, prefix);
    const two = new RedisThrottlerStorage(REDIS_URL, prefix);
    await Promise.all([untilReady(one), untilReady(two)]);
    try {
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await (i % 2 ? two : one).increment('key:abc', 60_000, 3, 30_000, 'default'));
      expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, false],
      ]);
      expect(hits[2].timeToExpire).toBeGreaterThan(55);
      const over = await two.increment('key:abc', 60_000, 3, 30_000, 'default');
      expect(over).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 30 });
      // while blocked, nothing is counted: the block ends when it says it will
      expect(await one.increment('key:abc', 60_000, 3, 30_000, 'default')).toMatchObject({ totalHits: 4, isBlocked: true });
      // another key, or another throttler on the same key, has its own count
      expect(await one.increment('key:abc', 60_000, 3, 30_000, 'auth-failures')).toMatchObject({ totalHits: 1, isBlocked: false });
    } finally {
      one.onApplicationShutdown();
      two.onApplicationShutdown();
    }
  });

  it('counts in memory while Redis cannot be reached, and answers at once', async () => {
    const storage = new RedisThrottlerStorage('redis://127.0.0.1:1', 'ouvidor-unit-down');
    try {
      const started = Date.now();
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await storage.increment('key:down', 60_000, 2, 60_000, 'default'));
      expect(results.map((r) => r.isBlocked)).toEqual([false, false, true]);
      expect(results[2].timeToBlockExpire).toBeGreaterThan(55);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      storage.onApplicationShutdown();
    }
  });
});
