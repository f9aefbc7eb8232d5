const COMBINING_MARKS = /[\u0300-\u036f]/g;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Lower-cases and strips diacritics ("Não É" -> "nao e"). Tweets in Portuguese drop accents as
 * often as they keep them, so every lexicon and keyword comparison happens on folded text.
 */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  return lower.normalize('NFD').replace(COMBINING_MARKS, '');
}
