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
    if (json.format !== MODEL_FORMAT) throw new Error(`unknown sentiment model format: ${json.format}`);
    if (json.classes.join() !== SENTIMENT_LABELS.join()) {
      throw new Error(`sentiment model classes must be ${SENTIMENT_LABELS.join(', ')}`);
    }
    if (json.denseFeatures.join() !== DENSE_FEATURES.join()) {
      throw new Error('sentiment model was trained with other lexicon features: retrain it (npm run train:sentiment)');
    }
    for (const [language, model] of Object.entries(json.languages) as [LexiconLanguage, LanguageModelJson][]) {
      const K = SENTIMENT_LABELS.length;
      const table = new Float32Array((DENSE_COUNT + (1 << model.features.bits)) * K);
      table.set(model.dense);
      for (let i = 0; i < model.buckets.length; i++) {
        const base = (DENSE_COUNT + model.buckets[i]) * K;
        for (let k = 0; k < K; k++) table[base + k] = model.weights[i * K + k];
      }
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
    let max = -Infinity;
    for (let k = 0; k < 3; k++) if (out[k] > max) max = out[k];
    let z = 0;
    for (let k = 0; k < 3; k++) {
      out[k] = Math.exp(out[k] - max);
      z += out[k];
    }
    for (let k = 0; k < 3; k++) out[k] /= z;
    return out;
  }

  private readonly sink = new LogitSink();
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
