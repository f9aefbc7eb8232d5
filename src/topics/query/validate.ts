import { PLATFORM_NAMES, type Platform } from '../../common/platform';
import { searchableTerms, TopicQueryError } from './searchable-terms';
import { MAX_QUERY_LENGTH, QuerySyntaxError } from './syntax';

/**
 * Checks a topic's query before it is stored, so that a typo is caught when the topic is saved
 * rather than at 3 a.m. by the collector.
 *
 * `queryProblem` is the check every topic gets: at most MAX_QUERY_LENGTH characters, balanced
 * double quotes and parentheses, no empty group, no dangling OR, and a term that is not negated.
 * It leaves operators to X, which searches the query as written. `validate` adds, for a topic on
 * a network searched term by term (Bluesky, Mastodon), the full parse and the terms to search, as
 * their collectors will need them.
 */
export function queryProblem(query: string): string | null {
  const q = query.trim();
  if (!q) return 'query must not be empty';
  if (q.length > MAX_QUERY_LENGTH) return `query must be at most ${MAX_QUERY_LENGTH} characters (got ${q.length})`;
  let depth = 0;
  let inQuotes = false;
  let tokenSinceOpen = false;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '"') {
      inQuotes = !inQuotes;
      tokenSinceOpen = true;
      continue;
    }
    if (inQuotes) continue;
    if (c === '(') {
      depth++;
      tokenSinceOpen = false;
    } else if (c === ')') {
      if (depth === 0) return `query has an unmatched ")" at position ${i + 1}`;
      if (!tokenSinceOpen) return `query has an empty group "()" at position ${i + 1}`;
      depth--;
    } else if (!/\s/.test(c)) tokenSinceOpen = true;
  }
  if (inQuotes) return 'query has an unclosed double quote';
  if (depth > 0) return 'query has an unclosed "("';
  const words = q
    .replace(/"[^"]*"/g, '"x"')
    .split(/[\s()]+/)
    .filter(Boolean);
  if (words[0] === 'OR' || words[words.length - 1] === 'OR') return 'query starts or ends with OR';
  for (let i = 1; i < words.length; i++) if (words[i] === 'OR' && words[i - 1] === 'OR') return 'query has "OR OR"';
  if (words.every((w) => w.startsWith('-'))) return 'query must contain at least one term that is not negated';
  return null;
}

/** Why `query` cannot be collected from `platforms`, or null when it can. */
export function validate(query: string, platforms: readonly Platform[]): string | null {
  const problem = queryProblem(query);
  if (problem) return problem;
  // Facebook, Instagram and WhatsApp are read whole (a Page's comments, an account's media), never searched
  const termByTerm = platforms.filter((p) => p === 'bluesky' || p === 'mastodon' || p === 'reddit');
  if (termByTerm.length === 0) return null;
  try {
    for (const network of termByTerm) searchableTerms(query.trim(), network);
    return null;
  } catch (err) {
    if (!(err instanceof TopicQueryError || err instanceof QuerySyntaxError)) throw err;
    const names = [...new Set(termByTerm)].map((p) => PLATFORM_NAMES[p]);
    return `query cannot be searched on ${names.join(' and ')}: ${err instanceof QuerySyntaxError ? err.detail : err.message}`;
  }
}
