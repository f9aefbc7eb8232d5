import { Injectable } from '@nestjs/common';
import { Intent, IntentRule, RuleLanguage, SentimentResult } from '../enrichment.types';
import { foldText } from '../text/fold';
import { KeywordMatcher } from '../text/keyword-matcher';
import { DEFAULT_INTENT_CUES, IntentCues } from './default-intent-rules';

type CuedIntent = 'complaint' | 'support' | 'lead' | 'question' | 'praise';
const CUED_INTENTS: CuedIntent[] = ['complaint', 'support', 'lead', 'question', 'praise'];

interface CompiledCues {
  keywords: KeywordMatcher;
  patterns: RegExp[];
}

interface CompiledRule {
  intent: Exclude<Intent, 'other'>;
  language?: RuleLanguage;
  keywords: KeywordMatcher;
  patterns: RegExp[];
}

function compileCues(cues: IntentCues[]): CompiledCues {
  return {
    keywords: new KeywordMatcher(cues.flatMap((c) => c.keywords)),
    patterns: cues.flatMap((c) => c.patterns),
  };
}

function cuesMatch(cues: CompiledCues, folded: string): boolean {
  if (cues.keywords.matchFolded(folded) !== null) return true;
  for (const p of cues.patterns) if (p.test(folded)) return true;
  return false;
}

function toRegExp(pattern: string | RegExp): RegExp {
  // Workspace patterns run on folded text, so they are matched without case.
  return typeof pattern === 'string' ? new RegExp(pattern, 'i') : pattern;
}

/**
 * Step 3 of enrichment: why someone wrote (support, complaint, question, lead, praise, other).
 *
 * Rules, not a model: a support lead must be able to read and change why a post became a
 * ticket. A workspace's own rules are tried first, in order; then the defaults for the post's
 * language, strongest signal first: a complaint ("worst service", "still waiting") over a support
 * request ("my card is blocked, please help"), over purchase intent ("how much"), over a bare
 * question, over praise. "Thanks for the help, great service!" is praise, not a ticket: a soft
 * support cue gives way to praise when the post reads positive.
 */
@Injectable()
export class IntentClassifier {
  private readonly defaults: Record<RuleLanguage | 'any', Record<CuedIntent, CompiledCues>>;
  private readonly compiledRules = new WeakMap<IntentRule[], CompiledRule[]>();

  constructor() {
    const build = (languages: RuleLanguage[]) =>
      Object.fromEntries(
        CUED_INTENTS.map((intent) => [intent, compileCues(languages.map((l) => DEFAULT_INTENT_CUES[l][intent]))]),
      ) as Record<CuedIntent, CompiledCues>;
    this.defaults = { en: build(['en']), pt: build(['pt']), any: build(['en', 'pt']) };
  }

  classify(text: string, lang: string, sentiment: SentimentResult, rules?: IntentRule[]): Intent {
    return this.classifyFolded(foldText(text), lang, sentiment, rules);
  }

  /** Same as classify, for callers that already folded the text (the enrichment pipeline). */
  classifyFolded(folded: string, lang: string, sentiment: SentimentResult, rules?: IntentRule[]): Intent {
    const ruleLanguage: RuleLanguage | undefined = lang === 'en' || lang === 'pt' ? lang : undefined;

    if (rules && rules.length > 0) {
      for (const rule of this.compile(rules)) {
        if (rule.language && ruleLanguage && rule.language !== ruleLanguage) continue;
        if (rule.keywords.matchFolded(folded) !== null || rule.patterns.some((p) => p.test(folded))) {
          return rule.intent;
        }
      }
    }

    const cues = this.defaults[ruleLanguage ?? 'any'];
    if (cuesMatch(cues.complaint, folded)) return 'complaint';
    const praised = sentiment.label === 'positive' && cuesMatch(cues.praise, folded);
    if (cuesMatch(cues.support, folded)) return praised ? 'praise' : 'support';
    if (cuesMatch(cues.lead, folded)) return 'lead';
    if (cuesMatch(cues.question, folded)) return 'question';
    if (praised) return 'praise';
    return 'other';
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
