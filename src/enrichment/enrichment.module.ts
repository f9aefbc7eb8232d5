import { Module } from '@nestjs/common';
import { EnrichmentService } from './enrichment.service';
import { IntentClassifier } from './intent/intent-classifier';
import { LanguageDetector } from './language/language-detector';
import { MentionRouter } from './routing/mention-router';
import { SentimentScorer } from './sentiment/sentiment-scorer';

/**
 * Language, sentiment, intent and routing of mentions. Other modules use EnrichmentService only;
 * workspace-specific intent and routing rules are passed per call, so this module holds no state.
 */
@Module({
  providers: [LanguageDetector, SentimentScorer, IntentClassifier, MentionRouter, EnrichmentService],
  exports: [EnrichmentService],
})
export class EnrichmentModule {}
