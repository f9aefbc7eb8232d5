import { parseQuery, QuerySyntaxError } from './syntax';

describe('parseQuery (X search syntax)', () => {
  it.each([
    ['lumi AND cartao', 'Ambiguous use of and as a keyword', 6],
    ['(lumi OR cartao', "Missing closing parenthesis ')'", 1],
    ['lumi)', "Unexpected ')'", 5],
    ['lumi OR', 'Ambiguous use of or', 6],
    ['OR lumi', 'Ambiguous use of or', 1],
    ['"lumi', 'Unterminated quoted phrase', 1],
    ['-lumi', 'Rules must contain a non-negation term', 1],
    ['is:retweet', 'requires conjunction', 1],
    ['lumi OR has:links', 'requires conjunction', 9],
    ['lumi place:Brazil', "Reference to invalid operator 'place'", 6],
    ['lumi is:famous', "Reference to invalid operator 'is:famous'", 6],
    ['lumi ()', 'Empty group', 6],
  ])('rejects %j like X does', (query, message, position) => {
    let caught: unknown;
    try {
      parseQuery(query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QuerySyntaxError);
    expect((caught as QuerySyntaxError).message).toMatch(/^There were errors processing your request: /);
    expect((caught as QuerySyntaxError).message).toContain(message);
    expect((caught as QuerySyntaxError).position).toBe(position);
  });

  it('rejects queries longer than 512 characters', () => {
    expect(() => parseQuery(`lumi ${'a'.repeat(510)}`)).toThrow('Rule length exceeds 512 characters');
  });

  it.each([
    ['lumi', { kind: 'clause', clause: { type: 'keyword', tokens: ['lumi'] }, position: 1, source: 'lumi' }],
    ['"Cartão Lumi"', { kind: 'clause', clause: { type: 'phrase', tokens: ['cartao', 'lumi'] }, position: 1, source: '"Cartão Lumi"' }],
    ['#LumiAjuda', { kind: 'clause', clause: { type: 'hashtag', tag: 'lumiajuda' }, position: 1, source: '#LumiAjuda' }],
    ['@Lumi_BR', { kind: 'clause', clause: { type: 'mention', username: 'lumi_br' }, position: 1, source: '@Lumi_BR' }],
    ['from:@Lumi_BR', { kind: 'clause', clause: { type: 'from', user: 'lumi_br' }, position: 1, source: 'from:@Lumi_BR' }],
    [
      'a OR b -c',
      {
        kind: 'or',
        children: [
          { kind: 'clause', clause: { type: 'keyword', tokens: ['a'] }, position: 1, source: 'a' },
          {
            kind: 'and',
            children: [
              { kind: 'clause', clause: { type: 'keyword', tokens: ['b'] }, position: 6, source: 'b' },
              { kind: 'not', position: 8, child: { kind: 'clause', clause: { type: 'keyword', tokens: ['c'] }, position: 9, source: 'c' } },
            ],
          },
        ],
      },
    ],
  ])('parses %j to a tree with positions', (query, tree) => expect(parseQuery(query)).toEqual(tree));
});
