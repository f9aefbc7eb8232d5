import { foldText, searchTokens } from '../../common/text';
import type { Clause, QueryNode } from './syntax';

/**
 * Matching a parsed query against a post, with X's semantics on every network: the X emulator
 * matches its stored tweets with it, and the Bluesky and Mastodon collectors apply a topic's whole
 * query to what their term searches return.
 */

/** What the matcher needs to know about one post, precomputed (folded tokens, entity sets). */
export interface SearchablePost {
  tokens: readonly string[];
  tokenSet: ReadonlySet<string>;
  hashtags: ReadonlySet<string>;
  mentions: ReadonlySet<string>;
  cashtags: ReadonlySet<string>;
  urls: readonly string[];
  authorId: string;
  authorUsername: string;
  authorVerified: boolean;
  inReplyToUserId?: string;
  inReplyToUsername?: string;
  inReplyToTweetId?: string;
  retweetedTweetId?: string;
  retweetedUserId?: string;
  retweetedUsername?: string;
  quotedTweetId?: string;
  conversationId: string;
  lang: string;
}

export function matches(node: QueryNode, tweet: SearchablePost): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matches(child, tweet));
    case 'or':
      return node.children.some((child) => matches(child, tweet));
    case 'not':
      return !matches(node.child, tweet);
    case 'clause':
      return matchesClause(node.clause, tweet);
  }
}

function matchesClause(clause: Clause, tweet: SearchablePost): boolean {
  switch (clause.type) {
    case 'keyword':
    case 'phrase':
      return clause.tokens.length === 1 ? tweet.tokenSet.has(clause.tokens[0]) : containsSequence(tweet.tokens, clause.tokens);
    case 'hashtag':
      return tweet.hashtags.has(clause.tag);
    case 'mention':
      return tweet.mentions.has(clause.username);
    case 'cashtag':
      return tweet.cashtags.has(clause.tag);
    case 'from':
      return sameUser(clause.user, tweet.authorId, tweet.authorUsername);
    case 'to':
      return sameUser(clause.user, tweet.inReplyToUserId, tweet.inReplyToUsername);
    case 'retweets_of':
      return sameUser(clause.user, tweet.retweetedUserId, tweet.retweetedUsername);
    case 'url':
      return tweet.urls.some((url) => url.includes(clause.value));
    case 'conversation_id':
      return tweet.conversationId === clause.id;
    case 'in_reply_to_tweet_id':
      return tweet.inReplyToTweetId === clause.id;
    case 'retweets_of_tweet_id':
      return tweet.retweetedTweetId === clause.id;
    case 'quotes_of_tweet_id':
      return tweet.quotedTweetId === clause.id;
    case 'lang':
      return tweet.lang === clause.lang;
    case 'is':
      if (clause.flag === 'retweet') return tweet.retweetedTweetId !== undefined;
      if (clause.flag === 'reply') return tweet.inReplyToTweetId !== undefined;
      if (clause.flag === 'quote') return tweet.quotedTweetId !== undefined;
      return tweet.authorVerified;
    case 'has':
      if (clause.what === 'hashtags') return tweet.hashtags.size > 0;
      if (clause.what === 'cashtags') return tweet.cashtags.size > 0;
      if (clause.what === 'mentions') return tweet.mentions.size > 0;
      if (clause.what === 'links') return tweet.urls.length > 0;
      // The emulator holds no media, places or polls.
      return false;
  }
}

function sameUser(wanted: string, id: string | undefined, username: string | undefined): boolean {
  return wanted === id || wanted === username;
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

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
export function searchableOf(post: QueryablePost): SearchablePost {
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
