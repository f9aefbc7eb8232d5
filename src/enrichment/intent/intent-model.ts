import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Intent, INTENTS } from '../enrichment.types';
import type { FeatureSink } from '../sentiment/features';
import { expandWeightTable, softmaxInPlace } from '../sentiment/sentiment-model';
import { INTENT_DENSE_COUNT, INTENT_DENSE_FEATURES, IntentEvidence, IntentFeatureOptions, visitIntentFeatures } from './intent-features';

export const INTENT_MODEL_FORMAT = 'ouvidor-intent-v1';

export interface IntentModelJson {
  format: typeof INTENT_MODEL_FORMAT;
  classes: string[];
  denseFeatures: string[];
  features: IntentFeatureOptions;
  /** INTENT_DENSE_COUNT x classes weights, row-major (column, class). */
  dense: number[];
  /** Hash buckets with a non-zero weight, ascending. */
  buckets: number[];
  /** buckets.length x classes weights, row-major. */
  weights: number[];
  /**
   * A post needs a reply (support, complaint or question) when those three classes together
   * reach this probability; below it the most probable of lead, praise and other wins.
   */
  replyThreshold: number;
  /** Where the weights came from: files, mapping, date, hyper-parameters, held-out scores. */
  provenance: Record<string, unknown>;
}

/** Indexes in INTENTS of the intents that need a reply (they open cases). */
const REPLY = [0, 1, 2];
const NO_REPLY = [3, 4, 5];
if (REPLY.some((i) => !['support', 'complaint', 'question'].includes(INTENTS[i]))) {
  throw new Error('INTENTS must start with support, complaint, question');
}

export const DEFAULT_INTENT_MODEL_PATH = join(__dirname, 'model', 'intent-model.json');

/**
 * The learned intent layer at run time: a softmax over the rules' cues, the sentiment
 * probabilities and hashed n-grams, expanded from the sparse JSON into one Float32Array.
 */
export class IntentModel {
  readonly replyThreshold: number;
  private readonly table: Float32Array;
  private readonly sink = new IntentLogitSink();
  private readonly logits = new Float64Array(INTENTS.length);

  constructor(readonly json: IntentModelJson) {
    if (json.format !== INTENT_MODEL_FORMAT) throw new Error(`unknown intent model format: ${String(json.format)}`);
    if (json.classes.join() !== INTENTS.join()) throw new Error(`intent model classes must be ${INTENTS.join(', ')}`);
    if (json.denseFeatures.join() !== INTENT_DENSE_FEATURES.join()) {
      throw new Error('intent model was trained with other features: retrain it (npm run train:intent)');
    }
    this.table = expandWeightTable(json, INTENT_DENSE_COUNT, json.features.bits, INTENTS.length);
    this.replyThreshold = json.replyThreshold;
  }

  /** Class probabilities in INTENTS order, into `out`. */
  probabilities(evidence: IntentEvidence, out: Float64Array = new Float64Array(INTENTS.length)): Float64Array {
    const sink = this.sink;
    sink.table = this.table;
    sink.logits = out;
    out.fill(0);
    visitIntentFeatures(evidence, this.json.features, sink);
    return softmaxInPlace(out, out.length);
  }

  classify(evidence: IntentEvidence): Intent {
    return this.decide(this.probabilities(evidence, this.logits));
  }

  /** The intent for a post's class probabilities. */
  decide(p: ArrayLike<number>, replyThreshold = this.replyThreshold): Intent {
    return decideIntent(p, replyThreshold);
  }
}

/**
 * The intent a support desk should act on: if the reply intents together are likely enough,
 * the likeliest of them (missing a request costs more than answering chatter), otherwise the
 * likeliest of the rest.
 */
export function decideIntent(p: ArrayLike<number>, replyThreshold: number): Intent {
  const reply = p[0] + p[1] + p[2];
  const group = reply >= replyThreshold ? REPLY : NO_REPLY;
  let best = group[0];
  for (const k of group) if (p[k] > p[best]) best = k;
  return INTENTS[best];
}

let sharedModel: IntentModel | undefined;

/** The committed model (src/enrichment/intent/model/intent-model.json), loaded once. */
export function defaultIntentModel(): IntentModel {
  sharedModel ??= new IntentModel(JSON.parse(readFileSync(DEFAULT_INTENT_MODEL_PATH, 'utf8')) as IntentModelJson);
  return sharedModel;
}

/** Adds each feature's six class weights to the logits. */
class IntentLogitSink implements FeatureSink {
  table: Float32Array = new Float32Array(0);
  logits: Float64Array = new Float64Array(INTENTS.length);

  add(column: number, value: number): void {
    const base = column * 6;
    const t = this.table;
    const l = this.logits;
    l[0] += t[base] * value;
    l[1] += t[base + 1] * value;
    l[2] += t[base + 2] * value;
    l[3] += t[base + 3] * value;
    l[4] += t[base + 4] * value;
    l[5] += t[base + 5] * value;
  }
}
