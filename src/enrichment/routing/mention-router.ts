import { Injectable } from '@nestjs/common';
import { Intent, RoutingResult, RoutingRule, SUPPORT_INTENTS } from '../enrichment.types';
import { foldText } from '../text/fold';
import { KeywordMatcher } from '../text/keyword-matcher';

/**
 * Step 4 of enrichment: which team (and optionally which agent) a support-related mention goes
 * to. A workspace's rules are ordered; the first rule whose keyword appears in the post as whole
 * words (case- and accent-insensitive: "cartao" matches "Cartão") wins, and the keyword is
 * returned so reports can count cases and reroutes per routing keyword (docs/KPIS.md, "Customer care").
 * Only support, complaint and question mentions are routed; praise and leads are not tickets.
 */
@Injectable()
export class MentionRouter {
  private readonly compiled = new WeakMap<RoutingRule[], KeywordMatcher[]>();

  route(text: string, intent: Intent, rules?: RoutingRule[]): RoutingResult | null {
    if (!rules || rules.length === 0) return null;
    return this.routeFolded(foldText(text), intent, rules);
  }

  /** Same as route, for callers that already folded the text (the enrichment pipeline). */
  routeFolded(folded: string, intent: Intent, rules?: RoutingRule[]): RoutingResult | null {
    if (!rules || rules.length === 0 || !SUPPORT_INTENTS.includes(intent)) return null;
    const matchers = this.matchers(rules);
    for (let i = 0; i < rules.length; i++) {
      if (matchers[i].matchFolded(folded) === null) continue;
      const rule = rules[i];
      const result: RoutingResult = { team: rule.team, keyword: rule.keyword };
      if (rule.agentId !== undefined) result.agentId = rule.agentId;
      return result;
    }
    return null;
  }

  private matchers(rules: RoutingRule[]): KeywordMatcher[] {
    let matchers = this.compiled.get(rules);
    if (!matchers) {
      matchers = rules.map((rule) => new KeywordMatcher([rule.keyword]));
      this.compiled.set(rules, matchers);
    }
    return matchers;
  }
}
