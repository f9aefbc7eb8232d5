import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DEFAULT_SENTIMENT_THRESHOLDS, SENTIMENT_LABELS, SentimentLabel, SentimentResult, SentimentThresholds } from '../enrichment.types';
import { ScannedPieces } from '../text/post-scanner';
import { LexiconAnalysis, LexiconAnalyzer, LexiconLanguage } from './lexicon-analyzer';
import { SentimentModel, SentimentModelJson } from './sentiment-model';

/** Injection token for the learned weights; without a provider the committed model is loaded. */
export const SENTIMENT_MODEL = Symbol('SENTIMENT_MODEL');

export const DEFAULT_MODEL_PATH = join(__dirname, 'model', 'sentiment-model.json');

let sharedAnalyzer: LexiconAnalyzer | undefined;
let sharedModel: SentimentModel | undefined;

/** The lexicon analyzer every scorer shares (its tables are read-only after construction). */
export function defaultLexiconAnalyzer(): LexiconAnalyzer {
  sharedAnalyzer ??= new LexiconAnalyzer();
  return sharedAnalyzer;
}

/** The committed model (src/enrichment/sentiment/model/sentiment-model.json), loaded once. */
export function defaultSentimentModel(): SentimentModel {
  sharedModel ??= new SentimentModel(JSON.parse(readFileSync(DEFAULT_MODEL_PATH, 'utf8')) as SentimentModelJson);
  return sharedModel;
}

/** Which lexicon and weights score a post in `lang`: Portuguese for 'pt', English otherwise. */
export function lexiconLanguageFor(lang: string): LexiconLanguage {
  return lang === 'pt' ? 'pt' : 'en';
}

export interface SentimentDetails extends SentimentResult {
  /** P(negative), P(neutral), P(positive); null when scored by the lexicon alone. */
  probabilities: [number, number, number] | null;
  analysis: LexiconAnalysis;
}

/** The label a score earns under the thresholds (docs/KPIS.md: ≥ +0.05 positive, ≤ −0.05 negative). */
export function labelForScore(score: number, thresholds: SentimentThresholds = DEFAULT_SENTIMENT_THRESHOLDS): SentimentLabel {
  if (score >= thresholds.positive) return 'positive';
  if (score <= thresholds.negative) return 'negative';
  return 'neutral';
}

const BAND = DEFAULT_SENTIMENT_THRESHOLDS.positive;

/**
 * Maps class probabilities to one score in −1 … 1 whose default thresholds reproduce the most
 * probable class: with a = ln(P+/P0) and b = ln(P−/P0), the stronger polar class sets the sign,
 * and |score| ≥ 0.05 exactly when that class beats neutral. Past the threshold the score grows
 * with the margin towards ±1; under it, it shrinks towards 0 as neutral gets likelier. Raising a
 * workspace's thresholds therefore asks for more confidence before calling a post polar.
 */
export function scoreFromProbabilities(p: ArrayLike<number>): number {
  const floor = 1e-12;
  const neutral = Math.max(p[1], floor);
  const a = Math.log(Math.max(p[2], floor) / neutral);
  const b = Math.log(Math.max(p[0], floor) / neutral);
  const sign = a >= b ? 1 : -1;
  const margin = Math.max(a, b);
  const magnitude = margin >= 0 ? BAND + (1 - BAND) * Math.tanh(margin / 2) : BAND * Math.exp(margin);
  return sign * magnitude;
}

/** Lexicon-only score when no weights exist for a language: the sum squashed into −1 … 1. */
export function scoreFromLexicon(analysis: LexiconAnalysis): number {
  return Math.tanh(analysis.total / 4);
}

/**
 * Step 2 of enrichment: sentiment. Lexicon pass (AFINN-165 + emoji through the `sentiment`
 * package, a Portuguese AFINN translation registered with it, and rules for negation, intensifiers,
 * contrast, emoticons, elongation and hashtags), then a small softmax layer trained on
 * human-labelled tweets (src/enrichment/sentiment/tools/train-sentiment.ts), then one score in −1 … 1 and its label.
 */
@Injectable()
export class SentimentScorer {
  private readonly analyzer: LexiconAnalyzer;
  private readonly model: SentimentModel | null;
  private readonly probabilities = new Float64Array(SENTIMENT_LABELS.length);

  /**
   * @param model learned weights; undefined loads the committed model, null scores with the
   *   lexicon alone (used to measure the rules without the learned layer).
   */
  constructor(@Optional() @Inject(SENTIMENT_MODEL) model?: SentimentModel | null, @Optional() analyzer?: LexiconAnalyzer) {
    this.analyzer = analyzer ?? defaultLexiconAnalyzer();
    this.model = model === undefined ? defaultSentimentModel() : model;
  }

  score(text: string, lang: string, thresholds?: SentimentThresholds): SentimentResult {
    const { score, label } = this.details(text, lang, thresholds);
    return { score, label };
  }

  /** `pieces`: the post already split by `scanPost`, when the caller has it. */
  details(
    text: string,
    lang: string,
    thresholds: SentimentThresholds = DEFAULT_SENTIMENT_THRESHOLDS,
    pieces?: ScannedPieces,
  ): SentimentDetails {
    const language = lexiconLanguageFor(lang);
    const analysis = this.analyzer.analyze(text, language, pieces);
    let score: number;
    let probabilities: [number, number, number] | null = null;
    if (this.model && this.model.has(language)) {
      const p = this.model.classify(language, analysis, this.probabilities);
      probabilities = [p[0], p[1], p[2]];
      if (lang === 'und' && this.model.has('pt') && language !== 'pt') {
        // Unknown language (too short, hashtags and emoji only): average both languages' models.
        const other = this.analyzer.analyze(text, 'pt', pieces);
        const q = this.model.classify('pt', other, this.probabilities);
        probabilities = [(probabilities[0] + q[0]) / 2, (probabilities[1] + q[1]) / 2, (probabilities[2] + q[2]) / 2];
      }
      score = scoreFromProbabilities(probabilities);
    } else {
      score = scoreFromLexicon(analysis);
    }
    return { score, label: labelForScore(score, thresholds), probabilities, analysis };
  }
}
