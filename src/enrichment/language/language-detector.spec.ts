import { LanguageDetector, normalisePlatformLang } from './language-detector';

describe('LanguageDetector', () => {
  const detector = new LanguageDetector();

  it.each([
    ['The delivery was late again and nobody answers the phone', 'en'],
    ['I love the new app, thanks for the update', 'en'],
    ['Não consigo acessar minha conta desde ontem', 'pt'],
    ['o atendimento foi ótimo, resolveram tudo rapidinho', 'pt'],
    ['vc viu q o app caiu de novo? kkkkk', 'pt'],
  ])('counts function words: %s -> %s', (text, lang) => {
    expect(detector.detectWithMethod(text)).toEqual({ lang, method: 'function-words' });
  });

  it('ignores mentions, hashtags and links when counting', () => {
    expect(detector.detect('@the_best_store #TheVoice https://t.co/abc o pedido ainda não chegou')).toBe('pt');
  });

  it('takes the platform lang when the post is too short or unclear', () => {
    expect(detector.detectWithMethod('Top! 😍', 'pt')).toEqual({ lang: 'pt', method: 'platform' });
    expect(detector.detectWithMethod('#MasterChefBR', 'pt-BR')).toEqual({ lang: 'pt', method: 'platform' });
    expect(detector.detectWithMethod('Top! 😍')).toEqual({ lang: 'und', method: 'too-short' });
  });

  it('does not let the platform lang override clear evidence', () => {
    expect(detector.detect('Não consigo acessar minha conta desde ontem', 'en')).toBe('pt');
  });

  it('asks tinyld about other languages, restricted to the configured ones', () => {
    expect(detector.detectWithMethod('No puedo creer que el servicio esté tan lento hoy, es muy malo')).toEqual({
      lang: 'es',
      method: 'tinyld',
    });
    const englishOrPortugueseOnly = new LanguageDetector({ languages: ['en', 'pt'] });
    expect(['en', 'pt', 'und']).toContain(englishOrPortugueseOnly.detect('No puedo creer que el servicio esté tan lento hoy, es muy malo'));
  });
});

describe('normalisePlatformLang', () => {
  it.each([
    ['en', 'en'],
    ['pt-BR', 'pt'],
    ['PT', 'pt'],
    ['in', 'id'],
    ['und', null],
    ['qme', null],
    ['zxx', null],
    ['', null],
    [null, null],
    [undefined, null],
    ['not a code', null],
  ])('%p -> %p', (input, expected) => {
    expect(normalisePlatformLang(input)).toBe(expected);
  });
});
