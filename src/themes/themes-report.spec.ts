import { themeRows } from './theme-counting';
import type { ThemeRollupRow } from './theme-rollups.repository';
import { containsPhrase, coverRange, emergingTest, explainShift, mergeVariants, rankThemes, sumRows } from './themes-report';
import { Types } from 'mongoose';

const d = (iso: string) => new Date(iso);
const row = (
  start: string,
  m: Record<string, number>,
  p: Record<string, Record<string, number>>,
  span: ThemeRollupRow['span'] = 'hour',
) => ({
  start: d(start),
  span,
  platform: 'x',
  lang: 'pt',
  m,
  p,
});

describe('coverRange', () => {
  const H = '2026-01-01T';
  it.each<[string, string, string, [string, string, string][], [string, string][]]>([
    ['within one hour: its mentions only', `${H}10:15:00Z`, `${H}10:45:00Z`, [], [[`${H}10:15:00.000Z`, `${H}10:45:00.000Z`]]],
    ['across one hour boundary, no whole hour', `${H}10:15:00Z`, `${H}11:59:59Z`, [], [[`${H}10:15:00.000Z`, `${H}11:59:59.000Z`]]],
    [
      'across hours of one day: partial hours at both ends',
      `${H}10:45:00Z`,
      `${H}13:15:30Z`,
      [['hour', `${H}11:00:00.000Z`, `${H}13:00:00.000Z`]],
      [
        [`${H}10:45:00.000Z`, `${H}11:00:00.000Z`],
        [`${H}13:00:00.000Z`, `${H}13:15:30.000Z`],
      ],
    ],
    [
      'across days, with an unaligned start to the millisecond',
      `${H}22:50:00.001Z`,
      '2026-01-04T01:00:00Z',
      [
        ['hour', `${H}23:00:00.000Z`, '2026-01-02T00:00:00.000Z'],
        ['day', '2026-01-02T00:00:00.000Z', '2026-01-04T00:00:00.000Z'],
        ['hour', '2026-01-04T00:00:00.000Z', '2026-01-04T01:00:00.000Z'],
      ],
      [[`${H}22:50:00.001Z`, `${H}23:00:00.000Z`]],
    ],
    ['whole days only', `${H}00:00:00Z`, '2026-01-03T00:00:00Z', [['day', `${H}00:00:00.000Z`, '2026-01-03T00:00:00.000Z']], []],
    ['empty', `${H}10:00:00Z`, `${H}10:00:00Z`, [], []],
  ])('%s', (_name, from, to, spans, edges) => {
    const cover = coverRange(d(from), d(to));
    expect(cover.spans.map((r) => [r.span, r.from.toISOString(), r.to.toISOString()])).toEqual(spans);
    expect(cover.edges.map((e) => [e.from.toISOString(), e.to.toISOString()])).toEqual(edges);
  });
});

describe('sumRows', () => {
  const rows = [
    row('2026-01-01T10:00:00Z', { nc: 3, ps: 1 }, { pix: { nc: 2, ps: 1 }, app: { nc: 1 } }),
    row('2026-01-01T11:00:00Z', { nc: 1 }, { pix: { nc: 1 } }, 'hour'),
  ];
  it.each<[string, object, number, Record<string, number>]>([
    ['no filter', {}, 5, { pix: 4, app: 1 }],
    ['negative only', { sentiment: 'negative' }, 4, { pix: 3, app: 1 }],
    ['support only', { intent: 'support' }, 1, { pix: 1 }],
    ['positive complaints: none', { sentiment: 'positive', intent: 'complaint' }, 0, {}],
  ])('%s', (_name, filter, mentions, phrases) => {
    const t = sumRows(rows, filter);
    expect(t.mentions).toBe(mentions);
    expect(Object.fromEntries([...t.phrases].map(([p, v]) => [p, v.mentions]))).toEqual(phrases);
  });
  it('remembers the latest span that counted a phrase', () => {
    const pix = sumRows(rows).phrases.get('pix')!;
    expect([new Date(pix.lastStart).toISOString(), new Date(pix.lastEnd).toISOString()]).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
    ]);
  });
});

describe('emergingTest', () => {
  // z = (c − k·p0) / √(k·p0·(1 − p0)), k = c + b, p0 = N1 / (N1 + N0), by hand:
  it.each<[string, number, number, number, number, number | null, boolean]>([
    // k = 40, p0 = 0.5: (40 − 20) / √10 = 6.32
    ['a burst from nothing', 40, 0, 1000, 1000, 6.32, true],
    // k = 60, p0 = 0.5: (30 − 30) / √15 = 0
    ['a steady theme', 30, 30, 1000, 1000, 0, false],
    // k = 20, p0 = 2/3: (20 − 13.33) / √4.444 = 3.16, but only 20 mentions vs volume doubled: still z ≥ 3
    ['grew faster than volume', 20, 0, 2000, 1000, 3.16, true],
    // k = 9: z = (9 − 4.5)/√2.25 = 3 but 9 < 10 mentions
    ['too few mentions', 9, 0, 1000, 1000, 3, false],
    // k = 40, p0 = 0.5, same counts as volume doubled: p0 = 2/3, (27 − 26.67)/√8.89 = 0.11
    ['grew only with volume', 27, 13, 2000, 1000, 0.11, false],
    ['no previous mentions at all', 40, 0, 1000, 0, null, false],
  ])('%s', (_name, c, b, n1, n0, z, emerging) => {
    const t = emergingTest(c, b, n1, n0);
    expect(t.z === null ? null : Math.round(t.z * 100) / 100).toBe(z);
    expect(t.emerging).toBe(emerging);
  });
});

describe('mergeVariants', () => {
  it.each<[string, [string, number][], { phrase: string; variants: string[] }[]]>([
    [
      'parts of a phrase with nearly its count fold into it',
      [
        ['pix', 42],
        ['pix fora', 40],
        ['fora do ar', 40],
        ['pix fora do ar', 40],
        ['lumi', 300],
      ],
      [
        { phrase: 'pix fora do ar', variants: ['pix fora', 'fora do ar', 'pix'] },
        { phrase: 'lumi', variants: [] },
      ],
    ],
    [
      'a word said far more often on its own stays',
      [
        ['app', 100],
        ['app lento', 20],
      ],
      [
        { phrase: 'app', variants: [] },
        { phrase: 'app lento', variants: [] },
      ],
    ],
  ])('%s', (_name, counts, expected) => {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]);
    const merged = mergeVariants(sorted);
    expect(merged.map((m) => m.phrase).sort()).toEqual(expected.map((e) => e.phrase).sort());
    for (const e of expected) expect(merged.find((m) => m.phrase === e.phrase)!.variants.sort()).toEqual(e.variants.sort());
  });
  it.each([
    ['pix fora do ar', 'fora do ar', true],
    ['pix fora do ar', 'ora do', false],
    ['#pix', 'pix', false],
  ])('containsPhrase(%s, %s) = %s', (long, short, expected) => expect(containsPhrase(long, short)).toBe(expected));
});

describe('rankThemes and explainShift', () => {
  const ws = new Types.ObjectId();
  /** Theme rows as the counter makes them (the hours a report counts from mentions, or the rows it reads). */
  const rowsOf = (texts: [string, string][]) =>
    themeRows(
      texts.map(([t, at]) => ({
        workspaceId: ws,
        platform: 'x',
        createdAt: d(at),
        lang: 'pt',
        text: t,
        sentiment: { label: 'negative' as const },
        intent: 'complaint' as const,
      })),
    );
  const steady = (day: string) =>
    Array.from({ length: 20 }, (_, i) => [`fatura atrasada de novo ${i}`, `${day}T1${i % 10}:00:00Z`] as [string, string]);
  const burst = Array.from({ length: 40 }, (_, i) => [`pix fora do ar ${i}`, '2026-01-02T15:10:00Z'] as [string, string]);
  const before = sumRows(rowsOf(steady('2026-01-01')));
  const now = sumRows(rowsOf([...steady('2026-01-02'), ...burst]));

  it('names the burst first among emerging themes; the steady theme is not emerging', () => {
    const { top, emerging } = rankThemes(now, before, 10);
    expect(emerging[0]).toMatchObject({ phrase: 'pix fora do ar', mentions: 40, previous: { mentions: 0 }, emerging: true });
    // 40 of 60 mentions now: 66.7 %
    expect(emerging[0].share).toBe(66.7);
    expect(emerging[0].sentiment).toEqual({ negative: 40, neutral: 0, positive: 0 });
    expect(emerging[0].topIntents).toEqual([{ intent: 'complaint', mentions: 40 }]);
    const steadyTheme = top.find((t) => t.phrase === 'fatura atrasada de novo')!;
    expect(steadyTheme).toMatchObject({ mentions: 20, previous: { mentions: 20 }, change: 0, emerging: false });
  });

  it('explains the window by the share that grew most', () => {
    const { grew, shrank } = explainShift(now, before, 5);
    expect(grew[0]).toMatchObject({ phrase: 'pix fora do ar', window: { mentions: 40, share: 66.7 }, baseline: { mentions: 0, share: 0 } });
    expect(grew[0].shareChange).toBe(66.7);
    // 20/60 now against 20/20 before: −66.7 points
    expect(shrank[0]).toMatchObject({ phrase: 'fatura atrasada de novo', shareChange: -66.7 });
  });
});
