import { rateLimitWaitMs, withRetryPolicy, type FailureKind } from './retry-policy';

describe('the collectors’ retry policy', () => {
  const hooks = (log: string[]) => ({
    maxRateLimitWaitMs: 2_000,
    waiting: (reason: string, i: { waitMs: number }) => void log.push(`${reason}:${i.waitMs}`),
  });

  it('waits until the announced reset, bounded, and a minute when none was announced', () => {
    expect(rateLimitWaitMs(10_000, 60_000, 4_000)).toBe(6_500);
    expect(rateLimitWaitMs(10_000, 2_000, 4_000)).toBe(2_000);
    expect(rateLimitWaitMs(1_000, 60_000, 4_000)).toBe(500);
    expect(rateLimitWaitMs(null, 120_000, 0)).toBe(60_000);
  });

  it('retries transient failures with back-off, then gives up; never retries a fatal one', async () => {
    jest.useFakeTimers();
    try {
      const log: string[] = [];
      let calls = 0;
      const failing = withRetryPolicy(
        async () => {
          calls++;
          throw new Error('503');
        },
        () => 'transient',
        hooks(log),
      );
      const settled = failing.catch((e: Error) => e.message);
      await jest.runAllTimersAsync();
      expect(await settled).toBe('503');
      expect(calls).toBe(6);
      expect(log).toEqual(['transient:500', 'transient:1000', 'transient:2000', 'transient:4000', 'transient:8000']);

      let fatalCalls = 0;
      await expect(
        withRetryPolicy(
          async () => {
            fatalCalls++;
            throw new Error('401');
          },
          () => 'fatal',
          hooks([]),
        ),
      ).rejects.toThrow('401');
      expect(fatalCalls).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('starts the transient back-off where the caller says, the same five retries', async () => {
    jest.useFakeTimers();
    try {
      const log: string[] = [];
      let calls = 0;
      const settled = withRetryPolicy(
        async () => {
          calls++;
          throw new Error('503');
        },
        () => 'transient',
        { ...hooks(log), transientBaseMs: 50 },
      ).catch((e: Error) => e.message);
      await jest.runAllTimersAsync();
      expect(await settled).toBe('503');
      expect(calls).toBe(6);
      expect(log).toEqual(['transient:50', 'transient:100', 'transient:200', 'transient:400', 'transient:800']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers once a rate-limited call goes through', async () => {
    const log: string[] = [];
    let calls = 0;
    const kind: FailureKind = { rateLimitedUntil: Date.now() - 1 };
    const value = await withRetryPolicy(
      async () => {
        if (++calls < 3) throw new Error('429');
        return 'ok';
      },
      () => kind,
      hooks(log),
    );
    expect(value).toBe('ok');
    expect(log).toEqual(['rate-limit:500', 'rate-limit:500']);
  });
});
