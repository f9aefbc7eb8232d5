import Sentiment from 'sentiment';
import afinnEnglish from 'sentiment/languages/en/labels.json';
import afinnPortuguese from './lexicon/afinn-pt.json';
import vaderEnglish from './lexicon/vader-en.json';
import inducedEnglish from './lexicon/induced-en.json';
import { foldText } from '../text/fold';
import { PieceKind, ScannedPieces, ScannedWord, scanPost, scratchPieces } from '../text/post-scanner';
import { computeTokenHashes, TokenHashes } from './token-hashes';
import { ENGLISH_RESOURCES, PORTUGUESE_RESOURCES, SentimentLanguageResources } from './language-resources';

/** The two lexicons we score natively; every other language is scored with the English one. */
export type LexiconLanguage = 'en' | 'pt';

/** Token that marks a sentence or clause boundary (. , ! ? ;) in the token stream. */
export const BOUNDARY = '|';
/** Canonical token every laugh ("hahaha", "kkkk", "rsrs", "lol", "xD") is mapped to. */
export const LAUGH = 'haha';

/** Emoticons are turned into words the `sentiment` tokenizer keeps intact. */
const EMOTICON_LABELS: Record<string, number> = {
  'emoticon-smile': 2,
  'emoticon-laugh': 3,
  'emoticon-wink': 2,
  'emoticon-tongue': 1,
  'emoticon-heart': 3,
  'emoticon-kiss': 2,
  'emoticon-sad': -2,
  'emoticon-cry': -2,
  'emoticon-skeptical': -1,
  'emoticon-broken-heart': -3,
  'emoticon-annoyed': -2,
};

/** Everything the learned layer and the label rules need from one lexicon pass. */
export interface LexiconAnalysis {
  language: LexiconLanguage;
  /** Canonical tokens: folded, elongation removed where that finds a lexicon word, phrases joined with '-'. */
  tokens: string[];
  /** 1 where the token sits in the scope of a negator. */
  negated: Uint8Array;
  /** Feature hashes of each token where the analyzer had them cached (undefined elsewhere). */
  hashes: (TokenHashes | undefined)[];
  /** The post's words and hashtag words, folded but otherwise as written (for keyword rules). */
  foldedWords: string[];
  /** Sum of the adjusted word scores (negation, intensifiers, contrast, emphasis applied). */
  total: number;
  positive: number;
  negative: number;
  positiveHits: number;
  negativeHits: number;
  maxPositive: number;
  maxNegative: number;
  /** Score of the words after the last clause boundary: tweets often end with the verdict. */
  lastClauseScore: number;
  emojiPositive: number;
  emojiNegative: number;
  exclamations: number;
  questions: number;
  urls: number;
  mentions: number;
  hashtags: number;
  emphasized: number;
  negations: number;
  contrasts: number;
  laughs: number;
  words: number;
  /** Second opinion from the VADER lexicon (English only; 0 elsewhere), negation applied. */
  secondaryPositive: number;
  secondaryNegative: number;
  /** Words written Like This: headlines and announcements, which are mostly neutral. */
  titleCaseWords: number;
  /** Ends with "..." or "…": a truncated headline or link teaser. */
  truncated: boolean;
  digits: boolean;
  firstPerson: number;
  secondPerson: number;
  /**
   * Induced lexicon (English only; `lexicon/induced-en.json`): valences predicted from GloVe
   * vectors for words neither AFINN nor VADER lists, negation applied (x -0.75 inside a
   * negation's clause-long scope). Sums of the positive and negative ones, extremes, hits.
   */
  inducedPositive: number;
  inducedNegative: number;
  inducedMax: number;
  inducedMin: number;
  inducedHits: number;
}

/** What the lexicon knows about one canonical token; one Map lookup gives all of it. */
interface TokenInfo {
  /** AFINN (or translated AFINN) score, emoji and emoticons included. */
  score: number | undefined;
  /** VADER score (English only). */
  secondary: number | undefined;
  /** Multiplier for the sentiment word right after it. */
  intensifier: number | undefined;
  /** Multiplier for the sentiment word right before it ("lindo demais"). */
  postIntensifier: number | undefined;
  flags: number;
}

const NEGATOR = 1;
const CONTRAST = 2;
const FIRST_PERSON = 4;
const SECOND_PERSON = 8;
const PHRASE_START = 16;
/** Emoji, emoticons: never negated ("not 😂" is still a laugh), counted apart. */
const SYMBOL = 32;

interface LexiconTables {
  code: string;
  /** The object registered with the `sentiment` package (it calls `labels.hasOwnProperty`). */
  labels: Record<string, number>;
  info: Map<string, TokenInfo>;
  /** Induced valence of words the lexicons lack (empty but for English). */
  induced: Map<string, number>;
  phrases: Map<string, { rest: string[]; joined: string }[]>;
}

/** How one lexicon reads a word; cached on the scanned word (text/post-scanner.ts). */
export interface CanonicalWord {
  hashes: TokenHashes;
  /** The word folded (lower case, no accents, ’ as ', runs of 3+ letters as one). */
  folded: string;
  token: string;
  info: TokenInfo | undefined;
  /** Induced valence of the token (0 when the induced lexicon lacks it). */
  induced: number;
  /** 1: elongated or superlative. */
  emphasis: number;
  /** Written in capitals ("GREAT"). */
  upper: boolean;
  /** Written Like This. */
  titleCase: boolean;
}

const LAUGH_PATTERN =
  /^(?:k{2,}[kj]*|(?:[hj]a){2,}h?|(?:a[hj]){2,}|(?:he){2,}h?|(?:hi){2,}|(?:hue){2,}|(?:rs){2,}|l+o+l+|lmf?a+o+|rofl|x+d+|hehe)$/;
const ELONGATED = /(.)\1\1/;
const DIGIT = /\d/;
const CAMEL_SPLIT = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

function emoticonToken(emoticon: string): string | null {
  if (emoticon.startsWith('</3')) return 'emoticon-broken-heart';
  if (emoticon.startsWith('<3')) return 'emoticon-heart';
  if (emoticon === '-_-') return 'emoticon-annoyed';
  if (emoticon === 'D:' || /^[tT]_[tT]$/.test(emoticon)) return 'emoticon-cry';
  if (emoticon.startsWith('^')) return 'emoticon-smile';
  const face = emoticon.replace(/[-'^o]/g, '');
  const eyes = face[0];
  const mouth = face[face.length - 1];
  if (/[)(\][]/.test(eyes) && /[:;=]/.test(mouth)) {
    // Reversed faces: "(:" is happy, "):" is sad.
    return eyes === '(' || eyes === '[' ? 'emoticon-smile' : 'emoticon-sad';
  }
  if (emoticon.includes("'") && /[([{]/.test(mouth)) return 'emoticon-cry';
  switch (mouth) {
    case ')':
    case ']':
    case '}':
      return eyes === ';' ? 'emoticon-wink' : 'emoticon-smile';
    case 'D':
    case 'd':
      return 'emoticon-laugh';
    case 'p':
    case 'P':
      return 'emoticon-tongue';
    case '3':
    case '*':
      return 'emoticon-kiss';
    case '>':
      return 'emoticon-smile';
    case '(':
    case '[':
    case '{':
      return eyes === '>' ? 'emoticon-annoyed' : 'emoticon-sad';
    case '/':
    case '\\':
    case '|':
      return 'emoticon-skeptical';
    default:
      return null;
  }
}

const NEGATION_SCOPE = 3;
const NEGATION_FACTOR = -0.75;
const EMPHASIS_FACTOR = 1.3;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;

/**
 * First stage of the scorer: AFINN-165 + emoji (the `sentiment` package) for English, a
 * Portuguese AFINN translation registered with the same package, and the rules a plain word sum
 * misses: negation scope, intensifiers, contrast, emoticons, elongation, hashtags and laughter.
 *
 * The lexicons are the ones registered with `sentiment` (its own AFINN-165 and emoji tables for
 * English; Portuguese through `registerLanguage`), and the registered `scoringStrategy` applies
 * the same rules (`applyRules`) as this class. We tokenise ourselves, because the package's
 * tokenizer drops emoticons and cannot see elongation or camel-case hashtags, and run the
 * package's lookup loop over our tokens directly: handing it a re-joined string costs a second
 * tokenisation, about a third of the budget (a spec checks both paths give the same sum).
 */
export class LexiconAnalyzer {
  /** The `sentiment` instance our languages are registered with ('ouvidor-en', 'ouvidor-pt'). */
  readonly engine = new Sentiment();
  private readonly pieces: ScannedPieces = scratchPieces();
  private readonly tables: Record<LexiconLanguage, LexiconTables>;

  constructor() {
    this.tables = {
      en: this.register('ouvidor-en', afinnEnglish, ENGLISH_RESOURCES, vaderEnglish, inducedEnglish),
      pt: this.register('ouvidor-pt', afinnPortuguese, PORTUGUESE_RESOURCES, {}, {}),
    };
  }

  /** Language code under which a lexicon is registered with the `sentiment` package. */
  packageLanguage(language: LexiconLanguage): string {
    return this.tables[language].code;
  }

  /** Lexicon score of a word in a language (folded key), for tests and explanations. */
  wordScore(language: LexiconLanguage, word: string): number | undefined {
    return this.tables[language].info.get(foldText(word))?.score;
  }

  /** `pieces`: the post already split by `scanPost` (the enrichment pipeline scans once). */
  analyze(text: string, language: LexiconLanguage, pieces?: ScannedPieces): LexiconAnalysis {
    const tables = this.tables[language];
    let tokens: string[] = [];
    let infos: (TokenInfo | undefined)[] = [];
    let hashes: (TokenHashes | undefined)[] = [];
    let emphasisList: number[] = [];
    let inducedList: number[] = [];
    const foldedWords: string[] = [];
    let exclamations = 0;
    let questions = 0;
    let urls = 0;
    let mentions = 0;
    let hashtags = 0;
    let laughs = 0;
    let capsWords = 0;
    let words = 0;
    let phraseStarts = 0;
    let titleCaseWords = 0;

    pieces ??= scanPost(text, this.pieces);
    for (let p = 0; p < pieces.kinds.length; p++) {
      const kind = pieces.kinds[p];
      const value = pieces.values[p];
      if (kind === PieceKind.Word) {
        if (value.charCodeAt(0) === 35 /* # */) {
          hashtags++;
          for (const canonical of this.hashtagWords(tables, language, pieces.words[p] as ScannedWord)) {
            foldedWords.push(canonical.folded);
            tokens.push(canonical.token);
            hashes.push(canonical.hashes);
            infos.push(canonical.info);
            emphasisList.push(canonical.emphasis);
            inducedList.push(canonical.induced);
            if (canonical.token === LAUGH) laughs++;
            if (canonical.info && canonical.info.flags & PHRASE_START) phraseStarts++;
          }
          continue;
        }
        words++;
        const canonical = this.canonicalOf(tables, language, pieces.words[p] as ScannedWord);
        foldedWords.push(canonical.folded);
        let caps = 0;
        if (canonical.upper) {
          if (value.length >= 3) {
            capsWords++;
            caps = 2;
          }
        } else if (canonical.titleCase) {
          titleCaseWords++;
        }
        tokens.push(canonical.token);
        hashes.push(canonical.hashes);
        infos.push(canonical.info);
        emphasisList.push(canonical.emphasis | caps);
        inducedList.push(canonical.induced);
        if (canonical.token === LAUGH) laughs++;
        if (canonical.info && canonical.info.flags & PHRASE_START) phraseStarts++;
      } else if (kind === PieceKind.Punctuation) {
        for (let i = 0; i < value.length; i++) {
          const c = value.charCodeAt(i);
          if (c === 33) exclamations++;
          else if (c === 63) questions++;
        }
        if (tokens.length > 0 && tokens[tokens.length - 1] !== BOUNDARY) {
          tokens.push(BOUNDARY);
          hashes.push(undefined);
          infos.push(undefined);
          emphasisList.push(0);
          inducedList.push(0);
        }
      } else if (kind === PieceKind.Symbol) {
        const info = tables.info.get(value);
        if (info !== undefined && info.score !== undefined) {
          tokens.push(value);
          hashes.push(undefined);
          infos.push(info);
          emphasisList.push(0);
          inducedList.push(0);
        }
      } else if (kind === PieceKind.Emoticon) {
        const token = emoticonToken(value);
        if (token) {
          tokens.push(token);
          hashes.push(undefined);
          infos.push(tables.info.get(token));
          emphasisList.push(0);
          inducedList.push(0);
        }
      } else if (kind === PieceKind.Url) {
        urls++;
      } else {
        mentions++;
      }
    }

    if (phraseStarts > 0) {
      const joined = joinPhrases(tables, tokens, emphasisList, hashes);
      tokens = joined.tokens;
      emphasisList = joined.emphasis;
      infos = tokens.map((t) => tables.info.get(t));
      hashes = joined.hashes;
      inducedList = tokens.map((t) => tables.induced.get(t) ?? 0);
    }
    // Caps only signal shouting when the rest of the post is not in caps as well.
    const emphasisMask = capsWords > 0 && capsWords * 2 < words ? 3 : 1;

    const n = tokens.length;
    const negated = new Uint8Array(n);
    const hitIndex: number[] = [];
    const hitScore: number[] = [];
    let negations = 0;
    let contrasts = 0;
    let contrastAt = -1;
    let lastNegator = -10;
    let lastBoundary = -1;
    let emphasized = 0;
    let secondaryPositive = 0;
    let secondaryNegative = 0;
    let firstPerson = 0;
    let secondPerson = 0;
    for (let i = 0; i < n; i++) {
      const info = infos[i];
      if (info === undefined) {
        if (tokens[i] === BOUNDARY) {
          lastNegator = -10;
          lastBoundary = i;
        } else if (lastNegator >= 0) {
          negated[i] = 1;
        }
        continue;
      }
      const flags = info.flags;
      if (flags & CONTRAST) {
        contrasts++;
        contrastAt = i;
        lastNegator = -10;
        continue;
      }
      const inNegation = i - lastNegator <= NEGATION_SCOPE && (flags & SYMBOL) === 0;
      // The learned layer marks words up to the end of the clause (NRC-Canada's scope), the
      // lexicon rules only three tokens: a flipped score needs a closer negator than a feature.
      if (lastNegator >= 0 && (flags & SYMBOL) === 0) negated[i] = 1;
      if (flags & FIRST_PERSON) firstPerson++;
      else if (flags & SECOND_PERSON) secondPerson++;
      if (info.secondary !== undefined) {
        const s = inNegation ? info.secondary * NEGATION_FACTOR : info.secondary;
        if (s > 0) secondaryPositive += s;
        else secondaryNegative -= s;
      }
      if (flags & NEGATOR) {
        negations++;
        lastNegator = i;
      }
      if (info.score !== undefined) {
        const emphasis = (emphasisList[i] & emphasisMask) !== 0;
        if (emphasis) emphasized++;
        hitIndex.push(i);
        // Contrast is applied below, once the last "but" is known.
        hitScore.push(applyRules(infos, tokens, i, info.score, emphasis, -1));
      }
    }

    let positive = 0;
    let negative = 0;
    let positiveHits = 0;
    let negativeHits = 0;
    let maxPositive = 0;
    let maxNegative = 0;
    let emojiPositive = 0;
    let emojiNegative = 0;
    let lastClauseScore = 0;
    // A trailing boundary ("... great!") should not empty the last clause.
    let lastClauseStart = lastBoundary;
    if (lastBoundary === n - 1) {
      lastClauseStart = -1;
      for (let i = n - 2; i >= 0; i--) {
        if (tokens[i] === BOUNDARY) {
          lastClauseStart = i;
          break;
        }
      }
    }
    for (let h = 0; h < hitIndex.length; h++) {
      const index = hitIndex[h];
      let s = hitScore[h];
      if (contrastAt >= 0) s *= index < contrastAt ? CONTRAST_BEFORE : CONTRAST_AFTER;
      const isSymbol = ((infos[index] as TokenInfo).flags & SYMBOL) !== 0;
      if (s > 0) {
        positive += s;
        positiveHits++;
        if (s > maxPositive) maxPositive = s;
        if (isSymbol) emojiPositive++;
      } else if (s < 0) {
        negative -= s;
        negativeHits++;
        if (-s > maxNegative) maxNegative = -s;
        if (isSymbol) emojiNegative++;
      }
      if (index > lastClauseStart) lastClauseScore += s;
    }

    let inducedPositive = 0;
    let inducedNegative = 0;
    let inducedMax = 0;
    let inducedMin = 0;
    let inducedHits = 0;
    for (let i = 0; i < n; i++) {
      let v = inducedList[i];
      if (v === 0) continue;
      if (negated[i]) v *= NEGATION_FACTOR;
      inducedHits++;
      if (v > 0) {
        inducedPositive += v;
        if (v > inducedMax) inducedMax = v;
      } else {
        inducedNegative -= v;
        if (v < inducedMin) inducedMin = v;
      }
    }

    return {
      language,
      tokens,
      negated,
      hashes,
      foldedWords,
      total: positive - negative,
      positive,
      negative,
      positiveHits,
      negativeHits,
      maxPositive,
      maxNegative,
      lastClauseScore,
      emojiPositive,
      emojiNegative,
      exclamations,
      questions,
      urls,
      mentions,
      hashtags,
      emphasized,
      negations,
      contrasts,
      laughs,
      words,
      secondaryPositive,
      secondaryNegative,
      titleCaseWords,
      truncated: endsWithEllipsis(text),
      digits: DIGIT.test(text),
      firstPerson,
      secondPerson,
      inducedPositive,
      inducedNegative,
      inducedMax,
      inducedMin,
      inducedHits,
    };
  }

  private register(
    code: string,
    baseLabels: Record<string, number>,
    resources: SentimentLanguageResources,
    secondaryLabels: Record<string, number>,
    inducedLabels: Record<string, number>,
  ): LexiconTables {
    const labels: Record<string, number> = {};
    const phrases = new Map<string, { rest: string[]; joined: string }[]>();
    const addPhrase = (folded: string): string => {
      const parts = folded.split(/\s+/);
      const joined = parts.join('-');
      const list = phrases.get(parts[0]) ?? [];
      list.push({ rest: parts.slice(1), joined });
      // Longest phrase first, so "bom pra caralho" wins over "bom pra".
      list.sort((a, b) => b.rest.length - a.rest.length);
      phrases.set(parts[0], list);
      return joined;
    };
    const tokenFor = (key: string) => {
      const folded = foldText(key).trim();
      return folded.includes(' ') ? addPhrase(folded) : folded;
    };
    const addLabels = (source: Record<string, number>) => {
      for (const key of Object.keys(source)) {
        const token = tokenFor(key);
        if (token) labels[token] = source[key];
      }
    };
    addLabels(baseLabels);
    addLabels(EMOTICON_LABELS);
    addLabels({ [LAUGH]: 2 });
    addLabels(resources.extraLabels);

    const tables: LexiconTables = { code, labels, info: new Map(), induced: new Map(Object.entries(inducedLabels)), phrases };
    const infoFor = (token: string): TokenInfo => {
      let info = tables.info.get(token);
      if (!info) {
        info = { score: undefined, secondary: undefined, intensifier: undefined, postIntensifier: undefined, flags: 0 };
        tables.info.set(token, info);
      }
      return info;
    };
    for (const [k, v] of Object.entries(resources.intensifiers)) infoFor(tokenFor(k)).intensifier = v;
    for (const [k, v] of Object.entries(resources.postIntensifiers)) infoFor(tokenFor(k)).postIntensifier = v;
    for (const w of resources.negators) infoFor(w).flags |= NEGATOR;
    for (const w of resources.contrast) infoFor(w).flags |= CONTRAST;
    for (const w of resources.firstPerson) infoFor(w).flags |= FIRST_PERSON;
    for (const w of resources.secondPerson) infoFor(w).flags |= SECOND_PERSON;
    for (const [k, v] of Object.entries(secondaryLabels)) {
      const token = foldText(k);
      if (!token.includes(' ')) infoFor(token).secondary = v;
    }

    this.engine.registerLanguage(code, {
      labels,
      scoringStrategy: {
        apply: (tokens, cursor, score) => {
          const infos = tokens.map((t) => tables.info.get(t));
          return applyRules(infos, tokens, cursor, score, false, lastContrast(infos));
        },
      },
    });
    // registerLanguage merges the package's emoji table into `labels`: read scores after it.
    for (const token of Object.keys(labels)) {
      const info = infoFor(token);
      info.score = labels[token];
      if (!isWordToken(token)) info.flags |= SYMBOL;
    }
    for (const first of phrases.keys()) infoFor(first).flags |= PHRASE_START;
    return tables;
  }

  /** The canonical reading of a scanned word in a language, cached on the word. */
  private canonicalOf(tables: LexiconTables, language: LexiconLanguage, word: ScannedWord): CanonicalWord {
    let canonical = word[language];
    if (canonical === undefined) canonical = word[language] = this.canonical(tables, word.raw);
    return canonical;
  }

  /** The words of a hashtag ("#EpicFail" -> epic, fail), cached on the scanned hashtag. */
  private hashtagWords(tables: LexiconTables, language: LexiconLanguage, hashtag: ScannedWord): CanonicalWord[] {
    const key = language === 'en' ? 'enParts' : 'ptParts';
    let words = hashtag[key];
    if (words === undefined) {
      const tag = hashtag.raw.slice(1);
      const parts = LOWER.test(tag) && UPPER.test(tag) ? tag.split(CAMEL_SPLIT) : [tag];
      words = hashtag[key] = parts.map((part) => this.canonical(tables, part));
    }
    return words;
  }

  /** Maps a raw word to the form the lexicon knows, trying de-elongated and inflected variants. */
  private canonical(tables: LexiconTables, word: string): CanonicalWord {
    const hasUpper = UPPER.test(word);
    const hasLower = LOWER.test(word);
    let folded = foldText(word);
    if (folded.includes('’')) folded = folded.replace(/’/g, "'");
    const form = canonicalForm(tables, folded);
    return {
      hashes: computeTokenHashes(form.token),
      // Keyword rules see "amoooo" as "amo" and "socorrooo" as "socorro".
      folded: ELONGATED.test(folded) ? folded.replace(/(.)\1{2,}/g, '$1') : folded,
      token: form.token,
      info: tables.info.get(form.token),
      induced: tables.induced.get(form.token) ?? 0,
      emphasis: form.emphasis,
      upper: hasUpper && !hasLower,
      titleCase: hasUpper && hasLower && UPPER.test(word[0]) && LOWER.test(word[1] ?? ''),
    };
  }
}

function canonicalForm(tables: LexiconTables, folded: string): { token: string; emphasis: number } {
  const known = tables.info;
  if (known.has(folded)) return { token: folded, emphasis: 0 };
  if (LAUGH_PATTERN.test(folded)) return { token: LAUGH, emphasis: 0 };
  let emphasis = 0;
  let base = folded;
  if (ELONGATED.test(folded)) {
    emphasis = 1;
    const two = folded.replace(/(.)\1{2,}/g, '$1$1');
    if (known.has(two)) return { token: two, emphasis };
    const one = folded.replace(/(.)\1{2,}/g, '$1');
    if (known.has(one)) return { token: one, emphasis };
    if (LAUGH_PATTERN.test(one)) return { token: LAUGH, emphasis: 0 };
    base = two;
  }
  if (tables.code === 'ouvidor-pt') {
    const inflected = portugueseBaseForm(known, base);
    if (inflected) return { token: inflected.token, emphasis: emphasis | inflected.emphasis };
  }
  return { token: base, emphasis };
}

function joinPhrases(
  tables: LexiconTables,
  tokens: string[],
  emphasis: number[],
  hashes: (TokenHashes | undefined)[],
): { tokens: string[]; emphasis: number[]; hashes: (TokenHashes | undefined)[] } {
  const outTokens: string[] = [];
  const outEmphasis: number[] = [];
  const outHashes: (TokenHashes | undefined)[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const candidates = tables.phrases.get(tokens[i]);
    let matched: { rest: string[]; joined: string } | undefined;
    if (candidates) {
      for (const c of candidates) {
        let ok = i + c.rest.length < tokens.length;
        for (let j = 0; ok && j < c.rest.length; j++) ok = tokens[i + 1 + j] === c.rest[j];
        if (ok) {
          matched = c;
          break;
        }
      }
    }
    if (matched) {
      let e = 0;
      for (let j = 0; j <= matched.rest.length; j++) e |= emphasis[i + j];
      outTokens.push(matched.joined);
      outEmphasis.push(e);
      outHashes.push(undefined);
      i += matched.rest.length;
    } else {
      outTokens.push(tokens[i]);
      outEmphasis.push(emphasis[i]);
      outHashes.push(hashes[i]);
    }
  }
  return { tokens: outTokens, emphasis: outEmphasis, hashes: outHashes };
}

/** Ends with "..." or "…" (trailing spaces allowed): a truncated headline or teaser. */
function endsWithEllipsis(text: string): boolean {
  let end = text.length - 1;
  while (end >= 0 && text.charCodeAt(end) <= 32) end--;
  if (end < 0) return false;
  if (text.charCodeAt(end) === 0x2026) return true;
  return end >= 2 && text.charCodeAt(end) === 46 && text.charCodeAt(end - 1) === 46 && text.charCodeAt(end - 2) === 46;
}

function lastContrast(infos: (TokenInfo | undefined)[]): number {
  for (let i = infos.length - 1; i >= 0; i--) if (infos[i] && (infos[i] as TokenInfo).flags & CONTRAST) return i;
  return -1;
}

/**
 * Adjusts the lexicon score of tokens[cursor]: emphasis (elongation, capitals), an intensifier
 * before it or a Portuguese post-intensifier after it, negation within three tokens (never across
 * a clause boundary or a "but"), and the contrast weight when `contrastAt` is known.
 */
function applyRules(
  infos: (TokenInfo | undefined)[],
  tokens: string[],
  cursor: number,
  tokenScore: number,
  emphasized: boolean,
  contrastAt: number,
): number {
  let score = tokenScore;
  if (emphasized) score *= EMPHASIS_FACTOR;
  if (cursor > 0) {
    const before = infos[cursor - 1]?.intensifier;
    if (before !== undefined) {
      score *= before;
    } else if (cursor > 1 && tokens[cursor - 1] !== BOUNDARY) {
      // "really not bad", "muito mais bonito": a weaker effect one word further away.
      const further = infos[cursor - 2]?.intensifier;
      if (further !== undefined) score *= 1 + (further - 1) / 2;
    }
  }
  const after = infos[cursor + 1]?.postIntensifier;
  if (after !== undefined) score *= after;
  const self = infos[cursor];
  if (!self || (self.flags & SYMBOL) === 0) {
    for (let j = cursor - 1; j >= 0 && j >= cursor - NEGATION_SCOPE; j--) {
      if (tokens[j] === BOUNDARY) break;
      const flags = infos[j]?.flags ?? 0;
      if (flags & CONTRAST) break;
      if (flags & NEGATOR) {
        score *= NEGATION_FACTOR;
        break;
      }
    }
  }
  if (contrastAt >= 0) score *= cursor < contrastAt ? CONTRAST_BEFORE : CONTRAST_AFTER;
  return score;
}

function isWordToken(token: string): boolean {
  if (token.startsWith('emoticon-')) return false;
  const c = token.charCodeAt(0);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || (c >= 0xc0 && c < 0x2000);
}

/**
 * Portuguese inflection the translated lexicon lacks: plural and feminine forms, diminutives and
 * superlatives ("lindas", "lindinha", "lindíssimo" -> "lindo"). Only used when the word itself is
 * not in the lexicon.
 */
function portugueseBaseForm(known: { has(key: string): boolean }, word: string): { token: string; emphasis: number } | null {
  if (word.length < 4) return null;
  const tries: [string, number][] = [];
  if (word.endsWith('issimo') || word.endsWith('issima')) {
    const stem = word.slice(0, -6);
    tries.push([stem + 'o', 1], [stem + 'a', 1], [stem + 'e', 1], [stem + 'el', 1]);
  }
  if (word.endsWith('inho') || word.endsWith('inha') || word.endsWith('inhos') || word.endsWith('inhas')) {
    const stem = word.replace(/inh[oa]s?$/, '');
    tries.push([stem + 'o', 0], [stem + 'a', 0]);
  }
  if (word.endsWith('s')) tries.push([word.slice(0, -1), 0]);
  if (word.endsWith('as')) tries.push([word.slice(0, -2) + 'o', 0]);
  if (word.endsWith('a')) tries.push([word.slice(0, -1) + 'o', 0]);
  if (word.endsWith('oes')) tries.push([word.slice(0, -3) + 'ao', 0]);
  for (const [candidate, emphasis] of tries) {
    if (known.has(candidate)) return { token: candidate, emphasis };
  }
  return null;
}
