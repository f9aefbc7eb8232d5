/**
 * Word lists that shape lexicon scores in each language we score natively (English and
 * Brazilian Portuguese). All entries are folded (lower case, no accents), like the tokens
 * they are compared with.
 */
export interface SentimentLanguageResources {
  /** Words that flip the polarity of a sentiment word up to three tokens after them. */
  negators: readonly string[];
  /** Words that strengthen (> 1) or soften (< 1) the sentiment word right after them. */
  intensifiers: Readonly<Record<string, number>>;
  /** Words that strengthen the sentiment word right before them ("lindo demais"). */
  postIntensifiers: Readonly<Record<string, number>>;
  /** "but"-like words: the clause after them outweighs the clause before. */
  contrast: readonly string[];
  /** Pronouns of the writer and of the reader: personal posts carry opinions more often. */
  firstPerson: readonly string[];
  secondPerson: readonly string[];
  /** Extra lexicon entries (tweet slang) on top of the base list; folded keys. */
  extraLabels: Readonly<Record<string, number>>;
}

const BOOST = 1.3;
const SOFTEN = 0.7;

const enIntensifiers: Record<string, number> = {};
for (const w of [
  'absolutely', 'amazingly', 'awfully', 'completely', 'deeply', 'effing', 'enormously', 'entirely',
  'especially', 'exceptionally', 'extremely', 'fabulously', 'freaking', 'fricking', 'friggin',
  'fully', 'fucking', 'greatly', 'hella', 'highly', 'hugely', 'incredibly', 'intensely', 'majorly',
  'most', 'particularly', 'purely', 'quite', 'really', 'remarkably', 'so', 'soo', 'substantially',
  'super', 'thoroughly', 'too', 'totally', 'tremendously', 'truly', 'uber', 'unbelievably',
  'unusually', 'utterly', 'very', 'mega', 'way',
]) {
  enIntensifiers[w] = BOOST;
}
for (const w of [
  'almost', 'barely', 'hardly', 'kinda', 'kindof', 'less', 'little', 'marginally', 'occasionally',
  'partly', 'scarcely', 'slightly', 'somewhat', 'sorta', 'bit',
]) {
  enIntensifiers[w] = SOFTEN;
}

const ptIntensifiers: Record<string, number> = {};
for (const w of [
  'muito', 'muita', 'muitos', 'muitas', 'mto', 'mt', 'mta', 'mtos', 'mtas', 'super', 'mega',
  'hiper', 'ultra', 'bem', 'tao', 'extremamente', 'totalmente', 'completamente', 'absolutamente',
  'bastante', 'incrivelmente', 'realmente', 'mo', 'sumamente', 'demasiado', 'tremendamente',
  'profundamente', 'mais',
]) {
  ptIntensifiers[w] = BOOST;
}
for (const w of ['pouco', 'meio', 'quase', 'levemente', 'ligeiramente', 'meia', 'razoavelmente']) {
  ptIntensifiers[w] = SOFTEN;
}

export const ENGLISH_RESOURCES: SentimentLanguageResources = {
  negators: [
    'not', 'no', 'never', 'dont', "don't", 'doesnt', "doesn't", 'didnt', "didn't", 'isnt', "isn't",
    'wasnt', "wasn't", 'arent', "aren't", 'werent', "weren't", 'cant', "can't", 'cannot', 'couldnt',
    "couldn't", 'wont', "won't", 'wouldnt', "wouldn't", 'shouldnt', "shouldn't", 'havent',
    "haven't", 'hasnt', "hasn't", 'hadnt', "hadn't", 'aint', "ain't", 'nothing', 'nobody', 'none',
    'neither', 'nor', 'without', 'non', 'mustnt', "mustn't", 'neednt', "needn't",
  ],
  intensifiers: enIntensifiers,
  postIntensifiers: {},
  contrast: ['but', 'however', 'although', 'though', 'yet'],
  firstPerson: ['i', 'me', 'my', 'mine', 'myself', "i'm", 'im', "i've", "i'd", "i'll", 'we', 'us', 'our'],
  secondPerson: ['you', 'your', 'yours', 'u', 'ur', "you're", 'youre', 'ya'],
  // Customer-care words AFINN-165 lacks.
  extraLabels: {
    slow: -2, laggy: -2, lagging: -2, buggy: -2, crashed: -2, crashes: -2, crashing: -2, glitch: -2,
    glitchy: -2, unusable: -3, unresponsive: -2, overcharged: -2, scammed: -3,
  },
};

export const PORTUGUESE_RESOURCES: SentimentLanguageResources = {
  negators: ['nao', 'nunca', 'jamais', 'nem', 'nenhum', 'nenhuma', 'nada', 'ninguem', 'sem', 'n', 'naum'],
  intensifiers: ptIntensifiers,
  postIntensifiers: { demais: BOOST, 'pra-caramba': BOOST, 'pra-caralho': BOOST, pacas: BOOST },
  contrast: ['mas', 'porem', 'entretanto', 'contudo', 'todavia', 'embora'],
  firstPerson: ['eu', 'meu', 'minha', 'meus', 'minhas', 'mim', 'comigo', 'nosso', 'nossa', 'to', 'tou'],
  secondPerson: ['voce', 'vc', 'voces', 'vcs', 'tu', 'teu', 'tua', 'contigo', 'ce'],
  /**
   * Brazilian words the translated AFINN lacks or scores as European Portuguese would (it has
   * "mau" for "bad" but not "ruim", nor "péssimo", "amei", "top"), plus customer-care words.
   * Masculine singular forms: feminine and plural forms are found by portugueseBaseForm.
   */
  extraLabels: {
    amo: 3, amei: 3, adoro: 3, adorei: 3, gostei: 2, curti: 2, curtindo: 2, top: 2, lindo: 3,
    perfeito: 3, incrivel: 3, sensacional: 3, maravilha: 3, arrasou: 3, arrasando: 3, feliz: 3,
    recomendo: 2, obrigado: 2, valeu: 2, parabens: 3, eficiente: 2, resolveram: 2, resolveu: 2,
    atencioso: 2, educado: 2, gentil: 2, fofo: 2, divertido: 2, engracado: 2, orgulho: 2,
    ruim: -3, pessimo: -3, horrivel: -3, lento: -2, demorado: -2, demorou: -1, travou: -2,
    travando: -2, travado: -2, quebrado: -2, descaso: -3, palhacada: -3, lamentavel: -3,
    ridiculo: -3, nojento: -3, nojo: -3, odeio: -3, odiei: -3, detesto: -3, raiva: -3,
    chateado: -2, irritado: -2, decepcionado: -2, decepcao: -2, merda: -3, porra: -2, droga: -2,
    aff: -2, affs: -2, pqp: -2, mentira: -2, enganado: -3, atrasou: -2, feio: -2, chato: -2,
    idiota: -3, porcaria: -3, bosta: -3, lixo: -3, vergonhoso: -3, absurdo: -3,
  },
};
