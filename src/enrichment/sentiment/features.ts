import { BOUNDARY, LexiconAnalysis } from './lexicon-analyzer';
import { hashString, mix, tokenHashesOf } from './token-hashes';

/** Sparse feature vector: parallel arrays of column indexes and values. */
export interface SparseVector {
  index: number[];
  value: number[];
}

/** What the hashed part of the vector contains; stored with the model so training and scoring agree. */
export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Word bigrams (clause boundaries included, so "| great" means "starts a clause with great"). */
  bigrams: boolean;
  /** Also hash a crude stem of each word ("loved", "loving" -> "lov"), sharing evidence across forms. */
  stems: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  bits: 16,
  bigrams: true,
  stems: true,
};

/** Names of the dense lexicon features, in column order; hashed columns follow them. */
export const DENSE_FEATURES = [
  'bias',
  'positive',
  'negative',
  'total',
  'lastClause',
  'positiveHits',
  'negativeHits',
  'maxPositive',
  'maxNegative',
  'emojiPositive',
  'emojiNegative',
  'exclamations',
  'questions',
  'urls',
  'mentions',
  'hashtags',
  'emphasized',
  'negations',
  'contrasts',
  'laughs',
  'length',
  'noLexiconHit',
  'totalPositive',
  'totalNegative',
  'secondaryPositive',
  'secondaryNegative',
  'secondaryTotal',
  'titleCaseShare',
  'mostlyTitleCase',
  'truncated',
  'digits',
  'firstPerson',
  'secondPerson',
  'inducedPositive',
  'inducedNegative',
  'inducedMax',
  'inducedMin',
  'inducedHits',
] as const;

export const DENSE_COUNT = DENSE_FEATURES.length;

const NEGATED_SALT = 0x9e3779b1;
const BIGRAM_SALT = 0x85ebca6b;

/** A count scaled to [0, 1], saturating at `limit`: a dense column that one long post cannot dominate. */
export const cap = (value: number, limit: number) => (value > limit ? limit : value) / limit;

/** Receives the non-zero columns of a post's feature vector, in order. */
export interface FeatureSink {
  add(column: number, value: number): void;
}

/** The word hash of a clause boundary: what a bigram at the start or end of a clause pairs with. */
export const BOUNDARY_HASH = hashString(BOUNDARY, 0);

/**
 * Turns a lexicon analysis into the learned layer's input: scaled lexicon aggregates (dense
 * columns) plus hashed word unigrams (negation-marked inside a negation's scope: "not good" ->
 * NOT_good), crude stems and word bigrams. Hashing keeps the model a fixed size whatever the
 * vocabulary, and needs no vocabulary file. Columns go to a sink, so that scoring can add up
 * weights without building a vector and training can collect one.
 */
export function visitFeatures(a: LexiconAnalysis, options: FeatureOptions, sink: FeatureSink): void {
  const dense = (column: number, value: number) => {
    if (value !== 0) sink.add(column, value);
  };
  dense(0, 1);
  dense(1, a.positive / 4);
  dense(2, a.negative / 4);
  dense(3, a.total / 4);
  dense(4, a.lastClauseScore / 4);
  dense(5, cap(a.positiveHits, 5));
  dense(6, cap(a.negativeHits, 5));
  dense(7, a.maxPositive / 4);
  dense(8, a.maxNegative / 4);
  dense(9, cap(a.emojiPositive, 3));
  dense(10, cap(a.emojiNegative, 3));
  dense(11, cap(a.exclamations, 3));
  dense(12, a.questions > 0 ? 1 : 0);
  dense(13, a.urls > 0 ? 1 : 0);
  dense(14, a.mentions > 0 ? 1 : 0);
  dense(15, cap(a.hashtags, 3));
  dense(16, a.emphasized > 0 ? 1 : 0);
  dense(17, a.negations > 0 ? 1 : 0);
  dense(18, a.contrasts > 0 ? 1 : 0);
  dense(19, a.laughs > 0 ? 1 : 0);
  dense(20, cap(a.words, 40));
  dense(21, a.positive + a.negative === 0 ? 1 : 0);
  dense(22, a.total > 0 ? 1 : 0);
  dense(23, a.total < 0 ? 1 : 0);
  dense(24, a.secondaryPositive / 4);
  dense(25, a.secondaryNegative / 4);
  dense(26, (a.secondaryPositive - a.secondaryNegative) / 4);
  dense(27, a.words > 0 ? a.titleCaseWords / a.words : 0);
  dense(28, a.titleCaseWords * 2 > a.words ? 1 : 0);
  dense(29, a.truncated ? 1 : 0);
  dense(30, a.digits ? 1 : 0);
  dense(31, a.firstPerson > 0 ? 1 : 0);
  dense(32, a.secondPerson > 0 ? 1 : 0);
  dense(33, a.inducedPositive / 4);
  dense(34, a.inducedNegative / 4);
  dense(35, a.inducedMax / 4);
  dense(36, a.inducedMin / 4);
  dense(37, cap(a.inducedHits, 5));

  const mask = (1 << options.bits) - 1;
  const tokens = a.tokens;
  let previous = BOUNDARY_HASH;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const hashes = a.hashes[i] ?? tokenHashesOf(token);
    const h = hashes.word;
    if (token !== BOUNDARY) {
      // In a negation's scope the word counts as NOT_word only: "não é ruim" must not carry
      // the weight "ruim" learned elsewhere.
      sink.add(DENSE_COUNT + ((a.negated[i] ? mix(h, NEGATED_SALT) : h) & mask), 1);
      if (options.stems && hashes.stem >= 0) sink.add(DENSE_COUNT + (hashes.stem & mask), 1);
    }
    if (options.bigrams) sink.add(DENSE_COUNT + (mix(mix(previous, h), BIGRAM_SALT) & mask), 1);
    previous = h;
  }
  if (options.bigrams && tokens.length > 0 && tokens[tokens.length - 1] !== BOUNDARY) {
    sink.add(DENSE_COUNT + (mix(mix(previous, BOUNDARY_HASH), BIGRAM_SALT) & mask), 1);
  }
}

/** The feature vector as arrays (training). */
export function featurize(analysis: LexiconAnalysis, options: FeatureOptions): SparseVector {
  return collectFeatures((sink) => visitFeatures(analysis, options, sink));
}

/** Collects the columns a feature visitor sends into a sparse vector (training). */
export function collectFeatures(visit: (sink: FeatureSink) => void): SparseVector {
  const vector: SparseVector = { index: [], value: [] };
  visit({
    add: (column, value) => {
      vector.index.push(column);
      vector.value.push(value);
    },
  });
  return vector;
}
