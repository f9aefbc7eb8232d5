import { foldedWords, foldText } from '../../common/text';
import { networkClauseMatches, parseNetworkSearch } from './network-search';

const searchable = (text: string, tags: string[] = []) => ({ words: foldedWords(text), tags: new Set(tags.map(foldText)) });
const found = (q: string, text: string, tags: string[] = []) =>
  parseNetworkSearch(q).every((clause) => networkClauseMatches(clause, searchable(text, tags)));

describe('parseNetworkSearch (the plain search Bluesky and Mastodon take)', () => {
  it.each([
    [
      'lumi cartão',
      [
        { kind: 'phrase', words: ['lumi'] },
        { kind: 'phrase', words: ['cartao'] },
      ],
    ],
    ['"Cartão Lumi"', [{ kind: 'phrase', words: ['cartao', 'lumi'] }]],
    ['"unclosed phrase', [{ kind: 'phrase', words: ['unclosed', 'phrase'] }]],
    ['#LumiAjuda!', [{ kind: 'tag', tag: 'lumiajuda' }]],
    ['coca-cola', [{ kind: 'phrase', words: ['coca', 'cola'] }]],
    ['!!! ""', []],
  ])('parses %j', (q, clauses) => expect(parseNetworkSearch(q)).toEqual(clauses));

  it.each([
    ['lumi cartão', 'Meu CARTAO da Lumi', [], true],
    ['lumi cartão', 'Meu cartão', [], false],
    ['"cartão lumi"', 'cartão da lumi', [], false],
    ['"cartão lumi"', 'o cartão lumi chegou', [], true],
    ['#lumiajuda', 'lumiajuda', [], false],
    ['#lumiajuda', 'socorro', ['LumiAjuda'], true],
  ])('%j against %j (tags %j): %s', (q, text, tags, expected) => expect(found(q, text, tags)).toBe(expected));
});
