import { dayCover, daysOf, dayRuns } from './day-rollups';

const at = (iso: string) => new Date(iso);
const span = (r: { from: Date; to: Date }) => `${r.from.toISOString()} → ${r.to.toISOString()}`;

describe('day rollup cover', () => {
  it('reads whole UTC days as rows and the edges beside them as records, each piece in one range', () => {
    const cuts = [at('2026-03-01T15:30:00Z'), at('2026-03-08T15:30:00Z'), at('2026-03-15T15:30:00Z')];
    const cover = dayCover(cuts);
    expect(cover.days.map(span)).toEqual([
      '2026-03-02T00:00:00.000Z → 2026-03-08T00:00:00.000Z',
      '2026-03-09T00:00:00.000Z → 2026-03-15T00:00:00.000Z',
    ]);
    // the day of the middle cut is split at it: [00:00, 15:30) belongs to the first range, the rest to the second
    expect(cover.raw.map(span)).toEqual([
      '2026-03-01T15:30:00.000Z → 2026-03-02T00:00:00.000Z',
      '2026-03-08T00:00:00.000Z → 2026-03-09T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z → 2026-03-15T15:30:00.000Z',
    ]);
  });

  it('reads a range shorter than a whole day, and days with a write in progress, as records', () => {
    expect(dayCover([at('2026-03-01T01:00:00Z'), at('2026-03-01T23:00:00Z')])).toEqual({
      days: [],
      raw: [{ from: at('2026-03-01T01:00:00Z'), to: at('2026-03-01T23:00:00Z') }],
    });
    const dirty = new Set([at('2026-03-03T00:00:00Z').getTime()]);
    const cover = dayCover([at('2026-03-01T00:00:00Z'), at('2026-03-05T00:00:00Z')], dirty);
    expect(cover.days.map(span)).toEqual([
      '2026-03-01T00:00:00.000Z → 2026-03-03T00:00:00.000Z',
      '2026-03-04T00:00:00.000Z → 2026-03-05T00:00:00.000Z',
    ]);
    expect(cover.raw.map(span)).toEqual(['2026-03-03T00:00:00.000Z → 2026-03-04T00:00:00.000Z']);
  });

  it('covers every instant of the ranges exactly once', () => {
    const cuts = [at('2026-01-10T07:13:00Z'), at('2026-02-09T07:13:00Z'), at('2026-03-11T19:00:00Z')];
    const cover = dayCover(cuts, new Set([at('2026-02-20T00:00:00Z').getTime()]));
    const pieces = [...cover.days, ...cover.raw].sort((a, b) => a.from.getTime() - b.from.getTime());
    expect(pieces[0].from).toEqual(cuts[0]);
    expect(pieces[pieces.length - 1].to).toEqual(cuts[2]);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i].from).toEqual(pieces[i - 1].to);
    // no day read as a row straddles the middle cut (records are counted at their own instant)
    for (const p of cover.days) expect(p.from < cuts[1] && p.to > cuts[1]).toBe(false);
  });

  it('lists the distinct days of some instants and their consecutive runs', () => {
    const days = daysOf([
      at('2026-03-02T10:00:00Z'),
      null,
      at('2026-03-01T23:59:59Z'),
      at('2026-03-02T00:00:00Z'),
      at('2026-03-05T01:00:00Z'),
    ]);
    expect(days.map((d) => d.toISOString())).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-05T00:00:00.000Z']);
    expect(dayRuns(days).map(span)).toEqual([
      '2026-03-01T00:00:00.000Z → 2026-03-03T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z → 2026-03-06T00:00:00.000Z',
    ]);
  });
});
