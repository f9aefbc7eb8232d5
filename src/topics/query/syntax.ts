import { foldText, searchTokens } from '../../common/text';

/**
 * The topic query language: X API v2 search syntax, parsed into a tree whose nodes carry their
 * 1-based position in the query (for error messages). Keywords (tokenised, case- and
 * accent-insensitive), "exact phrases", implicit AND, OR (AND binds tighter, as X documents),
 * parentheses, negation with -, and the operators below. Queries X would refuse (unbalanced
 * parentheses, an upper-case AND, unknown operators, only negated or only conjunction-required
 * clauses, over MAX_QUERY_LENGTH characters) throw QuerySyntaxError with a message in X's wording
 * where we know it, so the X emulator can answer with it as X would.
 */

/** X's limit for a recent-search query on the basic and pro tiers, and so for a topic's query. */
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

export type IsFlag = 'retweet' | 'reply' | 'quote' | 'verified';
export type HasWhat = 'hashtags' | 'cashtags' | 'links' | 'mentions' | 'media' | 'images' | 'videos' | 'geo';

export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode; position: number }
  | { kind: 'clause'; clause: Clause; position: number; source: string };

export class QuerySyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly position?: number,
  ) {
    super(`There were errors processing your request: ${detail}${position === undefined ? '' : ` (at position ${position})`}`);
    this.name = 'QuerySyntaxError';
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

export function parseQuery(query: string): QueryNode {
  if (query.trim().length === 0) throw new QuerySyntaxError('The query is empty');
  if (query.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(`Rule length exceeds ${MAX_QUERY_LENGTH} characters`);
  }
  const tokens = lex(query);
  const parser = new Parser(tokens);
  const tree = parser.parseQuery();
  if (!hasPositiveClause(tree)) {
    throw new QuerySyntaxError('Rules must contain a non-negation term', 1);
  }
  if (!hasPositiveStandalone(tree)) {
    const first = firstConjunctionRequired(tree);
    throw new QuerySyntaxError(
      `Rules must contain at least one standalone operator; ${first ? `'${first.source}' ` : ''}requires conjunction with a standalone operator`,
      first?.position ?? 1,
    );
  }
  return tree;
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
      if (close < 0) throw new QuerySyntaxError('Unterminated quoted phrase', position);
      tokens.push({ t: 'phrase', value: query.slice(i + 1, close), position });
      i = close + 1;
    } else if (ch === '-') {
      const nextChar = query[i + 1];
      if (nextChar === undefined || /\s/.test(nextChar) || nextChar === ')' || nextChar === '-') {
        throw new QuerySyntaxError("Negation '-' must be followed by a term", position);
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
        throw new QuerySyntaxError(
          'Ambiguous use of and as a keyword. Use a space to logically join two clauses, or "and" to find occurrences of and in text',
          position,
        );
      } else if (value.endsWith(':') && query[j] === '"') {
        const close = query.indexOf('"', j + 1);
        if (close < 0) throw new QuerySyntaxError('Unterminated quoted phrase', j + 1);
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
      if (extra.t === 'rparen') throw new QuerySyntaxError("Unexpected ')' without a matching '('", extra.position);
      throw new QuerySyntaxError('Unexpected token', extra.position);
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
      throw new QuerySyntaxError('Empty group', token?.position);
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
    if (!token) throw new QuerySyntaxError('Unexpected end of query');
    this.index += 1;
    if (token.t === 'lparen') {
      if (this.peek()?.t === 'rparen') throw new QuerySyntaxError('Empty group', token.position);
      const inner = this.parseOr();
      const close = this.tokens[this.index];
      if (!close || close.t !== 'rparen') throw new QuerySyntaxError("Missing closing parenthesis ')'", token.position);
      this.index += 1;
      return inner;
    }
    if (token.t === 'phrase') {
      const tokens = searchTokens(token.value);
      if (tokens.length === 0) throw new QuerySyntaxError('Empty quoted phrase', token.position);
      return { kind: 'clause', clause: { type: 'phrase', tokens }, position: token.position, source: `"${token.value}"` };
    }
    if (token.t === 'word') return { kind: 'clause', clause: parseWord(token), position: token.position, source: token.value };
    if (token.t === 'or') throw ambiguousOr(token.position);
    throw new QuerySyntaxError("Unexpected ')' without a matching '('", token.position);
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }
}

function ambiguousOr(position: number): QuerySyntaxError {
  return new QuerySyntaxError(
    'Ambiguous use of or as a keyword. Use a space to logically join two clauses, or "or" to find occurrences of or in text',
    position,
  );
}

function parseWord(token: { value: string; quotedValue?: string; position: number }): Clause {
  const word = token.value;
  if (word.length > 1 && (word[0] === '#' || word[0] === '＃')) return { type: 'hashtag', tag: foldText(word.slice(1)) };
  if (word.length > 1 && (word[0] === '@' || word[0] === '＠')) {
    const username = word.slice(1).toLowerCase();
    if (!/^[a-z0-9_]{1,15}$/.test(username)) throw new QuerySyntaxError(`Invalid username '${word}'`, token.position);
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
  if (tokens.length === 0) throw new QuerySyntaxError(`Invalid term '${word}'`, token.position);
  return { type: 'keyword', tokens };
}

function parseOperator(name: string, value: string, position: number): Clause {
  const invalid = (operator: string) =>
    new QuerySyntaxError(
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
  if (value.length === 0) throw new QuerySyntaxError(`Operator '${name}:' requires a value`, position);
  if (USER_OPERATORS.has(name)) {
    const user = value.replace(/^@/, '').toLowerCase();
    if (!/^[a-z0-9_]{1,15}$/.test(user) && !/^[0-9]{1,19}$/.test(user)) {
      throw new QuerySyntaxError(`Invalid username '${value}' for operator '${name}:'`, position);
    }
    return { type: name as 'from' | 'to' | 'retweets_of', user };
  }
  if (ID_OPERATORS.has(name)) {
    if (!/^[0-9]{1,19}$/.test(value)) throw new QuerySyntaxError(`Invalid id '${value}' for operator '${name}:'`, position);
    return { type: name as 'conversation_id', id: value };
  }
  if (name === 'lang') {
    if (!/^[a-z]{2,3}(-[a-z]{2,4})?$/i.test(value)) throw new QuerySyntaxError(`Invalid language '${value}'`, position);
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
