import { SENTIMENT_LABELS } from '../enrichment.types';
import { DENSE_COUNT, DENSE_FEATURES, FeatureOptions, FeatureSink, visitFeatures } from './features';
import type { LexiconAnalysis, LexiconLanguage } from './lexicon-analyzer';

export const MODEL_FORMAT = 'ouvidor-sentiment-v1';

/** One language's weights as stored on disk: dense lexicon columns, then the non-zero hash buckets. */
export interface LanguageModelJson {
  features: FeatureOptions;
  /** DENSE_COUNT x 3 weights, row-major (column, class). */
  dense: number[];
  /** Hash buckets with a non-zero weight, ascending. */
  buckets: number[];
  /** buckets.length x 3 weights, row-major. */
  weights: number[];
  /** The penalties picked by the trainer's inner cross-validation, when it searched. */
  penalties?: { l2: number; l2Dense: number; tried: { l2: number; l2Dense: number; macroF1: number }[] };
}

export interface SentimentModelJson {
  format: typeof MODEL_FORMAT;
  classes: string[];
  denseFeatures: string[];
  languages: Partial<Record<LexiconLanguage, LanguageModelJson>>;
  /** Where the weights came from: files, date, hyper-parameters, held-out scores. */
  provenance: Record<string, unknown>;
}

interface LanguageWeights {
  features: FeatureOptions;
  table: Float32Array;
}

/**
 * The learned layer at run time: a softmax over lexicon features and hashed n-grams, one weight
 * table per language, expanded from the sparse JSON into a flat Float32Array (3 MB per language
 * at 2^18 buckets) so that scoring a post is a few hundred multiply-adds.
 */
export class SentimentModel {
  private readonly byLanguage: Partial<Record<LexiconLanguage, LanguageWeights>> = {};

  constructor(readonly json: SentimentModelJson) {
    if (json.format !== MODEL_FORMAT) throw new Error(`unknown sentiment model format: ${String(json.format)}`);
    if (json.classes.join() !== SENTIMENT_LABELS.join()) {
      throw new Error(`sentiment model classes must be ${SENTIMENT_LABELS.join(', ')}`);
    }
    if (json.denseFeatures.join() !== DENSE_FEATURES.join()) {
      throw new Error('sentiment model was trained with other lexicon features: retrain it (npm run train:sentiment)');
    }
    for (const [language, model] of Object.entries(json.languages) as [LexiconLanguage, LanguageModelJson][]) {
      const table = expandWeightTable(model, DENSE_COUNT, model.features.bits, SENTIMENT_LABELS.length);
      this.byLanguage[language] = { features: model.features, table };
    }
  }

  has(language: LexiconLanguage): boolean {
    return this.byLanguage[language] !== undefined;
  }

  /** P(negative), P(neutral), P(positive) of an analysed post into `out`, without building its vector. */
  classify(language: LexiconLanguage, analysis: LexiconAnalysis, out: Float64Array): Float64Array {
    const weights = this.byLanguage[language];
    if (!weights) throw new Error(`no sentiment weights for ${language}`);
    const sink = this.sink;
    sink.table = weights.table;
    sink.logits = out;
    out.fill(0);
    visitFeatures(analysis, weights.features, sink);
    return softmaxInPlace(out, 3);
  }

  private readonly sink = new LogitSink();
}

/**
 * A model's stored weights (PackedWeights: dense columns, then the kept hash buckets) expanded
 * into one flat table of (denseCount + 2^bits) x classes, zero where a bucket was pruned, so
 * that scoring reads a weight by column without a lookup.
 */
export function expandWeightTable(
  stored: { dense: number[]; buckets: number[]; weights: number[] },
  denseCount: number,
  bits: number,
  classes: number,
): Float32Array {
  const K = classes;
  const table = new Float32Array((denseCount + (1 << bits)) * K);
  table.set(stored.dense);
  for (let i = 0; i < stored.buckets.length; i++) {
    const base = (denseCount + stored.buckets[i]) * K;
    for (let k = 0; k < K; k++) table[base + k] = stored.weights[i * K + k];
  }
  return table;
}

/** Turns the first `classes` logits in `out` into probabilities, in place (max subtracted first, so exp cannot overflow). */
export function softmaxInPlace(out: Float64Array, classes: number): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) if (out[k] > max) max = out[k];
  let z = 0;
  for (let k = 0; k < classes; k++) {
    out[k] = Math.exp(out[k] - max);
    z += out[k];
  }
  for (let k = 0; k < classes; k++) out[k] /= z;
  return out;
}

/** Adds each feature's three class weights to the logits. */
class LogitSink implements FeatureSink {
  table: Float32Array = new Float32Array(0);
  logits: Float64Array = new Float64Array(3);

  add(column: number, value: number): void {
    const base = column * 3;
    const t = this.table;
    const l = this.logits;
    l[0] += t[base] * value;
    l[1] += t[base + 1] * value;
    l[2] += t[base + 2] * value;
  }
}
