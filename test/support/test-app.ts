import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadSettings, Settings } from '../../src/config/settings';

export const TEST_ADMIN_KEY = 'ouv_test-admin-key-0123456789abcdef';

/**
 * Suites fire requests with one key, and from one address, far faster than any client: the
 * per-key and failed-authentication limits are raised for them (the SSE cap and the re-check
 * keep their defaults). `test/security-limits.e2e-spec.ts` passes the limits it tests.
 */
export const TEST_RATE_LIMITS = { perMinute: 1_000_000, authFailuresPerMinute: 1_000_000 };

/**
 * The collect job retries a failing run after this, then twice this (5 s and 10 s in production).
 * Suites make runs fail on purpose and wait out every retry: a quarter of a second keeps the retries
 * and their order (each is still a separate attempt after the last one failed) without the wait.
 */
export const TEST_COLLECT_RETRY_BACKOFF_MS = 250;
/**
 * Likewise the X, Bluesky and Mastodon collectors' back-off after a 5xx or a cut-short answer
 * (0.5 s doubling to 8 s in production; here 50 ms to 0.8 s): the same five retries in the same
 * order. Rate-limit waits are not shortened: suites check those are waited out.
 */
export const TEST_COLLECTOR_RETRY_BASE_MS = 50;

export interface TestApp {
  app: NestExpressApplication;
  settings: Settings;
  http: () => ReturnType<typeof request>;
  /** supertest agent with the default workspace's admin key preset on each call. */
  as: (key: string) => {
    get: (url: string) => request.Test;
    post: (url: string) => request.Test;
    patch: (url: string) => request.Test;
    put: (url: string) => request.Test;
    delete: (url: string) => request.Test;
  };
  close: () => Promise<void>;
}

/**
 * Starts the real application: embedded engine in memory, in-process queues unless the caller
 * passes `redisUrl`, no demo, the test admin key. Listens on a free port and talks HTTP.
 */
export async function startTestApp(overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const settings = loadSettings(env, {
    overrides: {
      dataDir: ':memory:',
      demo: false,
      logLevel: 'silent',
      adminApiKey: TEST_ADMIN_KEY,
      port: 0,
      rateLimit: TEST_RATE_LIMITS,
      collectOnDemandIntervalSeconds: 0,
      collectRetryBackoffMs: TEST_COLLECT_RETRY_BACKOFF_MS,
      collectorRetryBaseMs: TEST_COLLECTOR_RETRY_BASE_MS,
      ...overrides,
    },
  });
  const app = await createApp(settings);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const http = () => request(server);
  const as = (key: string) => {
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${key}`);
    return {
      get: (url: string) => auth(request(server).get(url)),
      post: (url: string) => auth(request(server).post(url)),
      patch: (url: string) => auth(request(server).patch(url)),
      put: (url: string) => auth(request(server).put(url)),
      delete: (url: string) => auth(request(server).delete(url)),
    };
  };
  return { app, settings, http: http, as, close: () => app.close() };
}
