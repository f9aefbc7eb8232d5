/**
 * Folding and splitting text for case- and accent-insensitive comparison, the one place that
 * decides what "the same word" means: search ("cartão" finds "Cartao"), hashtags, handles.
 */

// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const NON_ASCII = /[^\u0000-\u007f]/;

/** Lower case without accents or other combining marks: `"Cartão"` → `"cartao"`. */
export function foldText(text: string): string {
  // ASCII has nothing to decompose; most posts and all handles take this path
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const SEARCH_TOKEN = /[\p{L}\p{M}\p{N}_]+|\p{Extended_Pictographic}/gu;

/**
 * Keyword tokens as X search sees a text: folded runs of letters, digits and underscores, split on
 * punctuation, symbols and separators, and each emoji a token of its own.
 */
export function searchTokens(text: string): string[] {
  return foldText(text).match(SEARCH_TOKEN) ?? [];
}

/** Folded words of a text: runs of letters, digits and underscores (emoji and punctuation dropped). */
export function foldedWords(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}
