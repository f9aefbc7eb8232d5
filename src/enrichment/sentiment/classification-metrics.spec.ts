import { classificationReport } from './classification-metrics';

describe('classificationReport', () => {
  it('computes accuracy, macro-F1, macro-recall and the confusion matrix', () => {
    const gold = ['positive', 'positive', 'negative', 'neutral', 'neutral', 'neutral'] as const;
    const predicted = ['positive', 'neutral', 'negative', 'neutral', 'positive', 'neutral'] as const;
    const r = classificationReport([...gold], [...predicted]);
    expect(r.n).toBe(6);
    expect(r.accuracy).toBeCloseTo(4 / 6, 10);
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [0, 2, 1],
      [0, 1, 1],
    ]);
    // negative P=1 R=1 F1=1; neutral P=2/3 R=2/3 F1=2/3; positive P=1/2 R=1/2 F1=1/2.
    expect(r.macroF1).toBeCloseTo((1 + 2 / 3 + 1 / 2) / 3, 10);
    expect(r.macroRecall).toBeCloseTo((1 + 2 / 3 + 1 / 2) / 3, 10);
  });

  it('gives a class never predicted precision 0 rather than NaN', () => {
    const r = classificationReport(['positive', 'negative'], ['positive', 'positive']);
    expect(r.perClass.negative).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perClass.neutral.f1).toBe(0);
  });
});
