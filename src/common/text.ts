/**
 * Folding and splitting text for case- and accent-insensitive comparison, the one place that
 * decides what "the same word" means: search ("cartão" finds "Cartao"), hashtags, handles.
 */

/** Lower case without accents or other combining marks: `"Cartão"` → `"cartao"`. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
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
