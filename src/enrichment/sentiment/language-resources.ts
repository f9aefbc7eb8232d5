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
  'muito', 'muita', 'muitos', 'muitas', 'mto', 'mt', 'mta', 'mtos', 'mtas', 'mt', 'super', 'mega',
  'hiper', 'ultra', 'bem', 'tao', 'extremamente', 'totalmente', 'completamente', 'absolutamente',
  'bastante', 'incrivelmente', 'realmente', 'mo', 'sumamente', 'demasiado', 'tremendamente',
  'profundamente', 'mais', 'mo',
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
  extraLabels: {},
};

export const PORTUGUESE_RESOURCES: SentimentLanguageResources = {
  negators: ['nao', 'nunca', 'jamais', 'nem', 'nenhum', 'nenhuma', 'nada', 'ninguem', 'sem', 'n', 'naum', 'nao'],
  intensifiers: ptIntensifiers,
  postIntensifiers: { demais: BOOST, 'pra-caramba': BOOST, 'pra-caralho': BOOST, pacas: BOOST },
  contrast: ['mas', 'porem', 'entretanto', 'contudo', 'todavia', 'embora'],
  firstPerson: ['eu', 'meu', 'minha', 'meus', 'minhas', 'mim', 'comigo', 'nosso', 'nossa', 'to', 'tou'],
  secondPerson: ['voce', 'vc', 'voces', 'vcs', 'tu', 'teu', 'tua', 'contigo', 'ce'],
  extraLabels: {},
};
