import { BOUNDARY, LexiconAnalysis } from '../sentiment/lexicon-analyzer';
import { BOUNDARY_HASH, cap, FeatureSink } from '../sentiment/features';
import { mix, tokenHashesOf } from '../sentiment/token-hashes';
import { PROBLEM, SERVICE, SOLVED, TIME } from './request-words';

/**
 * What the intent model reads about a post: the default keyword rules' verdicts (one column per
 * cued intent), the sentiment scorer's class probabilities, a few surface facts, and hashed
 * words, stems and bigrams. The rules stay readable evidence; the weights decide how much each
 * is worth, so a problem report without a "help" word can still become a ticket. Words and
 * bigrams only (no stems): the intent pass must stay cheap beside the sentiment one.
 */
export const INTENT_DENSE_FEATURES = [
  'bias',
  'cueComplaint',
  'cueSupport',
  'cueLead',
  'cueQuestion',
  'cuePraise',
  'pNegative',
  'pNeutral',
  'pPositive',
  'questionMark',
  'exclamations',
  'mentions',
  'urls',
  'firstPerson',
  'secondPerson',
  'negations',
  'length',
  'serviceWords',
  'otherLanguage',
  'laughs',
  'emojiPositive',
  'emojiNegative',
  'digits',
  'maxPositive',
  'maxNegative',
  'problemWords',
  'serviceAndProblem',
  'timeWords',
  'solvedWords',
  'solvedAndProblem',
] as const;

export const INTENT_DENSE_COUNT = INTENT_DENSE_FEATURES.length;

/** Order of the cue bits handed to the features (the default rules' intents). */
export const CUE_COLUMNS = ['complaint', 'support', 'lead', 'question', 'praise'] as const;

export interface IntentFeatureOptions {
  /** log2 of the number of hash buckets. */
  bits: number;
}

export const DEFAULT_INTENT_FEATURE_OPTIONS: IntentFeatureOptions = { bits: 14 };

/** The evidence one post gives the intent model, gathered by the enrichment pipeline. */
export interface IntentEvidence {
  analysis: LexiconAnalysis;
  /** P(negative), P(neutral), P(positive) from the sentiment scorer. */
  probabilities: readonly number[];
  /** Bit i set when the default rules cue CUE_COLUMNS[i]. */
  cues: number;
  lang: string;
}

const BIGRAM_SALT = 0x3c6ef372;
const NEGATED_SALT = 0x9e3779b1;

/** Sends the post's non-zero feature columns to `sink`: dense columns first, then hash buckets. */
export function visitIntentFeatures(e: IntentEvidence, options: IntentFeatureOptions, sink: FeatureSink): void {
  const a = e.analysis;
  const dense = (column: number, value: number) => {
    if (value !== 0) sink.add(column, value);
  };
  dense(0, 1);
  for (let i = 0; i < CUE_COLUMNS.length; i++) dense(1 + i, (e.cues >> i) & 1);
  dense(6, e.probabilities[0]);
  dense(7, e.probabilities[1]);
  dense(8, e.probabilities[2]);
  dense(9, a.questions > 0 ? 1 : 0);
  dense(10, cap(a.exclamations, 3));
  dense(11, a.mentions > 0 ? 1 : 0);
  dense(12, a.urls > 0 ? 1 : 0);
  dense(13, a.firstPerson > 0 ? 1 : 0);
  dense(14, a.secondPerson > 0 ? 1 : 0);
  dense(15, a.negations > 0 ? 1 : 0);
  dense(16, cap(a.words, 40));
  // One pass over the tokens: word-list counts (read from the interned token, no lookup) for the
  // dense columns, n-grams straight to the sink.
  const mask = (1 << options.bits) - 1;
  const tokens = a.tokens;
  let service = 0;
  let problem = 0;
  let time = 0;
  let solved = 0;
  let previous = BOUNDARY_HASH;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const hashes = a.hashes[i] ?? tokenHashesOf(token);
    const h = hashes.word;
    if (token !== BOUNDARY) {
      const bits = hashes.request;
      if (bits !== 0) {
        if (bits & SERVICE) service++;
        // "nunca tive problema" is praise: a problem word inside a negation's scope does not count.
        if (bits & PROBLEM && !a.negated[i]) problem++;
        if (bits & TIME) time++;
        // "não resolveram" is a problem; "resolveram rapidinho" is a story of a fix.
        if (bits & SOLVED) {
          if (a.negated[i]) problem++;
          else solved++;
        }
      }
      // "not working" and "working" ask for different things; inside a negation's scope the
      // word is its own feature.
      sink.add(INTENT_DENSE_COUNT + ((a.negated[i] ? mix(h, NEGATED_SALT) : h) & mask), 1);
    }
    sink.add(INTENT_DENSE_COUNT + (mix(mix(previous, h), BIGRAM_SALT) & mask), 1);
    previous = h;
  }
  if (tokens.length > 0 && tokens[tokens.length - 1] !== BOUNDARY) {
    sink.add(INTENT_DENSE_COUNT + (mix(mix(previous, BOUNDARY_HASH), BIGRAM_SALT) & mask), 1);
  }
  dense(17, cap(service, 3));
  dense(18, e.lang !== 'pt' && e.lang !== 'en' ? 1 : 0);
  dense(19, a.laughs > 0 ? 1 : 0);
  dense(20, cap(a.emojiPositive, 3));
  dense(21, cap(a.emojiNegative, 3));
  dense(22, a.digits ? 1 : 0);
  dense(23, a.maxPositive / 4);
  dense(24, a.maxNegative / 4);
  dense(25, cap(problem, 3));
  dense(26, service > 0 && problem > 0 ? 1 : 0);
  dense(27, cap(time, 2));
  dense(28, cap(solved, 2));
  dense(29, solved > 0 && problem > 0 ? 1 : 0);
}
