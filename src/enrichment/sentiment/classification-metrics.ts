import { SENTIMENT_LABELS, SentimentLabel } from '../enrichment.types';

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  macroRecall: number;
  /** Per class: precision, recall, F1 and support. */
  perClass: Record<SentimentLabel, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[gold][predicted], in SENTIMENT_LABELS order. */
  confusion: number[][];
}

/**
 * Accuracy, 3-class macro-F1 and macro-recall (the SemEval-2017 Task 4A headline measure),
 * over gold and predicted sentiment labels. A class never predicted has precision 0.
 */
export function classificationReport(gold: SentimentLabel[], predicted: SentimentLabel[]): ClassificationReport {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  const K = SENTIMENT_LABELS.length;
  const confusion = SENTIMENT_LABELS.map(() => new Array<number>(K).fill(0));
  for (let i = 0; i < gold.length; i++) {
    confusion[SENTIMENT_LABELS.indexOf(gold[i])][SENTIMENT_LABELS.indexOf(predicted[i])]++;
  }
  let correct = 0;
  let f1Sum = 0;
  let recallSum = 0;
  const perClass = {} as ClassificationReport['perClass'];
  SENTIMENT_LABELS.forEach((label, k) => {
    correct += confusion[k][k];
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[k], 0);
    const precision = predictedCount ? confusion[k][k] / predictedCount : 0;
    const recall = support ? confusion[k][k] / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
    f1Sum += f1;
    recallSum += recall;
  });
  return {
    n: gold.length,
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: f1Sum / K,
    macroRecall: recallSum / K,
    perClass,
    confusion,
  };
}
