import { getConnectionToken } from '@nestjs/mongoose';
import { describeWithRedis, TEST_REDIS_URL } from './support/redis-available';
import type { Connection } from 'mongoose';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { waitUntil } from './support/waiting';

/**
 * SECURITY.md, "Rate limits and streams", as an attacker would try it: spraying bad keys, flooding with one key, opening
 * streams without end, and keeping a stream open after its key was revoked.
 */

const LIMITS = { perMinute: 40, authFailuresPerMinute: 30, sseStreamsPerKey: 2, sseKeyRecheckSeconds: 1 };
const badKey = (i: number) => `ouv_not-a-real-key-${String(i).padStart(6, '0')}-000000000000`;

/** An open SSE connection: its status, what it has received so far, and whether the server ended it. */
interface OpenStream {
  status: number;
  headers: Headers;
  text(): string;
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

async function openStream(baseUrl: string, path: string, key: string): Promise<OpenStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
    signal: abort.signal,
  });
  let received = '';
  let ended = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return { status: res.status, headers: res.headers, text: () => received, ended: done, isEnded: () => ended, close: () => abort.abort() };
}

describe('Rate limits and stream hygiene (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  const streams: OpenStream[] = [];
  const db = () => t.app.get<Connection>(getConnectionToken());

  const issueKey = async (role = 'analyst') => {
    const res = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/api-keys')
      .send({ name: `limits ${role} ${Date.now()}`, role })
      .expect(201);
    return res.body as { id: string; key: string };
  };
  const stream = async (key: string, path = '/api/v1/mentions/stream') => {
    const s = await openStream(baseUrl, path, key);
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestApp({ rateLimit: LIMITS });
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await t.close();
  });

  it('200 requests with bad keys in a row: the first 30 answer 401, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 200; i++) {
      const res = await t.as(badKey(i)).get('/api/v1/workspaces/current');
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter ??= res.headers['retry-after'];
        expect(res.body).toMatchObject({
          statusCode: 429,
          error: 'Too Many Requests',
          message: expect.stringMatching(/too many failed authentications/),
        });
      }
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(170).fill(429));
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // requests without any key count as failures too
    const none = await t.http().get('/api/v1/workspaces/current').expect(429);
    expect(none.headers['retry-after']).toBeDefined();
  });

  it('a valid key from the blocked address is still served, and health answers', async () => {
    // Several tenants may share one address (a NAT, a proxy): the failures of one lock out nobody else.
    await t.as(TEST_ADMIN_KEY).get('/api/v1/workspaces/current').expect(200);
    await t.http().get('/health').expect(200);
  });

  it('per key: past RATE_LIMIT_PER_MINUTE the key gets 429 with Retry-After; other keys and health do not', async () => {
    const flooder = await issueKey();
    const other = await issueKey();
    const statuses: number[] = [];
    let last!: { headers: Record<string, string>; body: Record<string, unknown> };
    for (let i = 0; i < LIMITS.perMinute + 5; i++) {
      const res = await t.as(flooder.key).get('/api/v1/topics');
      statuses.push(res.status);
      last = res;
    }
    expect(statuses.slice(0, LIMITS.perMinute)).toEqual(Array(LIMITS.perMinute).fill(200));
    expect(statuses.slice(LIMITS.perMinute)).toEqual(Array(5).fill(429));
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.body.message).toMatch(/at most 40 a minute for this API key/);
    // the count is per key across routes, and per key only
    await t.as(flooder.key).get('/api/v1/alerts').expect(429);
    const ok = await t.as(other.key).get('/api/v1/topics').expect(200);
    expect(ok.headers['x-ratelimit-limit']).toBe(String(LIMITS.perMinute));
    for (let i = 0; i < 60; i++) await t.http().get('/health').expect(200);
  });

  it('SSE: at most SSE_STREAMS_PER_KEY open streams per key; the next answers 429 until one closes', async () => {
    const { key } = await issueKey();
    const first = await stream(key);
    const second = await stream(key, '/api/v1/alerts/stream');
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await stream(key);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe(String(LIMITS.sseKeyRecheckSeconds));
    await third.ended;
    expect(JSON.parse(third.text())).toMatchObject({ statusCode: 429, message: expect.stringMatching(/already holds 2 open streams/) });
    // another key has its own allowance
    const { key: otherKey } = await issueKey();
    expect((await stream(otherKey)).status).toBe(200);
    // closing one gives its place back
    first.close();
    let again: OpenStream | undefined;
    await waitUntil(
      'a closed stream gives its place back',
      async () => {
        const s = await stream(key);
        if (s.status === 200) again = s;
        else s.close();
        return s.status === 200;
      },
      { timeoutMs: 5_000, everyMs: 100 },
    );
    expect(again!.status).toBe(200);
  });

  it('revoking a key ends its open stream at once, with a last `closed` event', async () => {
    const { id, key } = await issueKey();
    const s = await stream(key);
    expect(s.status).toBe(200);
    const revokedAt = Date.now();
    await t.as(TEST_ADMIN_KEY).delete(`/api/v1/api-keys/${id}`).expect(204);
    await waitUntil("the revoked key's stream ends", () => s.isEnded(), { timeoutMs: 5_000 });
    expect(Date.now() - revokedAt).toBeLessThan(3_000);
    expect(s.text()).toMatch(/event: closed\n(id: \d+\n)?data: \{"reason":"api key revoked"\}/);
    // and the key cannot open another: 401, or 429 as this address is over its failure limit since the first test
    expect([401, 429]).toContain((await stream(key)).status);
  });

  it('a key removed elsewhere (another instance, the database) ends its stream within SSE_KEY_RECHECK_SECONDS', async () => {
    const { id, key } = await issueKey();
    const s = await stream(key);
    expect(s.status).toBe(200);
    const removedAt = Date.now();
    await db()
      .collection('api_keys')
      .deleteOne({ _id: new Types.ObjectId(id) });
    await waitUntil('the stream of a key deleted in the database ends', () => s.isEnded(), { timeoutMs: 10_000 });
    expect(Date.now() - removedAt).toBeLessThan(LIMITS.sseKeyRecheckSeconds * 1000 + 3_000);
    expect(s.text()).toMatch(/"reason":"api key revoked"/);
  });

  it('deleting a workspace ends the open streams of its keys', async () => {
    const created = await t
      .as(TEST_ADMIN_KEY)
      .post('/api/v1/workspaces')
      .send({ name: 'Soon gone', timezone: 'UTC', currency: 'USD' })
      .expect(201);
    const s = await stream(created.body.apiKey.key);
    expect(s.status).toBe(200);
    await db()
      .collection('workspaces')
      .deleteOne({ _id: new Types.ObjectId(created.body.workspace.id) });
    await waitUntil('the stream of a deleted workspace ends', () => s.isEnded(), { timeoutMs: 10_000 });
    expect(s.text()).toMatch(/"reason":"workspace deleted"/);
  });
});

const REDIS_URL = TEST_REDIS_URL;

describeWithRedis('Rate limits shared through Redis by two instances (e2e)', () => {
  let a: TestApp | undefined;
  let b: TestApp | undefined;

  beforeAll(async () => {
    const shared = {
      redisUrl: REDIS_URL,
      queuePrefix: `ouvidor-limits-${process.pid}-${Date.now()}`,
      worker: false,
      rateLimit: { ...LIMITS, perMinute: 20, authFailuresPerMinute: 10 },
    };
    a = await startTestApp(shared);
    b = await startTestApp(shared);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("one key's requests count once across both instances", async () => {
    // Both instances know the installation's admin key; each has its own database, so only the limit is shared.
    const statuses: string[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(`a${(await a!.as(TEST_ADMIN_KEY).get('/api/v1/topics')).status}`);
      statuses.push(`b${(await b!.as(TEST_ADMIN_KEY).get('/api/v1/topics')).status}`);
    }
    expect(statuses.slice(0, 20).every((s) => s.endsWith('200'))).toBe(true);
    expect(statuses.slice(20)).toEqual(['a429', 'b429', 'a429', 'b429']);
  });

  it('failed authentications from one address count once across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await a!.as(badKey(i)).get('/api/v1/topics')).status);
      statuses.push((await b!.as(badKey(100 + i)).get('/api/v1/topics')).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(6).fill(429));
    const res = await a!.as(badKey(999)).get('/api/v1/topics').expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
