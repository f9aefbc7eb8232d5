import { foldText } from './fold';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;

/** Regex source matching a keyword as whole words on folded text ("cartão" matches "CARTAO"). */
export function keywordSource(keyword: string): string {
  const words = foldText(keyword).trim().split(/\s+/).filter(Boolean);
  return words.map((w) => w.replace(SPECIAL, '\\$&')).join('[\\s\\-_]+');
}

/**
 * Case- and accent-insensitive whole-word matching of many keywords at once. Word boundaries are
 * explicit (letters, digits and underscore are word characters after folding) because `\b` in
 * JavaScript does not know accented letters.
 */
export class KeywordMatcher {
  private readonly pattern: RegExp | null;
  private readonly byFolded = new Map<string, string>();

  constructor(keywords: readonly string[]) {
    const sources: string[] = [];
    for (const keyword of keywords) {
      const source = keywordSource(keyword);
      if (!source) continue;
      sources.push(source);
      this.byFolded.set(
        foldText(keyword)
          .trim()
          .split(/[\s\-_]+/)
          .join(' '),
        keyword,
      );
    }
    // Longest first, so "cartão de crédito" wins over "cartão" when both are keywords.
    sources.sort((a, b) => b.length - a.length);
    this.pattern = sources.length ? new RegExp(`(?:^|[^a-z0-9_])(${sources.join('|')})(?=$|[^a-z0-9_])`) : null;
  }

  /** The first keyword (as given) found in already-folded text, or null. */
  matchFolded(folded: string): string | null {
    if (!this.pattern) return null;
    const m = this.pattern.exec(folded);
    if (!m) return null;
    const found = m[1].split(/[\s\-_]+/).join(' ');
    return this.byFolded.get(found) ?? found;
  }

  match(text: string): string | null {
    return this.matchFolded(foldText(text));
  }
}
