import { Connection, createConnection, Model } from 'mongoose';
import { EmbeddedMongoServer } from '../../embedded-mongo';
import {
  nextPacificMidnight,
  pacificDay,
  YouTubeQuota,
  YouTubeQuotaDay,
  YouTubeQuotaDaySchema,
  YouTubeQuotaPausedError,
} from './youtube-quota';

describe('the YouTube quota day', () => {
  it('ends at midnight Pacific time: 08:00 UTC in winter (PST), 07:00 UTC in summer (PDT)', () => {
    expect(pacificDay(new Date('2026-12-06T07:59:00Z'))).toBe('2026-12-05');
    expect(pacificDay(new Date('2026-12-06T08:00:00Z'))).toBe('2026-12-06');
    expect(nextPacificMidnight(new Date('2026-12-06T19:31:00Z')).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(nextPacificMidnight(new Date('2026-12-06T03:00:00Z')).toISOString()).toBe('2026-12-06T08:00:00.000Z');
    expect(nextPacificMidnight(new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T07:00:00.000Z');
    // the night clocks go forward (8 March 2026) and back (1 November 2026)
    expect(nextPacificMidnight(new Date('2026-03-08T12:00:00Z')).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(nextPacificMidnight(new Date('2026-11-01T12:00:00Z')).toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });
});

describe('YouTubeQuota on a real store', () => {
  let server: EmbeddedMongoServer;
  let conn: Connection;
  let quota: YouTubeQuota;
  const now = new Date('2026-12-06T19:00:00Z');

  beforeAll(async () => {
    server = new EmbeddedMongoServer({ dataDir: null });
    const { uri } = await server.start();
    conn = await createConnection(uri, { dbName: 'ytquota', bufferCommands: false, serverSelectionTimeoutMS: 1000 }).asPromise();
    const days: Model<YouTubeQuotaDay> = conn.model<YouTubeQuotaDay>(YouTubeQuotaDay.name, YouTubeQuotaDaySchema);
    await days.init();
    quota = new YouTubeQuota(days);
  });
  afterAll(async () => {
    await conn.close().catch(() => undefined);
    await server.stop().catch(() => undefined);
  });

  it('counts units per day and pauses before a call would pass YOUTUBE_DAILY_QUOTA, until midnight Pacific', async () => {
    await quota.spend(100, 250, now);
    await quota.spend(100, 250, now);
    await quota.spend(1, 250, now);
    // 201 spent: another search (100) would pass 250, a read (1) would not
    const paused = await quota.spend(100, 250, now).catch((e: unknown) => e);
    expect(paused).toBeInstanceOf(YouTubeQuotaPausedError);
    expect((paused as YouTubeQuotaPausedError).until.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect((paused as Error).message).toMatch(/201 of YOUTUBE_DAILY_QUOTA's 250 units spent today, the next call needs 100/);
    await quota.spend(1, 250, now);
    expect(await quota.status(250, now)).toMatchObject({ day: '2026-12-06', used: 202, limit: 250, pausedUntil: null });
    // the next quota day starts from zero
    await quota.spend(100, 250, new Date('2026-12-07T08:00:01Z'));
    expect(await quota.status(250, new Date('2026-12-07T09:00:00Z'))).toMatchObject({ day: '2026-12-07', used: 100 });
  });

  it('pauses the rest of the day when YouTube answers quotaExceeded, whatever was counted here', async () => {
    const day = new Date('2026-12-10T20:00:00Z');
    await quota.spend(1, 10_000, day);
    const until = await quota.exhausted('The request cannot be completed because you have exceeded your quota.', day);
    expect(until.toISOString()).toBe('2026-12-11T08:00:00.000Z');
    await expect(quota.spend(1, 10_000, day)).rejects.toThrow(/YouTube answered quotaExceeded/);
    expect(quota.snapshot(10_000, day)).toMatchObject({ used: 1, pausedUntil: until, reason: expect.stringMatching(/quotaExceeded/) });
  });
});
