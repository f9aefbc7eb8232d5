import { foldedWords, foldText, searchTokens } from './text';

describe('text folding', () => {
  it.each([
    ['Cartão', 'cartao'],
    ['LUMI_BR', 'lumi_br'],
    ['AÇÃO', 'acao'],
    ['Ünïcödé', 'unicode'],
    ['São Paulo 😡', 'sao paulo 😡'],
  ])('foldText(%j) is %j', (text, folded) => expect(foldText(text)).toBe(folded));

  it.each([
    ['Meu cartão, de novo 😡 #Lumi', ['meu', 'cartao', 'de', 'novo', '😡', 'lumi']],
    ['coca-cola lumi_br', ['coca', 'cola', 'lumi_br']],
  ])('searchTokens(%j)', (text, tokens) => expect(searchTokens(text)).toEqual(tokens));

  it.each([
    ['Meu cartão, de novo 😡 #Lumi', ['meu', 'cartao', 'de', 'novo', 'lumi']],
    ['  ', []],
  ])('foldedWords(%j)', (text, words) => expect(foldedWords(text)).toEqual(words));
});
