/**
 * The topic query language, in one place: a topic's query is written in X's search syntax
 * (syntax.ts parses it to a tree with positions), checked before it is stored (validate.ts),
 * matched against posts of any network (match.ts), and turned into what each network's search can
 * be asked for (searchable-terms.ts). network-search.ts is the plain term search Bluesky and
 * Mastodon offer, as their emulators match it.
 */
import { matches, searchableOf, type QueryablePost } from './match';
import { parseQuery } from './syntax';

export { MAX_QUERY_LENGTH, parseQuery, QuerySyntaxError, type Clause, type QueryNode } from './syntax';
export { matches, searchableOf, type QueryablePost, type SearchablePost } from './match';
export { MAX_SEARCH_TERMS, searchableTerms, termsToSearch, TopicQueryError } from './searchable-terms';
export { queryProblem, validate } from './validate';
export { networkClauseMatches, parseNetworkSearch, type NetworkSearchable, type NetworkSearchClause } from './network-search';

/** The topic's query as a predicate on posts of any network (throws QuerySyntaxError if it does not parse). */
export function topicMatcher<T>(query: string, toQueryable: (post: T) => QueryablePost): (post: T) => boolean {
  const tree = parseQuery(query);
  return (post) => matches(tree, searchableOf(toQueryable(post)));
}
