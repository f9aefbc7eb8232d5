import { labelForScore, scoreFromProbabilities, SentimentScorer } from './sentiment-scorer';

describe('scoreFromProbabilities', () => {
  it('reproduces the most probable class under the default thresholds', () => {
    const cases: [number[], string][] = [
      [[0.6, 0.3, 0.1], 'negative'],
      [[0.2, 0.5, 0.3], 'neutral'],
      [[0.1, 0.2, 0.7], 'positive'],
      [[0.34, 0.33, 0.33], 'negative'],
      [[0.45, 0.1, 0.45], 'positive'],
    ];
    for (const [p, label] of cases) expect(labelForScore(scoreFromProbabilities(p))).toBe(label);
  });

  it('stays within -1 … 1 and grows with confidence', () => {
    const weak = scoreFromProbabilities([0.1, 0.4, 0.5]);
    const strong = scoreFromProbabilities([0.01, 0.04, 0.95]);
    expect(strong).toBeGreaterThan(weak);
    expect(strong).toBeLessThanOrEqual(1);
    expect(scoreFromProbabilities([1, 0, 0])).toBeGreaterThanOrEqual(-1);
    expect(Math.abs(scoreFromProbabilities([0.05, 0.9, 0.05]))).toBeLessThan(0.05);
  });
});

describe('labelForScore', () => {
  it('uses ≥ +0.05 positive, ≤ −0.05 negative by default (docs/KPIS.md)', () => {
    expect(labelForScore(0.05)).toBe('positive');
    expect(labelForScore(0.0499)).toBe('neutral');
    expect(labelForScore(-0.05)).toBe('negative');
    expect(labelForScore(0.3, { positive: 0.5, negative: -0.5 })).toBe('neutral');
  });
});

describe('SentimentScorer', () => {
  it('scores with the committed model and, when asked, with the lexicon alone', () => {
    const learned = new SentimentScorer();
    const lexiconOnly = new SentimentScorer(null);
    const text = 'I love this phone, best purchase ever';
    expect(learned.details(text, 'en').probabilities).not.toBeNull();
    expect(lexiconOnly.details(text, 'en').probabilities).toBeNull();
    expect(learned.score(text, 'en').label).toBe('positive');
    expect(lexiconOnly.score(text, 'en').label).toBe('positive');
    expect(lexiconOnly.score('worst purchase ever', 'en').label).toBe('negative');
  });
});
