import { Inject, Injectable, Optional } from '@nestjs/common';
import { Intent, IntentRule, RuleLanguage, SENTIMENT_LABELS, SentimentLabel } from '../enrichment.types';
import type { LexiconAnalysis } from '../sentiment/lexicon-analyzer';
import { foldText } from '../text/fold';
import { KeywordMatcher } from '../text/keyword-matcher';
import { DEFAULT_INTENT_CUES } from './default-intent-rules';
import { CUE_COLUMNS, IntentEvidence } from './intent-features';
import { defaultIntentModel, IntentModel } from './intent-model';

/** Injection token for the learned intent weights; without a provider the committed model is loaded. */
export const INTENT_MODEL = Symbol('INTENT_MODEL');

type CuedIntent = (typeof CUE_COLUMNS)[number];
const CUED_INTENTS: readonly CuedIntent[] = CUE_COLUMNS;

interface CompiledRule {
  intent: Exclude<Intent, 'other'>;
  language?: RuleLanguage;
  keywords: KeywordMatcher;
  patterns: RegExp[];
}

interface CompiledCues {
  /** First word of each keyword -> the rest of its words and the intent it signals. */
  phrases: Map<string, { rest: string[]; intent: number }[]>;
  /** Trigger word -> patterns to test when it occurs. */
  triggers: Map<string, { pattern: RegExp; intent: number }[]>;
}

const WORD_SPLIT = /[^a-z0-9']+/;

/** A post as the intent rules read it. */
export interface IntentPost {
  /** Folded words in order (lower case, no accents). */
  words: readonly string[];
  /** The whole folded post, computed only when a pattern needs it. */
  folded: () => string;
  questionMark: boolean;
}

/** IntentPost from raw text (callers outside the enrichment pipeline). */
export function intentPost(text: string): IntentPost {
  const folded = foldText(text);
  return { words: folded.split(WORD_SPLIT).filter(Boolean), folded: () => folded, questionMark: folded.includes('?') };
}

/**
 * Default cues of one language, indexed by word: checking a post is one dictionary lookup per
 * word, plus the few patterns whose trigger words occur in it.
 */
function compileDefaultCues(languages: RuleLanguage[]): CompiledCues {
  const phrases = new Map<string, { rest: string[]; intent: number }[]>();
  const triggers = new Map<string, { pattern: RegExp; intent: number }[]>();
  CUED_INTENTS.forEach((intent, index) => {
    for (const language of languages) {
      const cues = DEFAULT_INTENT_CUES[language][intent];
      for (const keyword of cues.keywords) {
        const words = foldText(keyword).split(WORD_SPLIT).filter(Boolean);
        const list = phrases.get(words[0]) ?? [];
        list.push({ rest: words.slice(1), intent: index });
        phrases.set(words[0], list);
      }
      for (const { pattern, triggers: words } of cues.patterns) {
        for (const word of words) {
          const list = triggers.get(word) ?? [];
          list.push({ pattern, intent: index });
          triggers.set(word, list);
        }
      }
    }
  });
  return { phrases, triggers };
}

/** Bit i set when the post signals CUED_INTENTS[i]. */
function defaultCuesIn(cues: CompiledCues, post: IntentPost): number {
  let found = 0;
  let pending: { pattern: RegExp; intent: number }[] | undefined;
  const words = post.words;
  for (let i = 0; i < words.length; i++) {
    const candidates = cues.phrases.get(words[i]);
    if (candidates !== undefined) {
      for (const c of candidates) {
        let ok = true;
        for (let j = 0; ok && j < c.rest.length; j++) ok = words[i + 1 + j] === c.rest[j];
        if (ok) found |= 1 << c.intent;
      }
    }
    const triggered = cues.triggers.get(words[i]);
    if (triggered !== undefined) (pending ??= []).push(...triggered);
  }
  if (post.questionMark) (pending ??= []).push(...(cues.triggers.get('?') ?? []));
  if (pending) {
    for (const { pattern, intent } of pending) {
      if ((found & (1 << intent)) === 0 && pattern.test(post.folded())) found |= 1 << intent;
    }
  }
  return found;
}

const has = (found: number, intent: CuedIntent) => (found & (1 << CUED_INTENTS.indexOf(intent))) !== 0;

/** The rules' own verdict, strongest cue first (used when no learned model is loaded). */
export function decideByCues(cues: number, sentiment: SentimentLabel): Intent {
  if (cues === 0) return 'other';
  if (has(cues, 'complaint')) return 'complaint';
  const praised = sentiment === 'positive' && has(cues, 'praise');
  if (has(cues, 'support')) return praised ? 'praise' : 'support';
  if (has(cues, 'lead')) return 'lead';
  if (has(cues, 'question')) return 'question';
  if (praised) return 'praise';
  return 'other';
}

function toRegExp(pattern: string | RegExp): RegExp {
  // Workspace patterns run on folded text, so they are matched without case.
  return typeof pattern === 'string' ? new RegExp(pattern, 'i') : pattern;
}

/** What the intent step tells the sentiment step: the intent and the keyword rules' verdict. */
export interface IntentReading {
  intent: Intent;
  /** decideByCues over the default rules; null when a workspace rule decided the intent. */
  cueIntent: Intent | null;
}

/** What the sentiment step tells the intent step about a post. */
export interface SentimentEvidence {
  label: SentimentLabel;
  /** P(negative), P(neutral), P(positive); null when scored by the lexicon alone. */
  probabilities: readonly number[] | null;
  analysis: LexiconAnalysis;
}

const ONE_HOT = Object.fromEntries(
  SENTIMENT_LABELS.map((label, i): [SentimentLabel, number[]] => [label, SENTIMENT_LABELS.map((_, j) => (i === j ? 1 : 0))]),
) as unknown as Record<SentimentLabel, readonly number[]>;

/**
 * Step 3 of enrichment: why someone wrote (support, complaint, question, lead, praise, other).
 *
 * A workspace's own rules are tried first, in order, and win outright: a support lead must be
 * able to say "this phrase is a ticket here". Otherwise a small learned model decides
 * (`intent-model.ts`, trained by `npm run train:intent`), reading the default en / pt-BR cues
 * as features beside the words and the sentiment: keyword rules alone miss most requests that
 * are phrased without a cue ("my card hasn't arrived", "n consigo pagar o boleto"). Without a
 * model (`intentModel: null`) the cues decide alone, strongest first: complaint > support >
 * lead > question > praise, a soft support cue giving way to praise in a positive post.
 */
@Injectable()
export class IntentClassifier {
  private readonly defaults: Record<RuleLanguage | 'any', CompiledCues> = {
    en: compileDefaultCues(['en']),
    pt: compileDefaultCues(['pt']),
    any: compileDefaultCues(['en', 'pt']),
  };
  private readonly compiledRules = new WeakMap<IntentRule[], CompiledRule[]>();
  private readonly model: IntentModel | null;

  /** @param model learned weights; undefined loads the committed model, null uses the cues alone. */
  constructor(@Optional() @Inject(INTENT_MODEL) model?: IntentModel | null) {
    this.model = model === undefined ? defaultIntentModel() : model;
  }

  /** Same as classifyPost, from raw text (callers outside the enrichment pipeline). */
  classify(text: string, lang: string, sentiment: SentimentEvidence, rules?: IntentRule[]): Intent {
    return this.classifyPost(intentPost(text), lang, sentiment, rules);
  }

  /** The enrichment pipeline's entry: it already has the post's folded words. */
  classifyPost(post: IntentPost, lang: string, sentiment: SentimentEvidence, rules?: IntentRule[]): Intent {
    return this.readPost(post, lang, sentiment, rules).intent;
  }

  /**
   * The intent, and the default keyword rules' own verdict beside it (`cueIntent`; null when a
   * workspace rule decided). The sentiment step reads both: a complaint cue ("péssimo",
   * "absurdo") is evidence of tone even where the model calls the post chatter.
   */
  readPost(post: IntentPost, lang: string, sentiment: SentimentEvidence, rules?: IntentRule[]): IntentReading {
    const ruleLanguage: RuleLanguage | undefined = lang === 'en' || lang === 'pt' ? lang : undefined;

    if (rules && rules.length > 0) {
      const folded = post.folded();
      for (const rule of this.compile(rules)) {
        if (rule.language && ruleLanguage && rule.language !== ruleLanguage) continue;
        if (rule.keywords.matchFolded(folded) !== null || rule.patterns.some((p) => p.test(folded))) {
          return { intent: rule.intent, cueIntent: null };
        }
      }
    }

    const cues = this.cues(post, lang);
    const cueIntent = decideByCues(cues, sentiment.label);
    if (this.model) return { intent: this.model.classify(this.evidence(cues, lang, sentiment)), cueIntent };
    return { intent: cueIntent, cueIntent };
  }

  /** Bit i set when the default rules of the post's language cue CUE_COLUMNS[i]. */
  cues(post: IntentPost, lang: string): number {
    return defaultCuesIn(this.defaults[lang === 'en' || lang === 'pt' ? lang : 'any'], post);
  }

  /** The learned model's input for a post (training builds its rows with this too). */
  evidence(cues: number, lang: string, sentiment: SentimentEvidence): IntentEvidence {
    return { analysis: sentiment.analysis, probabilities: sentiment.probabilities ?? ONE_HOT[sentiment.label], cues, lang };
  }

  private compile(rules: IntentRule[]): CompiledRule[] {
    let compiled = this.compiledRules.get(rules);
    if (!compiled) {
      compiled = rules.map((rule) => ({
        intent: rule.intent,
        language: rule.language,
        keywords: new KeywordMatcher(rule.keywords ?? []),
        patterns: (rule.patterns ?? []).map(toRegExp),
      }));
      this.compiledRules.set(rules, compiled);
    }
    return compiled;
  }
}
