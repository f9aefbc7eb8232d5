import { historyEntries } from './case-history';

describe('historyEntries', () => {
  const at = new Date('2026-01-01T10:00:00Z');
  const base = { assignee: null, team: null, status: 'open' };
  it.each<[string, object, object, { type: string; from: string | null; to: string | null }[]]>([
    ['nothing changed', base, base, []],
    ['assigned', base, { ...base, assignee: 'a1' }, [{ type: 'assigned', from: null, to: 'a1' }]],
    ['reassigned', { ...base, assignee: 'a1' }, { ...base, assignee: 'a2' }, [{ type: 'reassigned', from: 'a1', to: 'a2' }]],
    ['unassigned', { ...base, assignee: 'a1' }, base, [{ type: 'unassigned', from: 'a1', to: null }]],
    [
      'team and status',
      base,
      { ...base, team: 'Cards', status: 'resolved' },
      [
        { type: 'team', from: null, to: 'Cards' },
        { type: 'status', from: 'open', to: 'resolved' },
      ],
    ],
  ])('%s', (_, before, after, expected) => {
    expect(historyEntries(before as never, after as never, at)).toEqual(expected.map((e) => ({ ...e, at })));
  });
});
