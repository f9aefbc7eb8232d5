/**
 * Checks an X recent-search query before it is stored, so that a typo is caught when the topic is
 * saved rather than at 3 a.m. by the collector: at most 512 characters (X's limit for recent
 * search on the basic and pro tiers), balanced double quotes and parentheses, no empty group, and
 * no dangling OR.
 */
export const MAX_QUERY_LENGTH = 512;

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
  const words = q.replace(/"[^"]*"/g, '"x"').split(/[\s()]+/).filter(Boolean);
  if (words[0] === 'OR' || words[words.length - 1] === 'OR') return 'query starts or ends with OR';
  for (let i = 1; i < words.length; i++) if (words[i] === 'OR' && words[i - 1] === 'OR') return 'query has "OR OR"';
  if (words.every((w) => w.startsWith('-'))) return 'query must contain at least one term that is not negated';
  return null;
}
