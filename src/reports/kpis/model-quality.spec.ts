import { INTENTS, SENTIMENT_LABELS } from '../../enrichment/enrichment.types';
import { labelQuality, modelQuality } from './model-quality';

const review = <L extends string>(predicted: L, corrected: L) => ({ predicted, corrected });

describe('model quality from agent corrections', () => {
  describe('labelQuality (hand-computed)', () => {
    const cases = [
      {
        name: 'sentiment with a confusion both ways',
        labels: SENTIMENT_LABELS,
        reviews: [
          review('negative', 'negative'),
          review('negative', 'neutral'),
          review('positive', 'positive'),
          review('neutral', 'negative'),
          review('positive', 'positive'),
        ],
        // negative: TP 1, predicted 2, corrected 2 → P 1/2, R 1/2, F1 2/4
        // neutral:  TP 0, predicted 1, corrected 1 → P 0, R 0, F1 0
        // positive: TP 2, predicted 2, corrected 2 → P 1, R 1, F1 1
        expected: {
          corrections: 5,
          changed: 2,
          accuracy: 3 / 5,
          macroF1: (0.5 + 0 + 1) / 3,
          perClass: {
            negative: { precision: 0.5, recall: 0.5, f1: 0.5, predicted: 2, corrected: 2 },
            neutral: { precision: 0, recall: 0, f1: 0, predicted: 1, corrected: 1 },
            positive: { precision: 1, recall: 1, f1: 1, predicted: 2, corrected: 2 },
          },
          confusion: {
            negative: { negative: 1, neutral: 1, positive: 0 },
            neutral: { negative: 1, neutral: 0, positive: 0 },
            positive: { negative: 0, neutral: 0, positive: 2 },
          },
        },
      },
      {
        name: 'intent where some labels are only predicted, only corrected, or absent',
        labels: INTENTS,
        reviews: [
          review('support', 'support'),
          review('other', 'support'),
          review('praise', 'praise'),
          review('support', 'other'),
          review('question', 'complaint'),
        ],
        // support: TP 1, predicted 2, corrected 2 → F1 0.5; other: TP 0, 1, 1 → F1 0; praise F1 1;
        // question: predicted 1, corrected 0 → P 0, R null, F1 0; complaint: P null, R 0, F1 0;
        // lead: on neither side → all null, left out of the mean: (0.5 + 0 + 1 + 0 + 0) / 5
        expected: {
          corrections: 5,
          changed: 3,
          accuracy: 2 / 5,
          macroF1: 0.3,
          perClass: {
            support: { precision: 0.5, recall: 0.5, f1: 0.5, predicted: 2, corrected: 2 },
            complaint: { precision: null, recall: 0, f1: 0, predicted: 0, corrected: 1 },
            question: { precision: 0, recall: null, f1: 0, predicted: 1, corrected: 0 },
            lead: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
            praise: { precision: 1, recall: 1, f1: 1, predicted: 1, corrected: 1 },
            other: { precision: 0, recall: 0, f1: 0, predicted: 1, corrected: 1 },
          },
        },
      },
      {
        name: 'only confirmations',
        labels: SENTIMENT_LABELS,
        reviews: [review('positive', 'positive'), review('positive', 'positive'), review('positive', 'positive')],
        expected: {
          corrections: 3,
          changed: 0,
          accuracy: 1,
          macroF1: 1,
          perClass: {
            negative: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
            neutral: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
            positive: { precision: 1, recall: 1, f1: 1, predicted: 3, corrected: 3 },
          },
        },
      },
      {
        name: 'no reviews: every ratio null, never 0',
        labels: SENTIMENT_LABELS,
        reviews: [],
        expected: {
          corrections: 0,
          changed: 0,
          accuracy: null,
          macroF1: null,
          perClass: {
            negative: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
            neutral: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
            positive: { precision: null, recall: null, f1: null, predicted: 0, corrected: 0 },
          },
        },
      },
    ] as const;

    it.each(cases)('$name', ({ labels, reviews, expected }) => {
      const q = labelQuality(labels as readonly string[], reviews as readonly { predicted: string; corrected: string }[]);
      expect(q.corrections).toBe(expected.corrections);
      expect(q.changed).toBe(expected.changed);
      expect(q.accuracy).toBe(expected.accuracy);
      if (expected.macroF1 === null) expect(q.macroF1).toBeNull();
      else expect(q.macroF1).toBeCloseTo(expected.macroF1, 12);
      expect(q.perClass).toEqual(expected.perClass);
      if ('confusion' in expected) expect(q.confusion).toEqual(expected.confusion);
    });
  });

  it('counts a label a model no longer has nowhere rather than in a wrong cell', () => {
    const q = labelQuality(SENTIMENT_LABELS as readonly string[], [review('mixed', 'positive'), review('positive', 'positive')]);
    expect(q.corrections).toBe(1);
    expect(q.confusion.positive.positive).toBe(1);
  });

  it('measures each label only on the mentions where an agent set it', () => {
    const q = modelQuality([
      { sentiment: review('negative', 'positive') },
      { intent: review('other', 'support') },
      { sentiment: review('negative', 'negative'), intent: review('support', 'support') },
    ]);
    expect(q.sentiment.corrections).toBe(2);
    expect(q.sentiment.confusion.negative).toEqual({ negative: 1, neutral: 0, positive: 1 });
    expect(q.intent.corrections).toBe(2);
    expect(q.intent.confusion.other.support).toBe(1);
    // support: TP 1, predicted 1, corrected 2 → P 1, R 1/2, F1 2/3; other: F1 0 → macro 1/3
    expect(q.intent.perClass.support).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, predicted: 1, corrected: 2 });
    expect(q.intent.macroF1).toBeCloseTo(1 / 3, 12);
  });
});
