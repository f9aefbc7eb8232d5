import { Inject, Injectable, Optional } from '@nestjs/common';
import { detectAll } from 'tinyld';

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
  /** Below this many letters (links, mentions and hashtags removed) detection is not attempted. */
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
  only still even much many new now today tomorrow yesterday here out up an so`.split(/\s+/),
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
  mano vei véi mds nossa deus`.split(/\s+/),
);
// Folded "só" is English "so", and "e" (and) is too short to tell anything.
ENGLISH_WORDS.delete('so');
PORTUGUESE_WORDS.delete('so');

const WORD = /[a-z\u00c0-\u024f']+/g;
const NOISE = /https?:\/\/\S+|www\.\S+|[@#][\p{L}\p{N}_]+/gu;
const LETTER = /\p{L}/gu;
const PORTUGUESE_MARKS = /[ãõç]|(?:^|\s)é(?:\s|$)|k{4,}|(?:rs){2,}/;
/** Word endings one language has and the other hardly ever does (gerunds, -ção, -ing, -ly). */
const PORTUGUESE_ENDING = /(?:[cç][aã]o|[cç][oõ]es|ando|endo|indo|inh[oa]s?|mente|issim[oa])$/;
const ENGLISH_ENDING = /(?:ing|ings|ed|ly|'s|n't|ness|ful)$/;
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

  constructor(@Optional() @Inject(LANGUAGE_DETECTOR_OPTIONS) options: LanguageDetectorOptions | null = {}) {
    options ??= {};
    this.languages = [...(options.languages ?? DEFAULT_DETECTION_LANGUAGES)];
    this.minLetters = options.minLetters ?? 12;
    this.minAccuracy = options.minAccuracy ?? 0.5;
  }

  /** ISO-639-1 code ('en', 'pt', …) or 'und'. */
  detect(text: string, platformLang?: string | null): string {
    return this.detectWithMethod(text, platformLang).lang;
  }

  /** The language and which step decided it (benchmarks report how often tinyld is needed). */
  detectWithMethod(text: string, platformLang?: string | null): LanguageDecision {
    const counted = this.countFunctionWords(text.toLowerCase());
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
  private countFunctionWords(lower: string): 'en' | 'pt' | 'en?' | 'pt?' | null {
    let en = 0;
    let pt = 0;
    WORD.lastIndex = 0;
    let m: RegExpExecArray | null;
    const plain = lower.replace(NOISE, ' ');
    while ((m = WORD.exec(plain)) !== null) {
      const w = m[0];
      if (ENGLISH_WORDS.has(w)) en++;
      else if (PORTUGUESE_WORDS.has(w)) pt++;
      else if (w.length > 4) {
        if (PORTUGUESE_ENDING.test(w)) pt++;
        else if (ENGLISH_ENDING.test(w)) en++;
      }
    }
    if (PORTUGUESE_MARKS.test(plain)) pt += 2;
    if (pt >= 2 && pt > en + 1) return 'pt';
    if (en >= 2 && en > pt + 1) return 'en';
    if (pt > en) return 'pt?';
    if (en > pt) return 'en?';
    return null;
  }
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
