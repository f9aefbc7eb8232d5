import { chooseAgent, type AssignmentCandidate, type AssignmentRule } from './assignment';

const rule = (mode: AssignmentRule['mode'], maxOpenPerAgent: number | null = null): AssignmentRule => ({
  mode,
  maxOpenPerAgent,
  offlineGraceMinutes: 15,
});
const on = (id: string, open = 0): AssignmentCandidate => ({ id, presence: 'online', open });

describe('chooseAgent', () => {
  it.each<[string, AssignmentRule, AssignmentCandidate[], string | null, string[], string | null]>([
    ['manual never assigns', rule('manual'), [on('a')], null, [], null],
    ['nobody online → unassigned', rule('round_robin'), [{ id: 'a', presence: 'away', open: 0 }], null, [], null],
    ['round-robin starts at the first id', rule('round_robin'), [on('b'), on('a')], null, [], 'a'],
    ['round-robin takes the next after the last', rule('round_robin'), [on('a'), on('b'), on('c')], 'a', [], 'b'],
    ['round-robin wraps', rule('round_robin'), [on('a'), on('b'), on('c')], 'c', [], 'a'],
    [
      'round-robin skips an offline agent',
      rule('round_robin'),
      [on('a'), { id: 'b', presence: 'offline', open: 0 }, on('c')],
      'a',
      [],
      'c',
    ],
    ['round-robin skips an agent at the cap', rule('round_robin', 2), [on('a'), on('b', 2), on('c')], 'a', [], 'c'],
    ['round-robin: last agent gone, next after its id', rule('round_robin'), [on('a'), on('c')], 'b', [], 'c'],
    ['least-loaded takes the fewest open', rule('least_loaded'), [on('a', 3), on('b', 1), on('c', 2)], null, [], 'b'],
    ['least-loaded ties by id', rule('least_loaded'), [on('b', 1), on('a', 1)], null, [], 'a'],
    ['least-loaded ignores inactive agents', rule('least_loaded'), [{ ...on('a'), active: false }, on('b', 4)], null, [], 'b'],
    ['everyone at the cap → unassigned', rule('least_loaded', 2), [on('a', 2), on('b', 3)], null, [], null],
    ['the agent a case leaves is excluded', rule('least_loaded'), [on('a', 0), on('b', 5)], null, ['a'], 'b'],
  ])('%s', (_name, r, agents, last, exclude, expected) => {
    expect(chooseAgent(r, agents, last, exclude)).toBe(expected);
  });

  it.each(['round_robin', 'least_loaded'] as const)('%s spreads 100 cases over 4 agents within one of even, under the cap', (mode) => {
    const agents = ['a', 'b', 'c', 'd'].map((id) => on(id));
    let last: string | null = null;
    for (let i = 0; i < 100; i++) {
      const id = chooseAgent(rule(mode, 30), agents, last);
      if (!id) throw new Error('unassigned');
      agents.find((a) => a.id === id)!.open += 1;
      last = id;
    }
    const counts = agents.map((a) => a.open);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(30);
  });
});
