import type { Platform } from '../../common/platform';
import { parseQuery, type QueryNode } from './syntax';

/**
 * A topic's query is written in X's search syntax. Other networks' search APIs have syntaxes of
 * their own, or none documented (Bluesky's `searchPosts` calls its "unspecified"; Mastodon's
 * search has no OR), so their collectors do not translate the query: they search a set of plain
 * terms that together cover every post the query can match, and then apply the whole query to what
 * comes back with the same matcher the X emulator uses (match.ts). Negations, OR, groups, `lang:`
 * and `is:reply` then mean on every network what they mean on X.
 */

/** At most this many searches per topic and run (each one is a stream with its own cursor). */
export const MAX_SEARCH_TERMS = 10;

export class TopicQueryError extends Error {}

/**
 * What to ask a network's search for so that every post matching `query` comes back. X takes the
 * whole query, operators and all. Bluesky and Mastodon get terms such that every matching post
 * contains at least one of them: an OR needs all its branches' terms, an AND only one conjunct's
 * (the most specific one); negations and operators such as `lang:` or `is:reply` add nothing
 * searchable. Throws QuerySyntaxError for a query that does not parse, TopicQueryError for one
 * with nothing (or too much) to search.
 */
export function searchableTerms(query: string, network: Platform): string[] {
  if (network === 'x') return [query];
  const terms = cover(parseQuery(query));
  if (!terms || terms.length === 0) throw new TopicQueryError('the query has no keyword, phrase, hashtag or mention to search');
  const unique = [...new Set(terms)];
  if (unique.length > MAX_SEARCH_TERMS) {
    throw new TopicQueryError(`the query needs ${unique.length} searches; at most ${MAX_SEARCH_TERMS} (use fewer OR branches)`);
  }
  return unique;
}

/** The terms to search for a topic, or none and why (a query with nothing a network can search). */
export function termsToSearch(query: string, network: Platform): { terms: string[]; problem: string | null } {
  try {
    return { terms: searchableTerms(query, network), problem: null };
  } catch (err) {
    if (err instanceof TopicQueryError) return { terms: [], problem: err.message };
    throw err;
  }
}

/** null: the node cannot be covered by searchable terms (a negation, an operator). */
function cover(node: QueryNode): string[] | null {
  switch (node.kind) {
    case 'not':
      return null;
    case 'or': {
      const parts = node.children.map(cover);
      return parts.some((p) => p === null) ? null : (parts.flat() as string[]);
    }
    case 'and': {
      const options = node.children.map(cover).filter((p): p is string[] => p !== null && p.length > 0);
      if (options.length === 0) return null;
      // fewest searches first, then the longest (most specific) term
      options.sort((a, b) => a.length - b.length || longest(b) - longest(a));
      return options[0];
    }
    case 'clause': {
      // the query's own words (accents and case as written), not the matcher's folded tokens
      const c = node.clause;
      switch (c.type) {
        case 'keyword':
        case 'phrase':
        case 'hashtag':
        case 'cashtag':
          return [node.source];
        case 'mention':
          return [c.username.toLowerCase()];
        default:
          return null;
      }
    }
  }
}

const longest = (terms: string[]) => Math.max(...terms.map((t) => t.length));
