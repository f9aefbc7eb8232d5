import { foldText, searchTokens } from './tweet-text';

/**
 * A realistic subset of X API v2 search syntax, parsed into a tree and matched against stored tweets:
 * keywords (tokenised, case- and accent-insensitive), "exact phrases", implicit AND, OR (AND binds tighter,
 * as X documents), parentheses, negation with -, and the operators below. Queries X would refuse
 * (unbalanced parentheses, an upper-case AND, unknown operators, only negated or only
 * conjunction-required clauses, over 512 characters) throw SearchQueryError with a message in X's wording
 * where we know it.
 */

export const MAX_QUERY_LENGTH = 512;

export type Clause =
  | { type: 'keyword'; tokens: string[] }
  | { type: 'phrase'; tokens: string[] }
  | { type: 'hashtag'; tag: string }
  | { type: 'mention'; username: string }
  | { type: 'cashtag'; tag: string }
  | { type: 'from' | 'to' | 'retweets_of'; user: string }
  | { type: 'url'; value: string }
  | { type: 'conversation_id' | 'in_reply_to_tweet_id' | 'retweets_of_tweet_id' | 'quotes_of_tweet_id'; id: string }
  | { type: 'lang'; lang: string }
  | { type: 'is'; flag: IsFlag }
  | { type: 'has'; what: HasWhat };

type IsFlag = 'retweet' | 'reply' | 'quote' | 'verified';
type HasWhat = 'hashtags' | 'cashtags' | 'links' | 'mentions' | 'media' | 'images' | 'videos' | 'geo';

export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode; position: number }
  | { kind: 'clause'; clause: Clause; position: number; source: string };

/** What the matcher needs to know about one tweet; the store precomputes it. */
export interface SearchableTweet {
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

export class SearchQueryError extends Error {
  constructor(
    readonly detail: string,
    readonly position?: number,
  ) {
    super(
      `There were errors processing your request: ${detail}${position === undefined ? '' : ` (at position ${position})`}`,
    );
    this.name = 'SearchQueryError';
  }
}

const STANDALONE = new Set<Clause['type']>([
  'keyword',
  'phrase',
  'hashtag',
  'mention',
  'cashtag',
  'from',
  'to',
  'retweets_of',
  'url',
  'conversation_id',
  'in_reply_to_tweet_id',
  'retweets_of_tweet_id',
  'quotes_of_tweet_id',
]);
const IS_FLAGS = new Set<string>(['retweet', 'reply', 'quote', 'verified']);
const HAS_VALUES = new Set<string>(['hashtags', 'cashtags', 'links', 'mentions', 'media', 'images', 'videos', 'geo']);
const USER_OPERATORS = new Set(['from', 'to', 'retweets_of']);
const ID_OPERATORS = new Set(['conversation_id', 'in_reply_to_tweet_id', 'retweets_of_tweet_id', 'quotes_of_tweet_id']);

type Token =
  | { t: 'lparen' | 'rparen' | 'or' | 'neg'; position: number }
  | { t: 'phrase'; value: string; position: number }
  | { t: 'word'; value: string; quotedValue?: string; position: number };

export function parseSearchQuery(query: string): QueryNode {
  if (query.trim().length === 0) throw new SearchQueryError('The query is empty');
  if (query.length > MAX_QUERY_LENGTH) {
    throw new SearchQueryError(`Rule length exceeds ${MAX_QUERY_LENGTH} characters`);
  }
  const tokens = lex(query);
  const parser = new Parser(tokens);
  const tree = parser.parseQuery();
  if (!hasPositiveClause(tree)) {
    throw new SearchQueryError('Rules must contain a non-negation term', 1);
  }
  if (!hasPositiveStandalone(tree)) {
    const first = firstConjunctionRequired(tree);
    throw new SearchQueryError(
      `Rules must contain at least one standalone operator; ${first ? `'${first.source}' ` : ''}requires conjunction with a standalone operator`,
      first?.position ?? 1,
    );
  }
  return tree;
}

export function matchesQuery(node: QueryNode, tweet: SearchableTweet): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matchesQuery(child, tweet));
    case 'or':
      return node.children.some((child) => matchesQuery(child, tweet));
    case 'not':
      return !matchesQuery(node.child, tweet);
    case 'clause':
      return matchesClause(node.clause, tweet);
  }
}

function matchesClause(clause: Clause, tweet: SearchableTweet): boolean {
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

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    const position = i + 1;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(') {
      tokens.push({ t: 'lparen', position });
      i += 1;
    } else if (ch === ')') {
      tokens.push({ t: 'rparen', position });
      i += 1;
    } else if (ch === '"') {
      const close = query.indexOf('"', i + 1);
      if (close < 0) throw new SearchQueryError('Unterminated quoted phrase', position);
      tokens.push({ t: 'phrase', value: query.slice(i + 1, close), position });
      i = close + 1;
    } else if (ch === '-') {
      const nextChar = query[i + 1];
      if (nextChar === undefined || /\s/.test(nextChar) || nextChar === ')' || nextChar === '-') {
        throw new SearchQueryError("Negation '-' must be followed by a term", position);
      }
      tokens.push({ t: 'neg', position });
      i += 1;
    } else {
      let j = i;
      while (j < query.length && !/[\s()"]/.test(query[j])) j += 1;
      const value = query.slice(i, j);
      if (value === 'OR') {
        tokens.push({ t: 'or', position });
        i = j;
      } else if (value === 'AND') {
        throw new SearchQueryError(
          'Ambiguous use of and as a keyword. Use a space to logically join two clauses, or "and" to find occurrences of and in text',
          position,
        );
      } else if (value.endsWith(':') && query[j] === '"') {
        const close = query.indexOf('"', j + 1);
        if (close < 0) throw new SearchQueryError('Unterminated quoted phrase', j + 1);
        tokens.push({ t: 'word', value, quotedValue: query.slice(j + 1, close), position });
        i = close + 1;
      } else {
        tokens.push({ t: 'word', value, position });
        i = j;
      }
    }
  }
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): QueryNode {
    const node = this.parseOr();
    const extra = this.tokens[this.index];
    if (extra) {
      if (extra.t === 'rparen') throw new SearchQueryError("Unexpected ')' without a matching '('", extra.position);
      throw new SearchQueryError('Unexpected token', extra.position);
    }
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek()?.t === 'or') {
      const or = this.tokens[this.index];
      this.index += 1;
      const next = this.peek();
      if (!next || next.t === 'or' || next.t === 'rparen') throw ambiguousOr(or.position);
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children: QueryNode[] = [];
    for (;;) {
      const token = this.peek();
      if (!token || token.t === 'rparen') break;
      if (token.t === 'or') {
        if (children.length === 0) throw ambiguousOr(token.position);
        break;
      }
      children.push(this.parseUnary());
    }
    if (children.length === 0) {
      const token = this.peek();
      throw new SearchQueryError('Empty group', token?.position);
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    const token = this.peek();
    if (token?.t === 'neg') {
      this.index += 1;
      return { kind: 'not', child: this.parsePrimary(), position: token.position };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    const token = this.tokens[this.index];
    if (!token) throw new SearchQueryError('Unexpected end of query');
    this.index += 1;
    if (token.t === 'lparen') {
      if (this.peek()?.t === 'rparen') throw new SearchQueryError('Empty group', token.position);
      const inner = this.parseOr();
      const close = this.tokens[this.index];
      if (!close || close.t !== 'rparen') throw new SearchQueryError("Missing closing parenthesis ')'", token.position);
      this.index += 1;
      return inner;
    }
    if (token.t === 'phrase') {
      const tokens = searchTokens(token.value);
      if (tokens.length === 0) throw new SearchQueryError('Empty quoted phrase', token.position);
      return { kind: 'clause', clause: { type: 'phrase', tokens }, position: token.position, source: `"${token.value}"` };
    }
    if (token.t === 'word') return { kind: 'clause', clause: parseWord(token), position: token.position, source: token.value };
    if (token.t === 'or') throw ambiguousOr(token.position);
    throw new SearchQueryError("Unexpected ')' without a matching '('", token.position);
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }
}

function ambiguousOr(position: number): SearchQueryError {
  return new SearchQueryError(
    'Ambiguous use of or as a keyword. Use a space to logically join two clauses, or "or" to find occurrences of or in text',
    position,
  );
}

function parseWord(token: { value: string; quotedValue?: string; position: number }): Clause {
  const word = token.value;
  if (word.length > 1 && (word[0] === '#' || word[0] === '＃')) return { type: 'hashtag', tag: foldText(word.slice(1)) };
  if (word.length > 1 && (word[0] === '@' || word[0] === '＠')) {
    const username = word.slice(1).toLowerCase();
    if (!/^[a-z0-9_]{1,15}$/.test(username)) throw new SearchQueryError(`Invalid username '${word}'`, token.position);
    return { type: 'mention', username };
  }
  if (/^\$[A-Za-z]/.test(word)) return { type: 'cashtag', tag: word.slice(1).toLowerCase() };
  const operator = /^([A-Za-z_]+):(.*)$/s.exec(word);
  if (operator) {
    const name = operator[1].toLowerCase();
    const value = token.quotedValue ?? operator[2];
    return parseOperator(name, value, token.position);
  }
  const tokens = searchTokens(word);
  if (tokens.length === 0) throw new SearchQueryError(`Invalid term '${word}'`, token.position);
  return { type: 'keyword', tokens };
}

function parseOperator(name: string, value: string, position: number): Clause {
  const invalid = (operator: string) =>
    new SearchQueryError(
      `Reference to invalid operator '${operator}'. Operator is not available in current product or product packaging. Please refer to complete available operator list at http://t.co/operators.`,
      position,
    );
  if (name === 'is') {
    if (!IS_FLAGS.has(value)) throw invalid(`is:${value}`);
    return { type: 'is', flag: value as IsFlag };
  }
  if (name === 'has') {
    if (!HAS_VALUES.has(value)) throw invalid(`has:${value}`);
    return { type: 'has', what: value as HasWhat };
  }
  if (value.length === 0) throw new SearchQueryError(`Operator '${name}:' requires a value`, position);
  if (USER_OPERATORS.has(name)) {
    const user = value.replace(/^@/, '').toLowerCase();
    if (!/^[a-z0-9_]{1,15}$/.test(user) && !/^[0-9]{1,19}$/.test(user)) {
      throw new SearchQueryError(`Invalid username '${value}' for operator '${name}:'`, position);
    }
    return { type: name as 'from' | 'to' | 'retweets_of', user };
  }
  if (ID_OPERATORS.has(name)) {
    if (!/^[0-9]{1,19}$/.test(value)) throw new SearchQueryError(`Invalid id '${value}' for operator '${name}:'`, position);
    return { type: name as 'conversation_id', id: value };
  }
  if (name === 'lang') {
    if (!/^[a-z]{2,3}(-[a-z]{2,4})?$/i.test(value)) throw new SearchQueryError(`Invalid language '${value}'`, position);
    return { type: 'lang', lang: value.toLowerCase() };
  }
  if (name === 'url') return { type: 'url', value: foldText(value) };
  throw invalid(name);
}

function isStandalone(node: QueryNode): boolean {
  return node.kind === 'clause' && STANDALONE.has(node.clause.type);
}

function hasPositiveClause(node: QueryNode): boolean {
  if (node.kind === 'clause') return true;
  if (node.kind === 'not') return false;
  if (node.kind === 'and') return node.children.some(hasPositiveClause);
  return node.children.every(hasPositiveClause);
}

/** Every OR branch must be anchored by a positive standalone clause, or it would match the firehose. */
function hasPositiveStandalone(node: QueryNode): boolean {
  if (node.kind === 'clause') return isStandalone(node);
  if (node.kind === 'not') return false;
  if (node.kind === 'and') return node.children.some(hasPositiveStandalone);
  return node.children.every(hasPositiveStandalone);
}

function firstConjunctionRequired(node: QueryNode): { source: string; position: number } | undefined {
  if (node.kind === 'clause') return isStandalone(node) ? undefined : { source: node.source, position: node.position };
  if (node.kind === 'not') return firstConjunctionRequired(node.child);
  for (const child of node.children) {
    const found = firstConjunctionRequired(child);
    if (found) return found;
  }
  return undefined;
}
