import type { EnrichmentService } from '../enrichment.service';
import { INTENTS } from '../enrichment.types';
import { collectFeatures, SparseVector } from '../sentiment/features';
import { balancedClassWeights, packWeights, trainSoftmax } from '../sentiment/softmax-regression';
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
  return rows.map((row) =>
    collectFeatures((sink) => visitIntentFeatures(service.intentEvidence({ text: row.text, platformLang: row.lang }), features, sink)),
  );
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
  const classWeights = balancedClassWeights(labels, sampleWeights, K, config.balance);
  const trained = trainSoftmax(vectors, labels, K, {
    l2: config.l2,
    l2Dense: config.l2Dense,
    denseCount: INTENT_DENSE_COUNT,
    maxIterations: config.maxIterations,
    classWeights,
    sampleWeights,
  });
  const { dense, buckets, weights } = packWeights(trained, INTENT_DENSE_COUNT, config.prune);
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
