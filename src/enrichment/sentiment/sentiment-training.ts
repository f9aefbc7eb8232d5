import { SENTIMENT_LABELS, SentimentLabel } from '../enrichment.types';
import { DEFAULT_FEATURE_OPTIONS, DENSE_COUNT, DENSE_FEATURES, FeatureOptions, featurize } from './features';
import { LexiconAnalyzer, LexiconLanguage } from './lexicon-analyzer';
import { LanguageModelJson, MODEL_FORMAT, SentimentModelJson } from './sentiment-model';
import { trainSoftmax } from './softmax-regression';
import { unescapePostText } from '../text/post-text';

/** One labelled post, as in ../shared/data/sentiment/*.jsonl. */
export interface LabelledText {
  text: string;
  label: SentimentLabel;
  /** Weight in the training loss (default 1): rows from another domain may count less. */
  weight?: number;
}

export interface LanguageTrainingConfig {
  features: FeatureOptions;
  /** L2 penalty on hashed n-gram weights (per row). */
  l2: number;
  /** L2 penalty on the dense lexicon-feature weights. */
  l2Dense: number;
  /**
   * Weight classes by (frequency)^-balance: 1 fully balanced, so that macro-F1 is not sacrificed
   * to the majority class; 0 plain.
   */
  balance: number;
  maxIterations: number;
  /** Weights whose absolute value is below this are dropped from the JSON. */
  prune: number;
}

/**
 * Hyper-parameters chosen by 5-fold cross-validation (see README.md in this folder): stronger
 * L2 for English, whose training set is small and noisy.
 */
export const DEFAULT_TRAINING_CONFIG: Record<LexiconLanguage, LanguageTrainingConfig> = {
  en: { features: DEFAULT_FEATURE_OPTIONS, l2: 20, l2Dense: 0.1, balance: 1, maxIterations: 300, prune: 5e-4 },
  pt: { features: DEFAULT_FEATURE_OPTIONS, l2: 10, l2Dense: 0.1, balance: 1, maxIterations: 300, prune: 5e-4 },
};

/** Trains one language's weights on labelled posts. */
export function trainLanguageModel(
  analyzer: LexiconAnalyzer,
  language: LexiconLanguage,
  rows: LabelledText[],
  config: LanguageTrainingConfig,
): LanguageModelJson {
  if (rows.length === 0) throw new Error(`no training rows for ${language}`);
  const K = SENTIMENT_LABELS.length;
  const vectors = rows.map((r) => featurize(analyzer.analyze(unescapePostText(r.text), language), config.features));
  const labels = rows.map((r) => {
    const k = SENTIMENT_LABELS.indexOf(r.label);
    if (k < 0) throw new Error(`unknown label: ${r.label}`);
    return k;
  });
  let classWeights: number[] | undefined;
  if (config.balance > 0) {
    const counts = new Array<number>(K).fill(0);
    let total = 0;
    rows.forEach((r, i) => {
      counts[labels[i]] += r.weight ?? 1;
      total += r.weight ?? 1;
    });
    classWeights = counts.map((c) => (c > 0 ? Math.pow(total / (K * c), config.balance) : 0));
  }
  const trained = trainSoftmax(vectors, labels, K, {
    l2: config.l2,
    l2Dense: config.l2Dense,
    denseCount: DENSE_COUNT,
    maxIterations: config.maxIterations,
    classWeights,
    sampleWeights: rows.some((r) => r.weight !== undefined) ? rows.map((r) => r.weight ?? 1) : undefined,
  });
  const dense = new Array<number>(DENSE_COUNT * K).fill(0);
  const buckets: number[] = [];
  const weights: number[] = [];
  trained.columns.forEach((column, i) => {
    const w = Array.from(trained.weights.subarray(i * K, i * K + K), round);
    if (column < DENSE_COUNT) {
      for (let k = 0; k < K; k++) dense[column * K + k] = w[k];
    } else if (w.some((x) => Math.abs(x) >= config.prune)) {
      buckets.push(column - DENSE_COUNT);
      weights.push(...w);
    }
  });
  return { features: config.features, dense, buckets, weights };
}

/** Trains every language that has rows and wraps the weights with their provenance. */
export function trainSentimentModel(
  analyzer: LexiconAnalyzer,
  rowsByLanguage: Partial<Record<LexiconLanguage, LabelledText[]>>,
  configs: Record<LexiconLanguage, LanguageTrainingConfig> = DEFAULT_TRAINING_CONFIG,
  provenance: Record<string, unknown> = {},
): SentimentModelJson {
  const languages: SentimentModelJson['languages'] = {};
  for (const [language, rows] of Object.entries(rowsByLanguage) as [LexiconLanguage, LabelledText[]][]) {
    if (rows.length > 0) languages[language] = trainLanguageModel(analyzer, language, rows, configs[language]);
  }
  return {
    format: MODEL_FORMAT,
    classes: [...SENTIMENT_LABELS],
    denseFeatures: [...DENSE_FEATURES],
    languages,
    provenance,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Deterministic stratified k-fold assignment: fold[i] for each row, each fold with the same label
 * mix. A fixed seed keeps cross-validation figures reproducible run to run.
 */
export function stratifiedFolds(labels: string[], k: number, seed = 20240601): number[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
  const folds = new Array<number>(labels.length).fill(0);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => byLabel.set(label, [...(byLabel.get(label) ?? []), i]));
  let offset = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const indexes = byLabel.get(label) as number[];
    for (let i = indexes.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
    }
    indexes.forEach((row, n) => (folds[row] = (n + offset) % k));
    offset += indexes.length;
  }
  return folds;
}
