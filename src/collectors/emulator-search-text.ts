/**
 * The full-text search the local API emulators (Bluesky, Mastodon) share: text folded for
 * case- and accent-insensitive matching, split into words, and queries of phrases and hashtags.
 */

/** Case- and accent-insensitive form of text. */
export function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Words of the text: runs of letters, digits and underscores (Unicode aware), normalized. */
export function words(text: string): string[] {
  return normalize(text)
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

/** A search term: a sequence of words that must appear consecutively, or a hashtag. */
export type SearchClause = { kind: 'phrase'; words: string[] } | { kind: 'tag'; tag: string };

/** What a clause is matched against: the normalized words and hashtags of a post. */
export interface SearchableText {
  words: readonly string[];
  tags: ReadonlySet<string>;
}

/** Whitespace-separated terms are ANDed; "quoted text" is a phrase; #tag matches the hashtag only. */
export function parseSearchQuery(q: string): SearchClause[] {
  const clauses: SearchClause[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let m = pattern.exec(q); m !== null; m = pattern.exec(q)) {
    const term = m[1] ?? m[2];
    if (m[2] !== undefined && /^[#＃]./u.test(term)) {
      clauses.push({ kind: 'tag', tag: normalize(term.slice(1).replace(/\p{P}+$/u, '')) });
      continue;
    }
    const termWords = words(term);
    if (termWords.length > 0) clauses.push({ kind: 'phrase', words: termWords });
  }
  return clauses;
}

export function clauseMatches(clause: SearchClause, text: SearchableText): boolean {
  if (clause.kind === 'tag') return text.tags.has(clause.tag);
  const { words: phrase } = clause;
  for (let i = 0; i + phrase.length <= text.words.length; i++) {
    if (phrase.every((word, j) => text.words[i + j] === word)) return true;
  }
  return false;
}
