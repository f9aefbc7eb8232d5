import { DateTime } from 'luxon';
import { bucketOf, bucketStarts, groupByBucket, offsetLookup, startOfRollupSlot } from './buckets';

const at = (iso: string) => new Date(iso);

describe('bucketOf', () => {
  it('starts a São Paulo day at local midnight', () => {
    // 02:00Z on the 11th is 23:00 on the 10th in São Paulo; that day started at 03:00Z
    expect(bucketOf(at('2024-03-11T02:00:00Z'), 'day', 'America/Sao_Paulo')).toEqual(at('2024-03-10T03:00:00Z'));
  });

  it('starts weeks on Monday', () => {
    // Sunday 2024-03-10 belongs to the week of Monday 2024-03-04
    expect(bucketOf(at('2024-03-10T20:00:00Z'), 'week', 'America/Sao_Paulo')).toEqual(at('2024-03-04T03:00:00Z'));
    expect(bucketOf(at('2024-03-11T03:00:00Z'), 'week', 'America/Sao_Paulo')).toEqual(at('2024-03-11T03:00:00Z'));
  });

  it('starts Asia/Kolkata hours at :30 UTC', () => {
    expect(bucketOf(at('2024-03-11T10:00:00Z'), 'hour', 'Asia/Kolkata')).toEqual(at('2024-03-11T09:30:00Z'));
    expect(bucketOf(at('2024-03-11T10:29:59Z'), 'hour', 'Asia/Kolkata')).toEqual(at('2024-03-11T09:30:00Z'));
    expect(bucketOf(at('2024-03-11T10:30:00Z'), 'hour', 'Asia/Kolkata')).toEqual(at('2024-03-11T10:30:00Z'));
  });

  it('keeps both 01:00 hours apart when New York falls back', () => {
    expect(bucketOf(at('2024-11-03T05:30:00Z'), 'hour', 'America/New_York')).toEqual(at('2024-11-03T05:00:00Z')); // 01:30 EDT
    expect(bucketOf(at('2024-11-03T06:30:00Z'), 'hour', 'America/New_York')).toEqual(at('2024-11-03T06:00:00Z')); // 01:30 EST
  });

  it('starts a day without a midnight at its first instant (São Paulo, 2018-11-04)', () => {
    expect(bucketOf(at('2018-11-04T12:00:00Z'), 'day', 'America/Sao_Paulo')).toEqual(at('2018-11-04T03:00:00Z')); // 01:00 -02:00
  });

  it('refuses an unknown zone', () => {
    expect(() => bucketOf(at('2024-03-11T10:00:00Z'), 'day', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});

describe('bucketStarts', () => {
  it('gives a 23-hour day when New York springs forward', () => {
    expect(bucketStarts(at('2024-03-09T05:00:00Z'), at('2024-03-12T04:00:00Z'), 'day', 'America/New_York')).toEqual([
      at('2024-03-09T05:00:00Z'),
      at('2024-03-10T05:00:00Z'),
      at('2024-03-11T04:00:00Z'), // 10th had 23 h
    ]);
  });

  it('gives 25 hour buckets on the New York fall-back day', () => {
    const hours = bucketStarts(at('2024-11-03T04:00:00Z'), at('2024-11-04T05:00:00Z'), 'hour', 'America/New_York');
    expect(hours).toHaveLength(25);
    expect(new Set(hours.map((h) => h.getTime())).size).toBe(25);
  });

  it('includes the bucket that contains `from` and stops before `to`', () => {
    expect(bucketStarts(at('2024-03-11T10:15:00Z'), at('2024-03-11T12:00:00Z'), 'hour', 'UTC')).toEqual([
      at('2024-03-11T10:00:00Z'),
      at('2024-03-11T11:00:00Z'),
    ]);
  });

  it('walks São Paulo days across the 2018 DST start', () => {
    expect(bucketStarts(at('2018-11-03T03:00:00Z'), at('2018-11-05T12:00:00Z'), 'day', 'America/Sao_Paulo')).toEqual([
      at('2018-11-03T03:00:00Z'),
      at('2018-11-04T03:00:00Z'), // 01:00 -02:00, the first instant of the 4th
      at('2018-11-05T02:00:00Z'),
    ]);
  });

  it('walks Monday-aligned weeks', () => {
    expect(bucketStarts(at('2024-03-06T00:00:00Z'), at('2024-03-19T00:00:00Z'), 'week', 'UTC')).toEqual([
      at('2024-03-04T00:00:00Z'),
      at('2024-03-11T00:00:00Z'),
      at('2024-03-18T00:00:00Z'),
    ]);
  });

  it('refuses an absurd number of buckets', () => {
    expect(() => bucketStarts(at('2000-01-01T00:00:00Z'), at('2024-01-01T00:00:00Z'), 'hour', 'UTC')).toThrow(/buckets/);
  });
});

describe('groupByBucket', () => {
  it('groups rows by local day', () => {
    const rows = [{ t: at('2024-03-11T02:00:00Z') }, { t: at('2024-03-11T04:00:00Z') }, { t: at('2024-03-10T12:00:00Z') }];
    const groups = groupByBucket(rows, (r) => r.t, 'day', 'America/Sao_Paulo');
    expect(groups.get(at('2024-03-10T03:00:00Z').getTime())).toHaveLength(2); // 02:00Z is still the 10th locally
    expect(groups.get(at('2024-03-11T03:00:00Z').getTime())).toHaveLength(1);
  });
});

describe('startOfRollupSlot', () => {
  it('truncates to the 15-minute UTC slot, which never straddles a local hour in any zone', () => {
    expect(startOfRollupSlot(at('2024-03-11T18:29:59.999Z')).toISOString()).toBe('2024-03-11T18:15:00.000Z');
    expect(startOfRollupSlot(at('2024-03-11T18:30:00.000Z')).toISOString()).toBe('2024-03-11T18:30:00.000Z');
    // Kolkata midnight is 18:30Z and Kathmandu's 18:15Z: both are slot starts.
    for (const tz of ['Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla', 'America/St_Johns']) {
      const day = bucketStarts(at('2024-03-10T00:00:00Z'), at('2024-03-12T00:00:00Z'), 'day', tz);
      for (const start of day) expect(startOfRollupSlot(start).getTime()).toBe(start.getTime());
    }
  });
});

describe('startOfUtcHour', () => {
  it('truncates to the UTC hour, whatever the local offset', () => {
    const { startOfUtcHour } = jest.requireActual<typeof import('./buckets')>('./buckets');
    expect(startOfUtcHour(new Date('2024-03-10T14:59:59.999-03:00')).toISOString()).toBe('2024-03-10T17:00:00.000Z');
    expect(startOfUtcHour(new Date('2024-03-10T05:30:00.000+05:30')).toISOString()).toBe('2024-03-10T00:00:00.000Z');
  });
});

describe('offsetLookup', () => {
  it.each([
    ['America/Sao_Paulo', '2018-10-01T00:00:00Z', '2019-03-01T00:00:00Z'], // DST on and off (abolished in 2019)
    ['America/New_York', '2025-12-20T00:00:00Z', '2026-12-01T00:00:00Z'], // across a year and both changes
    ['Europe/London', '2026-03-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z'], // 30-minute DST
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z'], // no change
  ])('%s: the zone’s own offset at every hour and around each change', (tz, from, to) => {
    const [a, b] = [new Date(from), new Date(to)];
    const lookup = offsetLookup(tz, a, b);
    const again = offsetLookup(tz, a, b); // from the cached years
    const want = (ms: number) => DateTime.fromMillis(ms, { zone: tz }).offset * 60_000;
    for (let ms = a.getTime(); ms < b.getTime(); ms += 3_600_000 - 1) {
      expect([ms, lookup(ms)]).toEqual([ms, want(ms)]);
      expect(again(ms)).toBe(want(ms));
    }
    // outside the range asked for: still the zone's offset
    expect(lookup(a.getTime() - 400 * 86_400_000)).toBe(want(a.getTime() - 400 * 86_400_000));
  });
});
