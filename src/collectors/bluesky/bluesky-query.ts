import { matchesQuery, parseSearchQuery, type QueryNode, type SearchableTweet } from '../x/emulator/search-query';
import { foldText, searchTokens } from '../x/emulator/tweet-text';
import type { BlueskyPost } from './bluesky-payload';

/**
 * A topic's query is written in X's search syntax. Bluesky's `searchPosts` leaves its own syntax
 * "unspecified" (no documented OR or grouping), so the collector does not translate the query:
 * it searches a set of plain terms that together cover every post the query can match, and then
 * applies the whole query to what comes back with the same matcher the X emulator uses. Negations,
 * OR, groups, `lang:` and `is:reply` then mean on Bluesky what they mean on X.
 */

/** At most this many searches per topic and run (each one is a stream with its own cursor). */
export const MAX_SEARCH_TERMS = 10;

export class BlueskyQueryError extends Error {}

/**
 * The terms to search so that every post matching `query` contains at least one of them:
 * an OR needs all its branches' terms, an AND only one conjunct's (the most specific one);
 * negations and operators such as `lang:` or `is:reply` add nothing searchable.
 */
export function searchTermsFor(query: string): string[] {
  const terms = cover(parseSearchQuery(query));
  if (!terms || terms.length === 0) throw new BlueskyQueryError('the query has no keyword, phrase, hashtag or mention that Bluesky can search');
  const unique = [...new Set(terms)];
  if (unique.length > MAX_SEARCH_TERMS) {
    throw new BlueskyQueryError(`the query needs ${unique.length} Bluesky searches; at most ${MAX_SEARCH_TERMS} (use fewer OR branches)`);
  }
  return unique;
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

const HASHTAG = /(^|[^\p{L}\p{N}_&#])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu;
/** Bluesky mentions are handles (domain names): `@lumi.bsky.social`. */
const MENTION = /(^|[^\p{L}\p{N}_@])@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)/giu;
const CASHTAG = /(^|\s)\$([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?![\p{L}\p{N}])/gu;
const URL = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;

/**
 * A Bluesky post seen through X's search semantics. A mention clause `@lumi` matches a mentioned
 * handle that is `lumi` or starts with the label `lumi.` (`@lumi.bsky.social`): X usernames cannot
 * contain dots, Bluesky handles always do; `@lumi_br` also matches `@lumi-br.bsky.social`.
 */
export function searchableOf(post: BlueskyPost): SearchableTweet {
  const text = post.record.text;
  const urls = text.match(URL) ?? [];
  const tokens = [...searchTokens(text), ...urls.flatMap((u) => searchTokens(u))];
  const handles = [...text.matchAll(MENTION)].map((m) => m[2].toLowerCase());
  const parent = post.record.reply?.parent.uri;
  return {
    tokens,
    tokenSet: new Set(tokens),
    hashtags: new Set([...text.matchAll(HASHTAG)].map((m) => foldText(m[2]))),
    // `@lumi_br` on X is `@lumi-br.…` on Bluesky: handles have hyphens where usernames have underscores
    mentions: new Set([...handles, ...handles.map((h) => h.split('.')[0]), ...handles.map((h) => h.split('.')[0].replace(/-/g, '_'))]),
    cashtags: new Set([...text.matchAll(CASHTAG)].map((m) => m[2].toLowerCase())),
    urls: urls.map(foldText),
    authorId: post.author.did,
    authorUsername: post.author.handle.toLowerCase(),
    authorVerified: false,
    inReplyToUserId: parent ? didOfUri(parent) : undefined,
    inReplyToTweetId: parent,
    conversationId: post.record.reply?.root.uri ?? post.uri,
    lang: (post.record.langs?.[0] ?? 'und').toLowerCase().split('-')[0],
  };
}

/** The topic's query as a predicate on Bluesky posts. */
export function topicMatcher(query: string): (post: BlueskyPost) => boolean {
  const tree = parseSearchQuery(query);
  return (post) => matchesQuery(tree, searchableOf(post));
}

/** `at://did:plc:abc/app.bsky.feed.post/3k…` → `did:plc:abc`. */
export function didOfUri(uri: string): string {
  return uri.replace(/^at:\/\//, '').split('/')[0];
}
