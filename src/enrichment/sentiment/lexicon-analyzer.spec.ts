import Sentiment from 'sentiment';
import { LAUGH, LexiconAnalyzer } from './lexicon-analyzer';

describe('LexiconAnalyzer', () => {
  const analyzer = new LexiconAnalyzer();
  const total = (text: string, lang: 'en' | 'pt' = 'en') => analyzer.analyze(text, lang).total;

  it('keeps AFINN-165 and the emoji ranking from the sentiment package as its English base', () => {
    const plain = new Sentiment();
    for (const text of ['good', 'terrible', 'love it', '😍', 'I hate waiting']) {
      expect(total(text)).toBeCloseTo(plain.analyze(text).score, 6);
    }
  });

  it('registers Portuguese with the sentiment package, and both paths agree on the sum', () => {
    const text = 'O produto é muito bom, mas a entrega foi péssima e não gostei';
    const analysis = analyzer.analyze(text, 'pt');
    const viaPackage = analyzer.engine.analyze(analysis.tokens.join(' '), { language: analyzer.packageLanguage('pt') });
    expect(viaPackage.score).toBeCloseTo(analysis.total, 6);
    expect(analyzer.wordScore('pt', 'péssimo')).toBeLessThan(0);
    expect(analyzer.wordScore('pt', 'ótimo')).toBeGreaterThan(0);
  });

  it('marks words for the learned layer from a negator to the end of its clause, emoji excepted', () => {
    const a = analyzer.analyze("I don't think this phone is any good 😂, great camera though", 'en');
    const marked = a.tokens.filter((_, i) => a.negated[i] === 1);
    expect(marked).toEqual(['think', 'this', 'phone', 'is', 'any', 'good']);
    const b = analyzer.analyze('not bad but slow', 'en');
    expect(b.tokens.filter((_, i) => b.negated[i] === 1)).toEqual(['bad']);
  });

  it('flips the polarity of words in a negation scope, up to three words and not across a clause', () => {
    expect(total('good')).toBeGreaterThan(0);
    expect(total('not good')).toBeLessThan(0);
    expect(total('not really that good')).toBeLessThan(0);
    expect(total('not the way I expected, good job')).toBeGreaterThan(0);
    expect(total('bom', 'pt')).toBeGreaterThan(0);
    expect(total('não é bom', 'pt')).toBeLessThan(0);
    expect(total('não gostei', 'pt')).toBeLessThan(0);
  });

  it('strengthens words after intensifiers and softens them after downtoners', () => {
    expect(total('very good')).toBeGreaterThan(total('good'));
    expect(total('slightly good')).toBeLessThan(total('good'));
    expect(total('muito bom', 'pt')).toBeGreaterThan(total('bom', 'pt'));
    expect(total('lindo demais', 'pt')).toBeGreaterThan(total('lindo', 'pt'));
  });

  it('weights the clause after a contrast more than the one before', () => {
    expect(total('the staff were nice but the food was bad')).toBeLessThan(0);
    expect(total('the food was bad but the staff were nice')).toBeGreaterThan(0);
    expect(total('o produto é bom, mas a entrega é ruim', 'pt')).toBeLessThan(0);
  });

  it('reads elongated words as the word, with emphasis', () => {
    expect(total('goooood')).toBeGreaterThan(total('good'));
    const pt = analyzer.analyze('muitoooo lindoooo', 'pt');
    expect(pt.tokens).toEqual(['muito', 'lindo']);
    expect(pt.total).toBeGreaterThan(total('lindo', 'pt'));
  });

  it('splits hashtags and scores their words', () => {
    expect(analyzer.analyze('#fail', 'en').total).toBeLessThan(0);
    expect(analyzer.analyze('#EpicFail again', 'en').tokens).toEqual(['epic', 'fail', 'again']);
    expect(analyzer.analyze('#AmoMuito', 'pt').total).toBeGreaterThan(0);
  });

  it('scores emoticons, emoji and laughter', () => {
    expect(total('ok :)')).toBeGreaterThan(0);
    expect(total('ok :(')).toBeLessThan(0);
    expect(total('<3')).toBeGreaterThan(0);
    expect(total('😡')).toBeLessThan(0);
    expect(analyzer.analyze('kkkkkk', 'pt').tokens).toEqual([LAUGH]);
    expect(analyzer.analyze('hahahaha', 'en').laughs).toBe(1);
    // A clock time is not a face.
    expect(analyzer.analyze('meeting at 10:30', 'en').tokens).not.toContain('emoticon-kiss');
  });

  it('finds feminine, plural and diminutive Portuguese forms of lexicon words', () => {
    expect(total('lindas', 'pt')).toBeGreaterThan(0);
    expect(total('péssima', 'pt')).toBeLessThan(0);
    expect(total('lindinha', 'pt')).toBeGreaterThan(0);
  });

  it('treats shouting as emphasis only when the rest of the post is not in capitals', () => {
    expect(analyzer.analyze('this is GREAT', 'en').emphasized).toBe(1);
    expect(analyzer.analyze('THIS IS GREAT', 'en').emphasized).toBe(0);
  });

  it('counts links, mentions, question and exclamation marks without scoring them', () => {
    const a = analyzer.analyze('@user is this https://t.co/x ok?! !', 'en');
    expect({ urls: a.urls, mentions: a.mentions, questions: a.questions, exclamations: a.exclamations }).toEqual({
      urls: 1,
      mentions: 1,
      questions: 1,
      exclamations: 2,
    });
  });
});
