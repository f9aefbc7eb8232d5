import type { EnrichmentService } from '../enrichment.service';
import { INTENTS } from '../enrichment.types';
import type { SparseVector } from '../sentiment/features';
import { trainSoftmax } from '../sentiment/softmax-regression';
import {
  DEFAULT_INTENT_FEATURE_OPTIONS,
  INTENT_DENSE_COUNT,
  INTENT_DENSE_FEATURES,
  IntentFeatureOptions,
  visitIntentFeatures,
} from './intent-features';
import type { IntentExample } from './intent-data';
import { INTENT_MODEL_FORMAT, IntentModelJson } from './intent-model';

export interface IntentTrainingConfig {
  features: IntentFeatureOptions;
  /** L2 penalty on hashed n-gram weights (per row). */
  l2: number;
  /** L2 penalty on the dense weights (cues, sentiment, surface facts). */
  l2Dense: number;
  /** Classes weighted by (frequency)^-balance: assistant chatter must not drown the rarer intents. */
  balance: number;
  maxIterations: number;
  /** Weights whose absolute value is below this are dropped from the JSON. */
  prune: number;
  /** See IntentModelJson.replyThreshold. */
  replyThreshold: number;
}

export const DEFAULT_INTENT_TRAINING_CONFIG: IntentTrainingConfig = {
  features: DEFAULT_INTENT_FEATURE_OPTIONS,
  l2: 4,
  l2Dense: 0.1,
  balance: 1,
  maxIterations: 200,
  prune: 1e-3,
  replyThreshold: 0.3,
};

/** Feature vectors of labelled posts, read through the same enrichment steps as enrich(). */
export function featurizeIntentRows(service: EnrichmentService, rows: IntentExample[], features: IntentFeatureOptions): SparseVector[] {
  return rows.map((row) => {
    const vector: SparseVector = { index: [], value: [] };
    visitIntentFeatures(service.intentEvidence({ text: row.text, platformLang: row.lang }), features, {
      add: (column, value) => {
        vector.index.push(column);
        vector.value.push(value);
      },
    });
    return vector;
  });
}

/** Trains the intent weights on featurized rows (every row needs an intent). */
export function trainIntentModel(
  vectors: SparseVector[],
  rows: IntentExample[],
  config: IntentTrainingConfig = DEFAULT_INTENT_TRAINING_CONFIG,
  provenance: Record<string, unknown> = {},
): IntentModelJson {
  const K = INTENTS.length;
  const labels = rows.map((r, i) => {
    const k = r.intent ? INTENTS.indexOf(r.intent) : -1;
    if (k < 0) throw new Error(`training row ${i} has no intent: ${r.text}`);
    return k;
  });
  const sampleWeights = rows.map((r) => r.weight ?? 1);
  const counts = new Array<number>(K).fill(0);
  let total = 0;
  labels.forEach((y, i) => {
    counts[y] += sampleWeights[i];
    total += sampleWeights[i];
  });
  const classWeights = counts.map((c) => (c > 0 ? Math.pow(total / (K * c), config.balance) : 0));
  const trained = trainSoftmax(vectors, labels, K, {
    l2: config.l2,
    l2Dense: config.l2Dense,
    denseCount: INTENT_DENSE_COUNT,
    maxIterations: config.maxIterations,
    classWeights,
    sampleWeights,
  });
  const dense = new Array<number>(INTENT_DENSE_COUNT * K).fill(0);
  const buckets: number[] = [];
  const weights: number[] = [];
  trained.columns.forEach((column, i) => {
    const w = Array.from(trained.weights.subarray(i * K, i * K + K), round);
    if (column < INTENT_DENSE_COUNT) {
      for (let k = 0; k < K; k++) dense[column * K + k] = w[k];
    } else if (w.some((x) => Math.abs(x) >= config.prune)) {
      buckets.push(column - INTENT_DENSE_COUNT);
      weights.push(...w);
    }
  });
  return {
    format: INTENT_MODEL_FORMAT,
    classes: [...INTENTS],
    denseFeatures: [...INTENT_DENSE_FEATURES],
    features: config.features,
    dense,
    buckets,
    weights,
    replyThreshold: config.replyThreshold,
    provenance,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
