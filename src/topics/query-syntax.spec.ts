import { queryProblem } from './query-syntax';

describe('queryProblem (X recent-search syntax)', () => {
  it.each([
    '(lumi OR @lumi_br OR #lumi) -is:retweet',
    '"cartão bloqueado" lang:pt',
    'from:lumi_br',
    '(acme (help OR support)) -from:acme',
  ])('accepts %s', (q) => expect(queryProblem(q)).toBeNull());

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(513), /at most 512/],
    ['"unclosed', /unclosed double quote/],
    ['(lumi OR acme', /unclosed "\("/],
    ['lumi) OR acme', /unmatched "\)" at position 5/],
    ['lumi ()', /empty group/],
    ['OR lumi', /starts or ends with OR/],
    ['lumi OR OR acme', /OR OR/],
    ['-is:retweet -spam', /not negated/],
  ])('rejects %j', (q, message) => expect(queryProblem(q as string)).toMatch(message as RegExp));

  it('ignores parentheses inside quotes', () => expect(queryProblem('"(smile" lumi')).toBeNull());
});
