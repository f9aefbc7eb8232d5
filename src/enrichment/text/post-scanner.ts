import type { CanonicalWord } from '../sentiment/lexicon-analyzer';

/** What a piece of a post is, as the lexicon analyzer sees it. */
export enum PieceKind {
  Url = 1,
  Mention = 2,
  Emoticon = 3,
  /** A word, or a hashtag when it starts with '#'. */
  Word = 4,
  /** A run of . , ! ? ; … */
  Punctuation = 5,
  /** Any other non-space character (emoji, ♥, quotes, brackets). */
  Symbol = 6,
}

/**
 * A distinct word (or hashtag) as written. Every step that reads words caches what it derives
 * here (the language hint, each lexicon's canonical form), so a post costs one dictionary lookup
 * per word however many steps look at it. The readings depend only on the word and on the
 * built-in word lists, never on a workspace.
 */
export class ScannedWord {
  /** Bits from the language detector; -1 until computed. */
  languageClass = -1;
  en: CanonicalWord | undefined = undefined;
  pt: CanonicalWord | undefined = undefined;
  /** Hashtags: the canonical words of its parts, per lexicon. */
  enParts: CanonicalWord[] | undefined = undefined;
  ptParts: CanonicalWord[] | undefined = undefined;

  constructor(readonly raw: string) {}
}

export interface ScannedPieces {
  kinds: PieceKind[];
  values: string[];
  /** The interned word for each Word piece, undefined for other pieces. */
  words: (ScannedWord | undefined)[];
}

/** An empty, reusable ScannedPieces. */
export function scratchPieces(): ScannedPieces {
  return { kinds: [], values: [], words: [] };
}

const interned = new Map<string, ScannedWord>();
const INTERNED_LIMIT = 100_000;

function intern(word: string): ScannedWord {
  let entry = interned.get(word);
  if (entry === undefined) {
    entry = new ScannedWord(word);
    if (interned.size >= INTERNED_LIMIT) interned.clear();
    interned.set(word, entry);
  }
  return entry;
}

/** 0 unknown, 1 word character (letter, mark, digit), 2 not. Filled lazily for the BMP. */
const wordCharCache = new Uint8Array(0x10000);
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

function isWordChar(code: number): boolean {
  if (code < 0x80) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  }
  let known = wordCharCache[code];
  if (known === 0) {
    known = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    wordCharCache[code] = known;
  }
  return known === 1;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0x3000;
}

function isPunctuation(code: number): boolean {
  return code === 46 || code === 44 || code === 33 || code === 63 || code === 59 || code === 0x2026;
}

const EMOTICON = /<\/3|<3+|[:;=8][-'^o]?[)\]}dDpP3*>([{/\\|]+|[)(\][][-'^o]?[:;=](?!\d)|\^_*\^|[tT]_[tT]|-_-|D:/y;
/** Characters an emoticon can start with, by char code. */
const EMOTICON_START = new Uint8Array(128);
for (const c of ':;=8<)(][^tT-D') EMOTICON_START[c.charCodeAt(0)] = 1;

/**
 * Splits a post into the pieces the lexicon analyzer scores, in one pass over its characters.
 * A hand-written scanner because the equivalent single regular expression (with Unicode
 * classes and look-behinds) took half of the enrichment budget on its own.
 */
export function scanPost(text: string, out: ScannedPieces): ScannedPieces {
  const { kinds, values, words } = out;
  kinds.length = 0;
  values.length = 0;
  words.length = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code < 128 && EMOTICON_START[code] === 1 && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) {
      EMOTICON.lastIndex = i;
      const m = EMOTICON.exec(text);
      if (m) {
        const end = i + m[0].length;
        const following = end < n ? text.charCodeAt(end) : 32;
        // "8)" or "D:" glued to a word is not a face.
        if (!(isWordChar(following) && /[a-zA-Z0-9]$/.test(m[0]))) {
          kinds.push(PieceKind.Emoticon);
          values.push(m[0]);
          words.push(undefined);
          i = end;
          continue;
        }
      }
    }

    if ((code === 104 || code === 119) && (text.startsWith('http://', i) || text.startsWith('https://', i) || text.startsWith('www.', i))) {
      let j = i;
      while (j < n && !isSpace(text.charCodeAt(j))) j++;
      kinds.push(PieceKind.Url);
      values.push(text.slice(i, j));
      words.push(undefined);
      i = j;
      continue;
    }

    if (code === 64 /* @ */ && i + 1 < n && (isWordChar(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 95)) {
      let j = i + 1;
      while (j < n && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 95)) j++;
      kinds.push(PieceKind.Mention);
      values.push(text.slice(i, j));
      words.push(undefined);
      i = j;
      continue;
    }

    const hashtag = code === 35 /* # */ && i + 1 < n && isWordChar(text.charCodeAt(i + 1));
    if (hashtag || isWordChar(code)) {
      let j = hashtag ? i + 1 : i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (isWordChar(c)) {
          j++;
        } else if ((c === 39 || c === 0x2019) && j + 1 < n && isWordChar(text.charCodeAt(j + 1))) {
          j += 2;
        } else {
          break;
        }
      }
      const word = text.slice(i, j);
      kinds.push(PieceKind.Word);
      values.push(word);
      words.push(intern(word));
      i = j;
      continue;
    }

    if (isPunctuation(code)) {
      let j = i + 1;
      while (j < n && isPunctuation(text.charCodeAt(j))) j++;
      kinds.push(PieceKind.Punctuation);
      values.push(text.slice(i, j));
      words.push(undefined);
      i = j;
      continue;
    }

    // Emoji outside the BMP are surrogate pairs: keep the pair together.
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < n ? 2 : 1;
    kinds.push(PieceKind.Symbol);
    values.push(text.slice(i, i + width));
    words.push(undefined);
    i += width;
  }
  return out;
}
