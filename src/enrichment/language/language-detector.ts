import { Inject, Injectable, Optional } from '@nestjs/common';
import { detectAll } from 'tinyld';
import { PieceKind, ScannedPieces, ScannedWord, scanPost, scratchPieces } from '../text/post-scanner';

/** Languages tinyld may answer with when the cheap detector is unsure (the ones our users post in). */
export const DEFAULT_DETECTION_LANGUAGES = ['en', 'pt', 'es', 'fr', 'de', 'it'] as const;

export interface LanguageDecision {
  lang: string;
  method: 'function-words' | 'platform' | 'tinyld' | 'too-short';
}

/** Injection token for LanguageDetectorOptions (optional). */
export const LANGUAGE_DETECTOR_OPTIONS = Symbol('LANGUAGE_DETECTOR_OPTIONS');

export interface LanguageDetectorOptions {
  /** ISO-639-1 codes tinyld is restricted to. */
  languages?: readonly string[];
  /**
   * Below this many letters (links, mentions and hashtags removed) tinyld is not asked: it is
   * unreliable on so little text, and sentiment for an 'und' post averages both languages anyway.
   */
  minLetters?: number;
  /** tinyld's accuracy below which its answer is not trusted. */
  minAccuracy?: number;
}

/**
 * Function words that are frequent in one language and rare in the other, compared with the
 * lower-cased post; Portuguese ones with and without accents ("não", "nao"), as tweets drop them.
 * Words both languages use ("a", "no", "me", "do", "as", "so", folded "tô" = "to") are left out.
 */
const ENGLISH_WORDS = new Set(
  `the and is are was were be been this that these those it it's its i'm i've you're don't
  can't isn't what who when where why how which with for from of to in on at by about into
  have has had does did will would should could can just not but or if than then there
  their they them he she his her him we our us my your you all any some more most very
  really get got like love good great thanks thank please help because after before also
  only still even much many new now today tomorrow yesterday here out up an so i im u ur lol
  omg gonna wanna gotta someone anyone everyone something nothing everything night week
  watch watching tonight game show time year people`.split(/\s+/),
);
const PORTUGUESE_WORDS = new Set(
  `o os um uma uns umas de da dos das em na nas num numa pra pro para por pelo pela
  pelos pelas com sem que nao não sim mais muito muita muitos muitas mas tambem ja ainda
  isso isto esse essa esses essas este esta estes estas aquele aquela ele ela eles elas
  eu voce vc voces vcs meu minha seu sua nosso nossa ao aos esta estao estou sou somos
  foi ser ter tem tinha fazer faz fez vai vou vamos pode posso quero gente aqui agora
  hoje ontem amanha quando como onde porque porquê qual quem obrigado obrigada ajuda
  atendimento cartao conta tudo nada nunca sempre bem bom boa ruim pior melhor mesmo so
  ta tá tô ne né q eh hj vc pq pqp mt mto tb tbm td nd oq cade gente entao ate apos
  tava ficar fica ficou sao são está estão você vocês é até já também então muito meio cara
  mano vei véi mds nossa deus alguém alguem deste desse dessa neste nesse nessa nisso disso
  daqui ai aí lá cadê bora vamo assistir programa noite hoje semana ano gente pessoal povo
  coisa nome vez vida mãe pai mulher homem casa tô quase lindo linda demais todo toda todos
  mundo contra oi fim rindo manda comida perdi assim tanto depois antes prazo dia dias hora
  horas tarde amanhã amanha também tambem melhor pior nada tudo`.split(/\s+/),
);
/** Spanish function words: a post with several of them is left to tinyld, not called Portuguese. */
const SPANISH_WORDS = new Set('el los las y muy pero es del una está están qué cómo también hoy'.split(' '));
// Folded "só" is English "so", and "e" (and) is too short to tell anything.
ENGLISH_WORDS.delete('so');
PORTUGUESE_WORDS.delete('so');

const NOISE = /https?:\/\/\S+|www\.\S+|[@#][\p{L}\p{N}_]+/gu;
const LETTER = /\p{L}/gu;
/** Letters and words only Portuguese writes: ã õ ç â ê ô, "é", laughs written "kkkk" or "rsrs". */
const PORTUGUESE_MARKS = /[ãõçâêô]|^é$|^k{4,}|^(?:rs){2,}/;
/** Word endings one language has and the other hardly ever does (gerunds, -ção, -ing, -ly). */
const PORTUGUESE_ENDINGS = byLastChar([
  'ção',
  'cao',
  'ções',
  'coes',
  'ando',
  'endo',
  'indo',
  'inho',
  'inha',
  'inhos',
  'inhas',
  'mente',
  'íssimo',
  'issimo',
  'íssima',
  'issima',
]);
const ENGLISH_ENDINGS = byLastChar(['ing', 'ings', 'ed', 'ly', "'s", "n't", 'ness', 'ful']);
/** Codes X uses for "no language" (media only, hashtags only, ...). */
const NOT_A_LANGUAGE = new Set(['und', 'qme', 'qht', 'qam', 'qct', 'qst', 'zxx', 'art']);

/**
 * Step 1 of enrichment: which language a post is in.
 *
 * tinyld answers well but at ~3,000-4,000 tweets a second (measured here), far below our 50,000
 * a second budget for the whole enrichment. Almost every English or Portuguese post has a few of
 * the function words or word endings above, so counting them settles those at once. When the count
 * is unsure, the platform's `lang` decides; without one, a single telling word still decides; only
 * then does tinyld (restricted to the languages we care about) run, and not on posts too short
 * for it to judge.
 */
@Injectable()
export class LanguageDetector {
  private readonly languages: string[];
  private readonly minLetters: number;
  private readonly minAccuracy: number;
  private readonly scratch: ScannedPieces = scratchPieces();

  constructor(@Optional() @Inject(LANGUAGE_DETECTOR_OPTIONS) options: LanguageDetectorOptions | null = {}) {
    options ??= {};
    this.languages = [...(options.languages ?? DEFAULT_DETECTION_LANGUAGES)];
    this.minLetters = options.minLetters ?? 30;
    this.minAccuracy = options.minAccuracy ?? 0.5;
  }

  /** ISO-639-1 code ('en', 'pt', …) or 'und'. */
  detect(text: string, platformLang?: string | null): string {
    return this.detectWithMethod(text, platformLang).lang;
  }

  /** The language and which step decided it (benchmarks report how often tinyld is needed). */
  detectWithMethod(text: string, platformLang?: string | null): LanguageDecision {
    return this.detectScanned(text, scanPost(text, this.scratch), platformLang);
  }

  /** Same as detectWithMethod, for a post the caller already split with `scanPost`. */
  detectScanned(text: string, pieces: ScannedPieces, platformLang?: string | null): LanguageDecision {
    const counted = this.countFunctionWords(pieces);
    if (counted === 'en' || counted === 'pt') return { lang: counted, method: 'function-words' };
    const platform = normalisePlatformLang(platformLang);
    if (platform) return { lang: platform, method: 'platform' };
    if (counted) return { lang: counted === 'en?' ? 'en' : 'pt', method: 'function-words' };

    const content = text.replace(NOISE, ' ');
    const letters = content.match(LETTER)?.length ?? 0;
    if (letters < this.minLetters) return { lang: 'und', method: 'too-short' };
    const best = detectAll(content, { only: this.languages })[0];
    if (!best || best.accuracy < this.minAccuracy) return { lang: 'und', method: 'tinyld' };
    return { lang: best.lang, method: 'tinyld' };
  }

  /** 'en' / 'pt' when the count is clear, 'en?' / 'pt?' when one word decides it, else null. */
  private countFunctionWords(pieces: ScannedPieces): 'en' | 'pt' | 'en?' | 'pt?' | null {
    let en = 0;
    let pt = 0;
    let es = 0;
    let marked = false;
    const { kinds, values } = pieces;
    for (let p = 0; p < kinds.length; p++) {
      // Mentions, hashtags and links name things; they say nothing about the language.
      if (kinds[p] !== PieceKind.Word || values[p].charCodeAt(0) === 35) continue;
      const entry = pieces.words[p] as ScannedWord;
      let cls = entry.languageClass;
      if (cls < 0) cls = entry.languageClass = classifyWord(entry.raw);
      if (cls & SPANISH) es++;
      if (cls & ENGLISH) en++;
      else if (cls & PORTUGUESE) pt++;
      if (cls & PORTUGUESE_MARK) marked = true;
    }
    if (marked) pt += 2;
    if (es >= 2 && es >= pt) return null;
    if (pt >= 2 && pt > en + 1) return 'pt';
    if (en >= 2 && en > pt + 1) return 'en';
    if (pt > en) return 'pt?';
    if (en > pt) return 'en?';
    return null;
  }
}

const ENGLISH = 1;
const PORTUGUESE = 2;
const SPANISH = 4;
const PORTUGUESE_MARK = 8;

/** What one word says about the language, as bits (cached on the scanned word). */
function classifyWord(word: string): number {
  let lower = word.toLowerCase();
  if (lower.includes('’')) lower = lower.replace(/’/g, "'");
  let cls = 0;
  if (SPANISH_WORDS.has(lower)) cls |= SPANISH;
  if (ENGLISH_WORDS.has(lower)) cls |= ENGLISH;
  else if (PORTUGUESE_WORDS.has(lower)) cls |= PORTUGUESE;
  else if (lower.length > 4) {
    if (hasEnding(lower, PORTUGUESE_ENDINGS)) cls |= PORTUGUESE;
    else if (hasEnding(lower, ENGLISH_ENDINGS)) cls |= ENGLISH;
  }
  if (PORTUGUESE_MARKS.test(lower)) cls |= PORTUGUESE_MARK;
  return cls;
}

function hasEnding(word: string, endings: ReadonlyMap<number, readonly string[]>): boolean {
  const candidates = endings.get(word.charCodeAt(word.length - 1));
  if (candidates === undefined) return false;
  for (const e of candidates) if (word.endsWith(e)) return true;
  return false;
}

/** Endings grouped by their last character, so most words are rejected by one lookup. */
function byLastChar(endings: readonly string[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const e of endings) {
    const key = e.charCodeAt(e.length - 1);
    map.set(key, [...(map.get(key) ?? []), e]);
  }
  return map;
}

/** X's `lang` ("en", "pt", "pt-BR", "und", "qme", …) as an ISO-639-1 code, or null. */
export function normalisePlatformLang(lang?: string | null): string | null {
  if (!lang) return null;
  const code = lang.trim().toLowerCase();
  if (!code || NOT_A_LANGUAGE.has(code)) return null;
  const primary = code.split(/[-_]/)[0];
  if (!/^[a-z]{2,3}$/.test(primary)) return null;
  // Old codes some platforms still send.
  if (primary === 'in') return 'id';
  if (primary === 'iw') return 'he';
  return primary;
}
