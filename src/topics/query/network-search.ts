import { foldText, foldedWords } from '../../common/text';

/**
 * The plain search Bluesky's `searchPosts` and Mastodon's `/api/v2/search` take (what
 * `searchableTerms` hands them), as their emulators match it: whitespace-separated terms are
 * ANDed, "quoted text" is a phrase, `#tag` matches the hashtag only; words are compared folded
 * (case- and accent-insensitive). No OR, no negation, no operators.
 */

/** A search term: a sequence of words that must appear consecutively, or a hashtag. */
export type NetworkSearchClause = { kind: 'phrase'; words: string[] } | { kind: 'tag'; tag: string };

/** What a clause is matched against: the folded words and hashtags of a post. */
export interface NetworkSearchable {
  words: readonly string[];
  tags: ReadonlySet<string>;
}

export function parseNetworkSearch(q: string): NetworkSearchClause[] {
  const clauses: NetworkSearchClause[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let m = pattern.exec(q); m !== null; m = pattern.exec(q)) {
    const term = m[1] ?? m[2];
    if (m[2] !== undefined && /^[#＃]./u.test(term)) {
      clauses.push({ kind: 'tag', tag: foldText(term.slice(1).replace(/\p{P}+$/u, '')) });
      continue;
    }
    const termWords = foldedWords(term);
    if (termWords.length > 0) clauses.push({ kind: 'phrase', words: termWords });
  }
  return clauses;
}

export function networkClauseMatches(clause: NetworkSearchClause, text: NetworkSearchable): boolean {
  if (clause.kind === 'tag') return text.tags.has(clause.tag);
  const { words: phrase } = clause;
  for (let i = 0; i + phrase.length <= text.words.length; i++) {
    if (phrase.every((word, j) => text.words[i + j] === word)) return true;
  }
  return false;
}
