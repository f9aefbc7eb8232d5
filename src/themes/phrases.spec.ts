import { extractPhrases, foldText, MAX_PHRASES_PER_MENTION, phrasePattern, singular } from './phrases';

describe('foldText', () => {
  it.each([
    ['Cartão', 'cartao'],
    ['NÃO CONSIGO', 'nao consigo'],
    ['Ação', 'acao'],
  ])('%s → %s', (input, folded) => expect(foldText(input)).toBe(folded));
});

describe('singular', () => {
  it.each([
    ['cartoes', 'pt', 'cartao'],
    ['paes', 'pt', 'pao'],
    ['canais', 'pt', 'canal'],
    ['papeis', 'pt', 'papel'],
    ['viagens', 'pt', 'viagem'],
    ['mulheres', 'pt', 'mulher'],
    ['bloqueados', 'pt', 'bloqueado'],
    ['tokens', 'en', 'token'],
    ['replies', 'en', 'reply'],
    ['matches', 'en', 'match'],
    ['fees', 'en', 'fee'],
    ['status', 'en', 'status'],
    ['crisis', 'en', 'crisis'],
    ['app', 'en', 'app'],
  ])('%s (%s) → %s', (word, lang, expected) => expect(singular(word, lang)).toBe(expected));
});

describe('extractPhrases', () => {
  it.each<[string, string, string[]]>([
    // hashtags first; handles never count; one stop word may sit inside a phrase, never at its ends
    ['PIX fora do ar #PixForaDoAr @lumi_br', 'pt', ['#pixforadoar', 'pix', 'pix fora', 'pix fora do ar', 'fora', 'fora do ar', 'ar']],
    // plurals and accents share one key; links break a phrase
    ['Cartões bloqueados https://x.co/a problema', 'pt', ['cartao', 'cartao bloqueado', 'bloqueado', 'problema']],
    // two stop words in a row end the phrase; numbers are not words
    ['the app of the year 2024', 'en', ['app', 'year']],
    ['', 'pt', []],
  ])('%s', (text, lang, expected) => expect(extractPhrases(text, lang)).toEqual(expected));

  it('keeps each phrase once and at most MAX_PHRASES_PER_MENTION', () => {
    const long = Array.from({ length: 60 }, (_, i) => `palavra${String.fromCharCode(97 + (i % 26))}${i}`).join(' ');
    const phrases = extractPhrases(`${long} ${long}`, 'pt');
    expect(phrases).toHaveLength(MAX_PHRASES_PER_MENTION);
    expect(new Set(phrases).size).toBe(phrases.length);
  });
});

describe('phrasePattern', () => {
  it.each<[string, string, boolean]>([
    ['cartao bloqueado', 'Meus CARTÕES bloqueados de novo', true],
    ['cartao bloqueado', 'cartão foi bloqueado', false],
    ['pix fora do ar', 'o Pix está fora do ar', false],
    ['pix fora do ar', 'PIX fora do ar!!', true],
    ['#pixforadoar', 'olha #PixForaDoAr', true],
    ['#pixforadoar', '#pixforadoarmesmo', false],
    ['app', 'happy', false],
    // a user's regex characters are matched literally, never as a pattern
    ['a.*b', 'axxb', false],
    ['(x+)+$', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx!', false],
  ])('%s in "%s": %s', (phrase, text, expected) => expect(new RegExp(phrasePattern(phrase), 'i').test(text)).toBe(expected));
});
