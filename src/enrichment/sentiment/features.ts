import { BOUNDARY, LexiconAnalysis } from './lexicon-analyzer';

/** Sparse feature vector: parallel arrays of column indexes and values. */
export interface SparseVector {
  index: number[];
  value: number[];
}

/** What the hashed part of the vector contains; stored with the model so training and scoring agree. */
export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Word bigrams (clause boundaries included, so "| great" means "starts with great"). */
  bigrams: boolean;
  /** Character n-grams of each word, lengths from..to (0 disables). */
  charGramsFrom: number;
  charGramsTo: number;
  /** Also hash a crude stem of each word ("loved", "loving" -> "lov"), sharing evidence across forms. */
  stems?: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  bits: 18,
  bigrams: true,
  charGramsFrom: 0,
  charGramsTo: 0,
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
] as const;

export const DENSE_COUNT = DENSE_FEATURES.length;

const NEGATED_SALT = 0x9e3779b1;
const BIGRAM_SALT = 0x85ebca6b;
const CHAR_SALT = 0xc2b2ae35;
const STEM_SALT = 0x27d4eb2f;
const STEM_SUFFIXES = ['ings', 'ing', 'edly', 'ed', 'ers', 'er', 'ies', 'es', 'ly', "'s", 's', 'mente', 'inhos', 'inhas', 'inho', 'inha', 'ando', 'endo', 'indo', 'ado', 'ada', 'ados', 'adas', 'ou', 'ei', 'os', 'as', 'a', 'o', 'e'];

/** Strips one common English or Portuguese suffix from words of 5+ letters. */
function crudeStem(token: string): string {
  if (token.length < 5) return token;
  for (const suffix of STEM_SUFFIXES) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 3) return token.slice(0, token.length - suffix.length);
  }
  return token;
}

/** FNV-1a over UTF-16 code units, seeded so that feature families do not share buckets. */
function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x27d4eb2d);
  h ^= h >>> 15;
  return h >>> 0;
}

const cap = (value: number, limit: number) => (value > limit ? limit : value) / limit;

/**
 * Turns a lexicon analysis into the learned layer's input: scaled lexicon aggregates (dense
 * columns) plus hashed word unigrams, negation-marked unigrams ("not good" -> NOT_good), word
 * bigrams and optionally character n-grams. Hashing keeps the model a fixed size whatever the
 * vocabulary, and needs no vocabulary file.
 */
export function featurize(analysis: LexiconAnalysis, options: FeatureOptions): SparseVector {
  const a = analysis;
  const index: number[] = [];
  const value: number[] = [];
  const dense = [
    1,
    a.positive / 4,
    a.negative / 4,
    a.total / 4,
    a.lastClauseScore / 4,
    cap(a.positiveHits, 5),
    cap(a.negativeHits, 5),
    a.maxPositive / 4,
    a.maxNegative / 4,
    cap(a.emojiPositive, 3),
    cap(a.emojiNegative, 3),
    cap(a.exclamations, 3),
    a.questions > 0 ? 1 : 0,
    a.urls > 0 ? 1 : 0,
    a.mentions > 0 ? 1 : 0,
    cap(a.hashtags, 3),
    a.emphasized > 0 ? 1 : 0,
    a.negations > 0 ? 1 : 0,
    a.contrasts > 0 ? 1 : 0,
    a.laughs > 0 ? 1 : 0,
    cap(a.words, 40),
    a.positive + a.negative === 0 ? 1 : 0,
    a.total > 0 ? 1 : 0,
    a.total < 0 ? 1 : 0,
    a.secondaryPositive / 4,
    a.secondaryNegative / 4,
    (a.secondaryPositive - a.secondaryNegative) / 4,
    a.words > 0 ? a.titleCaseWords / a.words : 0,
    a.titleCaseWords * 2 > a.words ? 1 : 0,
    a.truncated ? 1 : 0,
    a.digits ? 1 : 0,
    a.firstPerson > 0 ? 1 : 0,
    a.secondPerson > 0 ? 1 : 0,
  ];
  for (let i = 0; i < dense.length; i++) {
    if (dense[i] !== 0) {
      index.push(i);
      value.push(dense[i]);
    }
  }

  const mask = (1 << options.bits) - 1;
  const tokens = a.tokens;
  let previous = hashString(BOUNDARY, 0);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const h = hashString(token, 0);
    if (token !== BOUNDARY) {
      // In a negation's scope the word counts as NOT_word only: "não é ruim" must not carry
      // the weight "ruim" learned elsewhere.
      index.push(DENSE_COUNT + ((a.negated[i] ? mix(h, NEGATED_SALT) : h) & mask));
      value.push(1);
      if (options.charGramsFrom > 0) addCharGrams(token, options, mask, index, value);
      if (options.stems) {
        const stem = crudeStem(token);
        if (stem !== token) {
          index.push(DENSE_COUNT + (hashString(stem, STEM_SALT) & mask));
          value.push(1);
        }
      }
    }
    if (options.bigrams) {
      index.push(DENSE_COUNT + (mix(mix(previous, h), BIGRAM_SALT) & mask));
      value.push(1);
    }
    previous = h;
  }
  if (options.bigrams && tokens.length > 0 && tokens[tokens.length - 1] !== BOUNDARY) {
    index.push(DENSE_COUNT + (mix(mix(previous, hashString(BOUNDARY, 0)), BIGRAM_SALT) & mask));
    value.push(1);
  }
  return { index, value };
}

function addCharGrams(
  token: string,
  options: FeatureOptions,
  mask: number,
  index: number[],
  value: number[],
): void {
  const padded = ` ${token} `;
  for (let n = options.charGramsFrom; n <= options.charGramsTo; n++) {
    if (padded.length < n) break;
    for (let s = 0; s + n <= padded.length; s++) {
      let h = (0x811c9dc5 ^ CHAR_SALT ^ n) >>> 0;
      for (let k = s; k < s + n; k++) {
        h ^= padded.charCodeAt(k);
        h = Math.imul(h, 0x01000193);
      }
      index.push(DENSE_COUNT + ((h >>> 0) & mask));
      value.push(0.5);
    }
  }
}
