import { queryProblem, validate } from './validate';

describe('queryProblem (X recent-search syntax)', () => {
  it.each(['(lumi OR @lumi_br OR #lumi) -is:retweet', '"cartão bloqueado" lang:pt', 'from:lumi_br', '(acme (help OR support)) -from:acme'])(
    'accepts %s',
    (q) => expect(queryProblem(q)).toBeNull(),
  );

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
  ])('rejects %j', (q, message) => expect(queryProblem(q)).toMatch(message));

  it('ignores parentheses inside quotes', () => expect(queryProblem('"(smile" lumi')).toBeNull());
});

describe('validate (a topic on its networks)', () => {
  it.each([
    ['lumi place:Brazil', ['x']],
    ['(lumi OR @lumi_br OR #lumi) -is:retweet', ['x', 'bluesky', 'mastodon']],
    ['from:lumi_br lumi', ['bluesky']],
  ] as const)('accepts %j on %j', (query, platforms) => expect(validate(query, platforms)).toBeNull());

  it.each([
    ['lumi) OR acme', ['x'], /^query has an unmatched "\)" at position 5$/],
    [
      'lumi OR has:links',
      ['x', 'bluesky'],
      /^query cannot be searched on Bluesky: Rules must contain at least one standalone operator; 'has:links' requires/,
    ],
    ['from:lumi_br OR lumi', ['x', 'bluesky'], /^query cannot be searched on Bluesky: the query has no keyword/],
    ['lumi place:Brazil', ['mastodon'], /^query cannot be searched on Mastodon: Reference to invalid operator 'place'/],
    ['(lumi OR from:lumi_br)', ['bluesky', 'mastodon'], /^query cannot be searched on Bluesky and Mastodon: the query has no keyword/],
  ] as const)('refuses %j on %j', (query, platforms, message) => expect(validate(query, platforms)).toMatch(message));
});
