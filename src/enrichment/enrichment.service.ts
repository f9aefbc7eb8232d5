import { Injectable } from '@nestjs/common';
import {
  DEFAULT_SENTIMENT_THRESHOLDS,
  EnrichmentInput,
  EnrichmentOptions,
  EnrichmentResult,
  Intent,
  SentimentResult,
  SentimentThresholds,
} from './enrichment.types';
import { IntentClassifier, IntentPost } from './intent/intent-classifier';
import type { IntentEvidence } from './intent/intent-features';
import { LanguageDetector } from './language/language-detector';
import { MentionRouter } from './routing/mention-router';
import { LexiconAnalysis } from './sentiment/lexicon-analyzer';
import { SentimentDetails, SentimentScorer, labelForScore } from './sentiment/sentiment-scorer';
import { foldText } from './text/fold';
import { ScannedPieces, scanPost, scratchPieces } from './text/post-scanner';
import { unescapePostText } from './text/post-text';

/** Where a support request or complaint lands when the words alone read neutral or positive. */
const SUPPORT_SCORE = -0.25;

/** Thresholds with defaults filled in; rejects bands that leave no room for neutral. */
export function resolveThresholds(partial?: Partial<SentimentThresholds>): SentimentThresholds {
  if (!partial) return DEFAULT_SENTIMENT_THRESHOLDS;
  // A literal, not a spread of the defaults: this runs once per enriched post.
  const thresholds: SentimentThresholds = {
    positive: partial.positive ?? DEFAULT_SENTIMENT_THRESHOLDS.positive,
    negative: partial.negative ?? DEFAULT_SENTIMENT_THRESHOLDS.negative,
  };
  const { positive, negative } = thresholds;
  if (!Number.isFinite(positive) || !Number.isFinite(negative) || positive > 1 || negative < -1 || negative >= positive) {
    throw new RangeError(
      `sentiment thresholds must satisfy -1 <= negative < positive <= 1 (got negative=${negative}, positive=${positive})`,
    );
  }
  return thresholds;
}

/** Below this probability of its polar class, a question reads as asking rather than feeling. */
const QUESTION_CONFIDENCE = 0.5;

/**
 * Emotion in a question: strong lexicon words (|AFINN| >= 3), emoji or emoticons, exclamation
 * marks, laughter, or a scorer confident of a polar class.
 */
function showsEmotion(details: SentimentDetails): boolean {
  const a: LexiconAnalysis = details.analysis;
  if (a.maxPositive >= 3 || a.maxNegative >= 3) return true;
  if (a.emojiPositive + a.emojiNegative > 0 || a.exclamations > 0 || a.laughs > 0) return true;
  const p = details.probabilities;
  return p !== null && Math.max(p[0], p[2]) >= QUESTION_CONFIDENCE;
}

const SUPPORT_READING: readonly Intent[] = ['support', 'complaint'];

const asksQuestion = (intent: Intent | null, details: SentimentDetails) =>
  intent === 'question' || (intent === 'lead' && details.analysis.questions > 0);

/**
 * Sentiment as a support team reads it. AFINN likes "help" and "please" (+2, +1), so
 * "my card was blocked, please help" would score positive; a support request or a complaint is a
 * customer with a problem and is at least mildly negative. A question without emotion ("does
 * the app work on Android?", "how much is the premium plan?") is neutral whatever its words score.
 *
 * `cueIntent` is the default keyword rules' verdict (IntentReading): a post read as a request or
 * complaint by the model, or by the keyword cues unless the model calls it praise, reads
 * negative; a question by either reads neutral. The cues are words of tone ("péssimo",
 * "socorro"); the model decides who gets a case, the cues still say how a post sounds.
 */
export function reconcileSentiment(
  details: SentimentDetails,
  intent: Intent,
  thresholds: SentimentThresholds,
  cueIntent: Intent | null = null,
): SentimentResult {
  let score = details.score;
  const supportReading =
    SUPPORT_READING.includes(intent) || (cueIntent !== null && intent !== 'praise' && SUPPORT_READING.includes(cueIntent));
  if (supportReading && score > thresholds.negative) {
    score = Math.min(SUPPORT_SCORE, thresholds.negative);
  } else if ((asksQuestion(intent, details) || asksQuestion(cueIntent, details)) && !showsEmotion(details)) {
    // A purchase inquiry ("how much is the premium plan?") is a question too.
    score = (thresholds.positive + thresholds.negative) / 2;
  }
  return { score, label: labelForScore(score, thresholds) };
}

/**
 * Enriches one post: language -> sentiment -> intent -> routing (ARCHITECTURE.md). Synchronous and
 * pure: the same input and options always give the same result, and nothing is stored.
 */
@Injectable()
export class EnrichmentService {
  /** Scratch buffers for the scanner: enrich() is synchronous, so one set per service is safe. */
  private readonly pieces: ScannedPieces = scratchPieces();

  constructor(
    private readonly languageDetector: LanguageDetector,
    private readonly sentimentScorer: SentimentScorer,
    private readonly intentClassifier: IntentClassifier,
    private readonly mentionRouter: MentionRouter,
  ) {}

  enrich(input: EnrichmentInput, options: EnrichmentOptions = {}): EnrichmentResult {
    const thresholds = resolveThresholds(options.thresholds);
    const { lang, details, post } = this.read(input, thresholds);
    const { intent, cueIntent } = this.intentClassifier.readPost(post, lang, details, options.intentRules);
    const sentiment = reconcileSentiment(details, intent, thresholds, cueIntent);
    const routing =
      options.routingRules && options.routingRules.length > 0
        ? this.mentionRouter.routeFolded(post.folded(), intent, options.routingRules)
        : null;
    return { lang, sentiment, intent, routing };
  }

  /**
   * What the intent model reads about a post, computed exactly as enrich() does (the intent
   * trainer builds its rows with this, so training and scoring cannot drift apart).
   */
  intentEvidence(input: EnrichmentInput): IntentEvidence {
    const { lang, details, post } = this.read(input, DEFAULT_SENTIMENT_THRESHOLDS);
    return this.intentClassifier.evidence(this.intentClassifier.cues(post, lang), lang, details);
  }

  /** Language and sentiment of a post, and its words as the intent rules read them. */
  private read(input: EnrichmentInput, thresholds: SentimentThresholds) {
    const text = unescapePostText(input.text ?? '');
    const pieces = scanPost(text, this.pieces);
    const lang = this.languageDetector.detectScanned(text, pieces, input.platformLang).lang;
    const details = this.sentimentScorer.details(text, lang, thresholds, pieces);
    let folded: string | undefined;
    const post: IntentPost = {
      words: details.analysis.foldedWords,
      folded: () => (folded ??= foldText(text)),
      questionMark: details.analysis.questions > 0,
    };
    return { lang, details, post };
  }
}
