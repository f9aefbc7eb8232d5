import { REQUEST_WORDS } from '../intent/request-words';

const STEM_SALT = 0x27d4eb2f;
const STEM_SUFFIXES = [
  'ings',
  'ing',
  'edly',
  'ed',
  'ers',
  'er',
  'ies',
  'es',
  'ly',
  "'s",
  's',
  'mente',
  'inhos',
  'inhas',
  'inho',
  'inha',
  'ando',
  'endo',
  'indo',
  'ado',
  'ada',
  'ados',
  'adas',
  'ou',
  'ei',
  'os',
  'as',
  'a',
  'o',
  'e',
];

/** Strips one common English or Portuguese suffix from words of 5+ letters ("loving" -> "lov"). */
export function crudeStem(token: string): string {
  if (token.length < 5) return token;
  for (const suffix of STEM_SUFFIXES) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 3) return token.slice(0, token.length - suffix.length);
  }
  return token;
}

/** FNV-1a over UTF-16 code units, seeded so that feature families do not share buckets. */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Combines two hashes into one (a word with a salt, a bigram's two words). The sentiment and
 * intent models were trained on its output: changing it invalidates their weights.
 */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x27d4eb2d);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * A canonical token's hash, its stem's hash (-1 when the word is its own stem) and its intent
 * word-list bits (intent/request-words.ts), computed once per interned word so that scoring a
 * post does no extra lookups.
 */
export interface TokenHashes {
  word: number;
  stem: number;
  request: number;
}

export function computeTokenHashes(token: string): TokenHashes {
  const stem = crudeStem(token);
  return { word: hashString(token, 0), stem: stem === token ? -1 : hashString(stem, STEM_SALT), request: REQUEST_WORDS.get(token) ?? 0 };
}

const fallback = new Map<string, TokenHashes>();
const FALLBACK_LIMIT = 10_000;

/**
 * Hashes of tokens the analyzer did not cache with their word (emoji, emoticons, joined
 * phrases, clause boundaries): few and recurring, so a small memo does.
 */
export function tokenHashesOf(token: string): TokenHashes {
  let hashes = fallback.get(token);
  if (hashes === undefined) {
    hashes = computeTokenHashes(token);
    if (fallback.size >= FALLBACK_LIMIT) fallback.clear();
    fallback.set(token, hashes);
  }
  return hashes;
}
