import { needsFollowUp, scoreProblem } from './survey-scale';

describe('scoreProblem', () => {
  it.each([
    ['csat', 1],
    ['csat', 5],
    ['nps', 0],
    ['nps', 10],
  ])('accepts %s %d', (type, score) => expect(scoreProblem(type, score)).toBeNull());

  it.each([
    ['csat', 0, 'score must be an integer between 1 and 5 for csat'],
    ['csat', 6, 'score must be an integer between 1 and 5 for csat'],
    ['csat', 4.5, 'score must be an integer between 1 and 5 for csat'],
    ['csat', '4', 'score must be an integer between 1 and 5 for csat'],
    ['nps', -1, 'score must be an integer between 0 and 10 for nps'],
    ['nps', 11, 'score must be an integer between 0 and 10 for nps'],
  ])('refuses %s %p', (type, score, message) => expect(scoreProblem(type, score)).toBe(message));

  it('leaves the range to the type check when the type itself is wrong', () => {
    expect(scoreProblem('ces', 3)).toBeNull();
    expect(scoreProblem('ces', 'x')).toMatch(/must be an integer/);
  });
});

describe('needsFollowUp', () => {
  it('flags a CSAT of 3 or less for follow-up, never an NPS', () => {
    expect([1, 2, 3, 4, 5].map((s) => needsFollowUp('csat', s))).toEqual([true, true, true, false, false]);
    expect(needsFollowUp('nps', 0)).toBe(false);
  });
});
