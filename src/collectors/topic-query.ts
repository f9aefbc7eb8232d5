import { matchesQuery, parseSearchQuery, type QueryNode, type SearchableTweet } from './x/emulator/search-query';
import { foldText, searchTokens } from './x/emulator/tweet-text';

/**
 * A topic's query is written in X's search syntax. Other networks' search APIs have syntaxes of
 * their own, or none documented (Bluesky's `searchPosts` calls its "unspecified"; Mastodon's
 * search has no OR), so their collectors do not translate the query: they search a set of plain
 * terms that together cover every post the query can match, and then apply the whole query to what
 * comes back with the same matcher the X emulator uses. Negations, OR, groups, `lang:` and
 * `is:reply` then mean on every network what they mean on X.
 */

/** At most this many searches per topic and run (each one is a stream with its own cursor). */
export const MAX_SEARCH_TERMS = 10;

export class TopicQueryError extends Error {}

/**
 * The terms to search so that every post matching `query` contains at least one of them:
 * an OR needs all its branches' terms, an AND only one conjunct's (the most specific one);
 * negations and operators such as `lang:` or `is:reply` add nothing searchable.
 */
export function searchTermsFor(query: string): string[] {
  const terms = cover(parseSearchQuery(query));
  if (!terms || terms.length === 0) throw new TopicQueryError('the query has no keyword, phrase, hashtag or mention to search');
  const unique = [...new Set(terms)];
  if (unique.length > MAX_SEARCH_TERMS) {
    throw new TopicQueryError(`the query needs ${unique.length} searches; at most ${MAX_SEARCH_TERMS} (use fewer OR branches)`);
  }
  return unique;
}

/** The terms to search for a topic, or none and why (a query with nothing a network can search). */
export function termsToSearch(query: string): { terms: string[]; problem: string | null } {
  try {
    return { terms: searchTermsFor(query), problem: null };
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
      return parts.some((p) => p === null) ? null : parts.flat() as string[];
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

const CASHTAG = /(^|\s)\$([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?![\p{L}\p{N}])/gu;
const URL = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/** What the matcher needs of a post from any network, in plain values. */
export interface QueryablePost {
  text: string;
  hashtags: readonly string[];
  /** handles mentioned, as the network writes them (`lumi.bsky.social`, `lumi@social.example`) */
  mentions: readonly string[];
  authorId: string;
  authorHandle: string;
  inReplyToUserId?: string | null;
  inReplyToPostId?: string | null;
  conversationId: string;
  lang?: string | null;
}

/**
 * A post seen through X's search semantics. A mention clause `@lumi` matches a mentioned handle
 * that is `lumi` or starts with `lumi` followed by a dot or an `@` (`@lumi.bsky.social`,
 * `@lumi@social.example`); `@lumi_br` also matches `lumi-br…`, as domain names have hyphens where
 * X usernames have underscores.
 */
export function searchableOf(post: QueryablePost): SearchableTweet {
  const urls = post.text.match(URL) ?? [];
  const tokens = [...searchTokens(post.text), ...urls.flatMap((u) => searchTokens(u))];
  const handles = post.mentions.map((h) => h.toLowerCase().replace(/^@/, ''));
  const firsts = handles.map((h) => h.split(/[.@]/)[0]);
  return {
    tokens,
    tokenSet: new Set(tokens),
    hashtags: new Set(post.hashtags.map((t) => foldText(t.replace(/^#/, '')))),
    mentions: new Set([...handles, ...firsts, ...firsts.map((f) => f.replace(/-/g, '_'))]),
    cashtags: new Set([...post.text.matchAll(CASHTAG)].map((m) => m[2].toLowerCase())),
    urls: urls.map(foldText),
    authorId: post.authorId,
    authorUsername: post.authorHandle.toLowerCase(),
    authorVerified: false,
    inReplyToUserId: post.inReplyToUserId ?? undefined,
    inReplyToTweetId: post.inReplyToPostId ?? undefined,
    conversationId: post.conversationId,
    lang: (post.lang ?? 'und').toLowerCase().split('-')[0],
  };
}

/** The topic's query as a predicate on posts of any network. */
export function topicMatcher<T>(query: string, toQueryable: (post: T) => QueryablePost): (post: T) => boolean {
  const tree = parseSearchQuery(query);
  return (post) => matchesQuery(tree, searchableOf(toQueryable(post)));
}
