import { EnrichmentService } from './enrichment.service';
import { IntentClassifier } from './intent/intent-classifier';
import { IntentModel, IntentModelJson } from './intent/intent-model';
import { LanguageDetector, LanguageDetectorOptions } from './language/language-detector';
import { MentionRouter } from './routing/mention-router';
import { SentimentModel, SentimentModelJson } from './sentiment/sentiment-model';
import { SentimentScorer } from './sentiment/sentiment-scorer';

export interface EnrichmentFactoryOptions {
  /**
   * Learned sentiment weights. Omitted: the committed model; null: lexicon and rules only
   * (for measuring the learned layer's contribution).
   */
  sentimentModel?: SentimentModel | SentimentModelJson | null;
  /** Learned intent weights. Omitted: the committed model; null: the keyword rules alone. */
  intentModel?: IntentModel | IntentModelJson | null;
  language?: LanguageDetectorOptions;
}

/**
 * The enrichment pipeline without Nest, for scripts and benchmarks:
 * `createEnrichmentService().enrich({ text, platformLang })`.
 */
export function createEnrichmentService(options: EnrichmentFactoryOptions = {}): EnrichmentService {
  const model =
    options.sentimentModel === undefined || options.sentimentModel === null || options.sentimentModel instanceof SentimentModel
      ? options.sentimentModel
      : new SentimentModel(options.sentimentModel);
  return new EnrichmentService(
    new LanguageDetector(options.language ?? {}),
    new SentimentScorer(model),
    new IntentClassifier(
      options.intentModel === undefined || options.intentModel === null || options.intentModel instanceof IntentModel
        ? options.intentModel
        : new IntentModel(options.intentModel),
    ),
    new MentionRouter(),
  );
}
