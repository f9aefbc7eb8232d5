import { SENTIMENT_LABELS, SentimentLabel } from '../enrichment.types';
import { classificationReport } from './classification-metrics';
import { DEFAULT_FEATURE_OPTIONS, DENSE_COUNT, DENSE_FEATURES, FeatureOptions, featurize, SparseVector } from './features';
import { LexiconAnalyzer, LexiconLanguage } from './lexicon-analyzer';
import { LanguageModelJson, MODEL_FORMAT, SentimentModelJson } from './sentiment-model';
import { balancedClassWeights, packWeights, trainSoftmax, TrainedWeights } from './softmax-regression';
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
  /**
   * When set, `l2` and `l2Dense` are chosen from these grids by an inner stratified k-fold
   * cross-validation on the training rows alone (macro-F1), then the weights are trained on all
   * of them. Under `--cv` this runs inside each outer fold, so the held-out fold never steers a
   * hyper-parameter (nested cross-validation).
   */
  search?: { l2: number[]; l2Dense: number[]; folds: number };
}

/** The penalties a trained language model ended up with, and the inner-CV macro-F1 of each pair tried. */
export interface PenaltySearchResult {
  l2: number;
  l2Dense: number;
  tried: { l2: number; l2Dense: number; macroF1: number }[];
}

/** The penalty grid searched by inner cross-validation for every language. */
export const PENALTY_SEARCH = { l2: [20, 40], l2Dense: [0.3, 3], folds: 4 };

/**
 * Training settings per language. `l2` / `l2Dense` are the fall-back penalties; with `search`
 * set (the default) the trainer picks them from the grid by inner cross-validation on its own
 * training rows (see README.md in the enrichment folder).
 */
export const DEFAULT_TRAINING_CONFIG: Record<LexiconLanguage, LanguageTrainingConfig> = {
  // 48,247 training tweets: an inner search would cost ten fits of the whole set. l2 was picked
  // once on en-dev (4: 0.759, 8: 0.749, 20: 0.734, 40: 0.719 macro-F1; README.md in enrichment/).
  en: { features: DEFAULT_FEATURE_OPTIONS, l2: 4, l2Dense: 3, balance: 1, maxIterations: 300, prune: 5e-4 },
  pt: { features: DEFAULT_FEATURE_OPTIONS, l2: 10, l2Dense: 3, balance: 1, maxIterations: 300, prune: 5e-4, search: PENALTY_SEARCH },
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
  const rowWeights = rows.map((r) => r.weight ?? 1);
  const fit = (subset: number[], l2: number, l2Dense: number) =>
    trainSoftmax(
      subset.map((i) => vectors[i]),
      subset.map((i) => labels[i]),
      K,
      {
        l2,
        l2Dense,
        denseCount: DENSE_COUNT,
        maxIterations: config.maxIterations,
        classWeights:
          config.balance > 0
            ? balancedClassWeights(
                subset.map((i) => labels[i]),
                subset.map((i) => rowWeights[i]),
                K,
                config.balance,
              )
            : undefined,
        sampleWeights: rows.some((r) => r.weight !== undefined) ? subset.map((i) => rowWeights[i]) : undefined,
      },
    );
  const all = rows.map((_, i) => i);
  const penalties = config.search ? searchPenalties(vectors, labels, config.search, fit) : undefined;
  const trained = fit(all, penalties?.l2 ?? config.l2, penalties?.l2Dense ?? config.l2Dense);
  const { dense, buckets, weights } = packWeights(trained, DENSE_COUNT, config.prune);
  return { features: config.features, dense, buckets, weights, ...(penalties ? { penalties } : {}) };
}

/**
 * Picks (l2, l2Dense) by stratified k-fold cross-validation over the training rows: each pair
 * is trained on k-1 inner folds and scored (macro-F1 of the most probable class) on the k-th.
 * Only the rows handed to the trainer are used, so an outer held-out fold stays unseen.
 */
function searchPenalties(
  vectors: SparseVector[],
  labels: number[],
  search: NonNullable<LanguageTrainingConfig['search']>,
  fit: (subset: number[], l2: number, l2Dense: number) => TrainedWeights,
): PenaltySearchResult {
  const folds = stratifiedFolds(labels.map(String), search.folds, 7);
  const gold = labels.map((y) => SENTIMENT_LABELS[y]);
  const tried: PenaltySearchResult['tried'] = [];
  let best: PenaltySearchResult['tried'][number] | undefined;
  for (const l2 of search.l2) {
    for (const l2Dense of search.l2Dense) {
      const predicted = new Array<SentimentLabel>(labels.length);
      for (let f = 0; f < search.folds; f++) {
        const train: number[] = [];
        const test: number[] = [];
        folds.forEach((fold, i) => (fold === f ? test : train).push(i));
        const model = fit(train, l2, l2Dense);
        for (const i of test) predicted[i] = SENTIMENT_LABELS[argmaxClass(model, vectors[i])];
      }
      const entry = { l2, l2Dense, macroF1: round(classificationReport(gold, predicted).macroF1) };
      tried.push(entry);
      if (!best || entry.macroF1 > best.macroF1) best = entry;
    }
  }
  if (!best) throw new Error('empty penalty grid');
  return { l2: best.l2, l2Dense: best.l2Dense, tried };
}

function argmaxClass(model: TrainedWeights, vector: SparseVector): number {
  const K = model.classes;
  const scores = new Float64Array(K);
  for (let j = 0; j < vector.index.length; j++) {
    const row = binarySearch(model.columns, vector.index[j]);
    if (row < 0) continue;
    for (let k = 0; k < K; k++) scores[k] += model.weights[row * K + k] * vector.value[j];
  }
  let best = 0;
  for (let k = 1; k < K; k++) if (scores[k] > scores[best]) best = k;
  return best;
}

function binarySearch(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === value) return mid;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
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
