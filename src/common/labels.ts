/**
 * The labels enrichment gives a mention, shared by ingestion, care and reports: its sentiment, in
 * the order the scorer's classes and confusion matrices use, and its intent.
 */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const INTENTS = ['support', 'complaint', 'question', 'lead', 'praise', 'other'] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents that make a mention support-related (the `support.inbound` KPI) and routable. */
export const SUPPORT_INTENTS: readonly Intent[] = ['support', 'complaint', 'question'];
