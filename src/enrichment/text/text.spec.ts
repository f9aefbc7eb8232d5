import { foldText } from './fold';
import { KeywordMatcher } from './keyword-matcher';
import { unescapePostText } from './post-text';

describe('foldText', () => {
  it('lower-cases and strips accents', () => {
    expect(foldText('Não É Cartão Ótimo')).toBe('nao e cartao otimo');
  });
});

describe('KeywordMatcher', () => {
  const matcher = new KeywordMatcher(['cartão', 'cartão de crédito', 'pix']);

  it('matches whole words, case- and accent-insensitively, longest keyword first', () => {
    expect(matcher.match('Meu CARTAO DE CREDITO sumiu')).toBe('cartão de crédito');
    expect(matcher.match('o cartão!')).toBe('cartão');
    expect(matcher.match('pix?')).toBe('pix');
    expect(matcher.match('cartões')).toBeNull();
    expect(matcher.match('pixel')).toBeNull();
  });
});

describe('unescapePostText', () => {
  it('undoes the HTML escaping of the X API and literal JSON escapes', () => {
    expect(unescapePostText('Fish &amp; chips &lt;3 &gt;&gt;')).toBe('Fish & chips <3 >>');
    expect(unescapePostText('I\\u2019m here')).toBe('I’m here');
    expect(unescapePostText('plain text')).toBe('plain text');
  });
});
