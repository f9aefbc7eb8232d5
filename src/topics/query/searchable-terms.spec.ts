import { MAX_SEARCH_TERMS, searchableTerms, termsToSearch, TopicQueryError } from './searchable-terms';
import { QuerySyntaxError } from './syntax';

describe('searchableTerms', () => {
  it.each([
    // every branch of an OR, and nothing for negations and operators
    ['(lumi OR @lumi_br OR #lumi) -is:retweet', ['lumi', 'lumi_br', '#lumi']],
    ['"cartão lumi" lang:pt -spam', ['"cartão lumi"']],
    // one conjunct of an AND: the fewest searches, then the most specific term
    ['lumi cartão', ['cartão']],
    ['(lumi OR lumibank) fatura', ['fatura']],
    ['(lumi OR lumibank) (fatura OR boleto OR pix)', ['lumi', 'lumibank']],
    ['from:lumi_br lumi', ['lumi']],
  ])('searches Bluesky and Mastodon for %j with %j', (query, terms) => {
    expect(searchableTerms(query, 'bluesky')).toEqual(terms);
    expect(searchableTerms(query, 'mastodon')).toEqual(terms);
  });

  it.each(['(lumi OR @lumi_br OR #lumi) -is:retweet', 'from:lumi_br', 'lumi place:Brazil'])('hands X the whole query %j', (query) =>
    expect(searchableTerms(query, 'x')).toEqual([query]),
  );

  it.each([
    [Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, i) => `word${i}`).join(' OR '), TopicQueryError, /needs 11 searches; at most 10/],
    ['(lumi OR from:lumi_br)', TopicQueryError, /no keyword/],
    ['lumi AND cartao', QuerySyntaxError, /Ambiguous use of and/],
  ])('refuses %j', (query, type, message) => {
    expect(() => searchableTerms(query, 'bluesky')).toThrow(type);
    expect(() => searchableTerms(query, 'bluesky')).toThrow(message);
  });

  it('termsToSearch reports a query with nothing to search instead of throwing', () => {
    expect(termsToSearch('lumi', 'mastodon')).toEqual({ terms: ['lumi'], problem: null });
    expect(termsToSearch('(lumi OR from:lumi_br)', 'mastodon')).toEqual({ terms: [], problem: expect.stringMatching(/no keyword/) });
  });
});
