import { eng, por } from 'stopword';

/**
 * Key phrases of a mention (issue #19): its hashtags, and runs of one to three content words.
 *
 * - Folding: Unicode NFD with the combining marks removed, then lower case: "Cartão" = "cartao".
 * - Stop words: the `stopword` package's Portuguese and English lists (folded), plus a few words of
 *   social posts that name nothing (rt, vc, pra…). Handles (@x), links and numbers are never words.
 * - A phrase is one to three content words in a row; one stop word may sit between two of them
 *   ("fora do ar", "segunda via da fatura"), never at an end.
 * - Variants share one key: each word is reduced to its singular by the plural endings of the
 *   mention's language (pt: cartões → cartao; en: fees → fee, replies → reply), so "cartão bloqueado" and "cartões bloqueados"
 *   count together. The key is what the API shows and what `GET /mentions?phrase=` matches.
 * - At most MAX_PHRASES_PER_MENTION per mention (hashtags first, then in reading order), each once.
 */
export const MAX_PHRASES_PER_MENTION = 32;
const MAX_WORDS = 3;
const MIN_WORD_LENGTH = 2;
const MAX_WORD_LENGTH = 40;

/** Lower case without accents: what every comparison of phrases uses. */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * Words the package's short lists (about 100 each) leave out that name nothing in a social post:
 * common verbs and adverbs, and chat spellings.
 */
const SOCIAL_STOP_WORDS = [
  ...['rt', 'vc', 'vcs', 'voce', 'voces', 'pra', 'pro', 'ta', 'q', 'tb', 'tbm', 'ai', 'ja', 'so', 'la', 'aqui', 'ali', 'ainda'],
  ...['foi', 'sao', 'ser', 'ter', 'tem', 'tinha', 'vai', 'vou', 'estou', 'esta', 'estao', 'isso', 'esse', 'essa', 'isto', 'hoje'],
  ...['agora', 'quando', 'onde', 'como', 'porque', 'pq', 'pois', 'entao', 'tambem', 'sobre', 'ate', 'sempre', 'nunca', 'faz'],
  ...['alguem', 'algum', 'alguma', 'cada', 'coisa', 'sei', 'acho', 'fazer', 'todo', 'toda', 'todos', 'tudo', 'nada', 'vez'],
  ...['im', 'dont', 'doesnt', 'didnt', 'cant', 'wont', 'ive', 'get', 'got', 'when', 'where', 'what', 'why', 'how', 'who', 'just'],
  ...['also', 'can', 'will', 'would', 'could', 'should', 'really', 'still', 'now', 'today', 'even', 'much', 'very', 'one', 'like'],
  ...['keep', 'keeps', 'make', 'every', 'ever', 'know', 'think', 'going', 'want', 'need', 'anyone', 'something', 'thing', 'lol'],
];
const STOP_WORDS: ReadonlySet<string> = new Set([...por, ...eng, ...SOCIAL_STOP_WORDS].map(foldText));

export function isStopWord(folded: string): boolean {
  return STOP_WORDS.has(folded);
}

/**
 * A word's singular by the plural endings of its language (pt or en; others: a final s), on folded
 * words of four letters or more. Rules, not a dictionary: an irregular plural stays apart.
 */
export function singular(word: string, lang: string): string {
  if (word.length <= 3 || /(ss|us)$/.test(word)) return word;
  if (lang === 'pt') {
    if (/[oa]es$/.test(word)) return `${word.slice(0, -3)}ao`;
    if (word.endsWith('ais')) return `${word.slice(0, -3)}al`;
    if (word.endsWith('eis') && word.length > 4) return `${word.slice(0, -3)}el`;
    if (word.endsWith('ns')) return `${word.slice(0, -2)}m`;
    if (/[rz]es$/.test(word)) return word.slice(0, -2);
  } else if (lang === 'en') {
    if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
    if (/(ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  }
  return word.endsWith('s') && !word.endsWith('is') ? word.slice(0, -1) : word;
}

const TOKEN = /(https?:\/\/\S+|www\.\S+)|([@#])([\p{L}\p{N}_]+)|([\p{L}\p{N}]+)/gu;

interface Word {
  key: string;
  content: boolean;
}

/** The distinct key phrases of one text, hashtags first, at most MAX_PHRASES_PER_MENTION. */
export function extractPhrases(text: string, lang = 'und'): string[] {
  const folded = foldText(text);
  const hashtags: string[] = [];
  const words: Word[] = [];
  const breakRun = () => {
    if (words.length && words[words.length - 1].key !== '') words.push({ key: '', content: false });
  };
  for (const m of folded.matchAll(TOKEN)) {
    if (m[1]) {
      breakRun();
      continue;
    }
    if (m[2] === '#') {
      const tag = m[3].replace(/_/g, '');
      if (tag.length >= MIN_WORD_LENGTH && tag.length <= MAX_WORD_LENGTH && !/^\d+$/.test(tag)) hashtags.push(`#${tag}`);
      breakRun();
      continue;
    }
    if (m[2] === '@') {
      breakRun();
      continue;
    }
    const w = m[4];
    if (/^\d+$/.test(w) || w.length > MAX_WORD_LENGTH) {
      breakRun();
      continue;
    }
    const stop = w.length < MIN_WORD_LENGTH || STOP_WORDS.has(w);
    words.push({ key: stop ? w : singular(w, lang), content: !stop });
  }

  const out = new Set<string>(hashtags);
  for (let i = 0; i < words.length && out.size < MAX_PHRASES_PER_MENTION; i++) {
    if (!words[i].content) continue;
    let phrase = words[i].key;
    out.add(phrase);
    let at = i;
    for (let n = 2; n <= MAX_WORDS; n++) {
      const next = nextContent(words, at);
      if (next < 0) break;
      phrase = [phrase, ...words.slice(at + 1, next + 1).map((w) => w.key)].join(' ');
      out.add(phrase);
      at = next;
    }
  }
  return [...out].slice(0, MAX_PHRASES_PER_MENTION);
}

/** The content word after `at` with at most one stop word between; -1 when the run ends. */
function nextContent(words: Word[], at: number): number {
  const a = words[at + 1];
  if (!a || a.key === '') return -1;
  if (a.content) return at + 1;
  const b = words[at + 2];
  return b && b.content ? at + 2 : -1;
}

const ACCENTED: Record<string, string> = {
  a: '[aáàâãä]',
  e: '[eéèêë]',
  i: '[iíìîï]',
  o: '[oóòôõö]',
  u: '[uúùûü]',
  c: '[cç]',
  n: '[nñ]',
  y: '[yý]',
};
const LETTERS = 'a-z0-9\\u00C0-\\u024F';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const accentTolerant = (s: string) => [...s].map((ch) => ACCENTED[ch] ?? escape(ch)).join('');

/** A folded word and the surface forms `singular` maps to it (accents and plurals). */
function wordPattern(key: string): string {
  const ends: [RegExp, string][] = [
    [/ao$/, '(?:ao|oes|aes|aos)'],
    [/al$/, '(?:al|ais)'],
    [/el$/, '(?:el|eis)'],
    [/m$/, '(?:m|ns)'],
    [/y$/, '(?:y|ies|ys)'],
  ];
  for (const [re, alt] of ends) {
    if (key.length > 3 && re.test(key)) {
      const stem = key.replace(re, '');
      return accentTolerant(stem) + alt.replace(/[a-z]+/g, (w) => accentTolerant(w));
    }
  }
  return `${accentTolerant(key)}(?:e?s)?`;
}

/**
 * A regular expression source (case-insensitive use) matching a phrase key in raw text: accents and
 * plurals as `extractPhrases` folds them, words separated by anything that is not a letter. Built
 * only from escaped characters of the key, so a user's input can never inject a pattern.
 */
export function phrasePattern(key: string): string {
  const k = foldText(key).trim();
  if (k.startsWith('#')) return `#${accentTolerant(k.slice(1))}(?![${LETTERS}_])`;
  const words = k.split(/\s+/).filter(Boolean);
  const body = words.map((w) => wordPattern(w)).join(`[^${LETTERS}]+`);
  return `(?<![${LETTERS}])${body}(?![${LETTERS}])`;
}
