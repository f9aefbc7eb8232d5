/** Sentiment labels, in the order the scorer's classes and confusion matrices use. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents that make a mention support-related (docs/KPIS.md, `support.inbound`) and routable. */
export const SUPPORT_INTENTS: readonly Intent[] = ['support', 'complaint', 'question'];

/** Languages the intent rules ship defaults for; other languages fall back to both lists. */
export type RuleLanguage = 'en' | 'pt';

export interface SentimentThresholds {
  /** Score at or above which a mention is positive (default +0.05, docs/KPIS.md). */
  positive: number;
  /** Score at or below which a mention is negative (default −0.05, docs/KPIS.md). */
  negative: number;
}

export const DEFAULT_SENTIMENT_THRESHOLDS: SentimentThresholds = { positive: 0.05, negative: -0.05 };

export interface SentimentResult {
  /** Normalised score in −1 … 1. */
  score: number;
  label: SentimentLabel;
}

/**
 * A workspace's extra intent rule: when any keyword (case- and accent-insensitive, whole words)
 * or any pattern (a regular expression, tested on the folded text) matches, the mention gets
 * `intent`. Workspace rules are tried before the defaults, so they can override them.
 */
export interface IntentRule {
  intent: Exclude<Intent, 'other'>;
  keywords?: string[];
  patterns?: (string | RegExp)[];
  /** Restrict to one language; omitted: every language. */
  language?: RuleLanguage;
}

export interface RoutingRule {
  keyword: string;
  team: string;
  agentId?: string;
}

export interface RoutingResult {
  team: string;
  keyword: string;
  agentId?: string;
}

export interface EnrichmentInput {
  text: string;
  /** The platform's own language tag (X's `lang`), used when detection is unsure. */
  platformLang?: string | null;
}

export interface EnrichmentOptions {
  intentRules?: IntentRule[];
  routingRules?: RoutingRule[];
  thresholds?: Partial<SentimentThresholds>;
}

export interface EnrichmentResult {
  /** ISO-639-1 code ('en', 'pt', …) or 'und' when unknown. */
  lang: string;
  sentiment: SentimentResult;
  intent: Intent;
  routing: RoutingResult | null;
}
