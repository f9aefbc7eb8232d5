import { Intent, SentimentLabel } from './enrichment.types';

/**
 * Hand-labelled posts (customer-care register, English and Brazilian Portuguese) pinned by
 * enrichment.service.spec.ts: what a support lead would call each post's sentiment and intent.
 * [text, platform lang, sentiment, intent].
 */
export type LabelledPost = [text: string, platformLang: string | null, sentiment: SentimentLabel, intent: Intent];

export const ENGLISH_POSTS: LabelledPost[] = [
  // praise
  [
    'Just want to say thank you to @AcmeBank, the support team sorted everything in 5 minutes. Amazing service!',
    'en',
    'positive',
    'praise',
  ],
  ['Loving the new app update, so much faster 😍', 'en', 'positive', 'praise'],
  ['@AcmeTelecom best customer service I have had in years, well done!', 'en', 'positive', 'praise'],
  ['Highly recommend @ShopCo, fast delivery and great prices', 'en', 'positive', 'praise'],
  ['Got my refund today, thanks for sorting it out so quickly!', 'en', 'positive', 'praise'],
  // complaints
  ['Worst customer service ever. Been on hold for 2 hours @AcmeTelecom', 'en', 'negative', 'complaint'],
  ['@ShopCo my package never arrived and nobody answers. Unacceptable.', 'en', 'negative', 'complaint'],
  ['I was charged twice for the same order and I want my money back', 'en', 'negative', 'complaint'],
  ['So disappointed with @AcmeBank, third time this month the app fails', 'en', 'negative', 'complaint'],
  ['@AirlineX you lost my luggage and now you ignore me. Never again.', 'en', 'negative', 'complaint'],
  ['WORST. APP. EVER.', 'en', 'negative', 'complaint'],
  // support requests: negative even when the words are polite
  ['my card was blocked, please help', 'en', 'negative', 'support'],
  ['@AcmeBank I cannot access my account since yesterday, can you help?', 'en', 'negative', 'support'],
  ['Hi @AcmeTelecom, my internet is not working in Recife, any update?', 'en', 'negative', 'support'],
  ['Forgot my password and the reset email never comes', 'en', 'negative', 'support'],
  ['please help, my account was hacked and money is missing', 'en', 'negative', 'support'],
  ['Another outage?? 😡😡', 'en', 'negative', 'support'],
  // questions without emotion: neutral
  ['Does the Acme app work on Android tablets?', 'en', 'neutral', 'question'],
  ['What time does the store on Main Street open on Sundays?', 'en', 'neutral', 'question'],
  ['Is there a way to change the language of the app?', 'en', 'neutral', 'question'],
  ['When will the new card design be available?', 'en', 'neutral', 'question'],
  // purchase intent
  ['How much is the premium plan for a family of four?', 'en', 'neutral', 'lead'],
  ['I am interested in your business account, can someone send me a quote?', 'en', 'neutral', 'lead'],
  ['Where can I buy the new Acme headphones in Lisbon?', 'en', 'neutral', 'lead'],
  ['What are the prices of the new plans?', 'en', 'neutral', 'lead'],
  // neutral chatter
  ['Watching the game at home tonight with my brother', 'en', 'neutral', 'other'],
  ['Acme announces quarterly results on Thursday', 'en', 'neutral', 'other'],
  ['New store opening at the mall next week', 'en', 'neutral', 'other'],
  // negation
  ['The new update is not bad at all', 'en', 'positive', 'other'],
  ["I don't like the new interface", 'en', 'negative', 'other'],
  ['This is not good enough, @AcmeBank', 'en', 'negative', 'other'],
  // contrast: the clause after "but" weighs more
  ['The staff were friendly but the wait was awful', 'en', 'negative', 'other'],
  ['The app crashed twice but support fixed it quickly, great job', 'en', 'positive', 'praise'],
  // emoji, emoticons, elongation, hashtags
  ['@ShopCo delivery arrived early 🎉🎉', 'en', 'positive', 'other'],
  // A problem report without a "help" word still needs an answer, so it is labelled support.
  ['Still no signal at home :(', 'en', 'negative', 'support'],
  ['Sooooo happy with my new phone!!!', 'en', 'positive', 'praise'],
  ['Third dropped call today #fail #AcmeTelecom', 'en', 'negative', 'other'],
  ['#LoveIt the new store layout is great', 'en', 'positive', 'praise'],
  ['Great news, the store is open again :)', 'en', 'positive', 'other'],
  ['lol the delivery guy left my parcel with the neighbour cat', 'en', 'positive', 'other'],
];

export const PORTUGUESE_POSTS: LabelledPost[] = [
  // elogios
  ['Parabéns @BancoAcme, atendimento rápido e resolveram tudo em 5 minutos!', 'pt', 'positive', 'praise'],
  ['Amei o novo aplicativo, muito mais rápido 😍', 'pt', 'positive', 'praise'],
  ['Melhor atendimento que já tive, obrigada @LojaX', 'pt', 'positive', 'praise'],
  ['Recomendo demais a @LojaX, entrega super rápida', 'pt', 'positive', 'praise'],
  ['Muito obrigado pela ajuda, vocês são demais!', 'pt', 'positive', 'praise'],
  // reclamações
  ['Péssimo atendimento, fiquei 2 horas esperando na linha @OperadoraX', 'pt', 'negative', 'complaint'],
  ['Meu pedido nunca chegou e ninguém responde. Que descaso!', 'pt', 'negative', 'complaint'],
  ['Fui cobrado duas vezes no cartão, que absurdo', 'pt', 'negative', 'complaint'],
  ['Vou abrir reclamação no Reclame Aqui, o que fizeram comigo foi uma vergonha', 'pt', 'negative', 'complaint'],
  ['Que vergonha @BancoAcme, terceira vez que o app cai esse mês', 'pt', 'negative', 'complaint'],
  ['Nunca mais compro nessa loja', 'pt', 'negative', 'complaint'],
  // pedidos de suporte: negativos mesmo quando educados
  ['meu cartão foi bloqueado, me ajudem por favor', 'pt', 'negative', 'support'],
  ['Não consigo entrar na minha conta desde ontem, alguém pode me ajudar?', 'pt', 'negative', 'support'],
  ['@OperadoraX minha internet não funciona desde cedo, tem previsão?', 'pt', 'negative', 'support'],
  ['Esqueci minha senha e o código não chega', 'pt', 'negative', 'support'],
  ['O app travou bem na hora do pix, socorro', 'pt', 'negative', 'support'],
  ['Quero meu dinheiro de volta, o produto veio com defeito', 'pt', 'negative', 'support'],
  // perguntas sem emoção: neutras
  ['Vocês abrem no feriado?', 'pt', 'neutral', 'question'],
  ['Qual o horário da loja do shopping no domingo?', 'pt', 'neutral', 'question'],
  ['O app funciona no iPhone 8?', 'pt', 'neutral', 'question'],
  ['Quando sai a nova versão do aplicativo?', 'pt', 'neutral', 'question'],
  ['Alguém sabe se a agência da Paulista abre sábado?', 'pt', 'neutral', 'question'],
  // intenção de compra
  ['Quanto custa o plano empresarial?', 'pt', 'neutral', 'lead'],
  ['Tenho interesse no cartão sem anuidade, como faço para contratar?', 'pt', 'neutral', 'lead'],
  ['Onde compro o fone novo em Recife?', 'pt', 'neutral', 'lead'],
  ['Qual o valor do frete para Manaus?', 'pt', 'neutral', 'lead'],
  // conversa neutra
  ['Assistindo o jogo em casa hoje à noite', 'pt', 'neutral', 'other'],
  ['A loja nova abre na semana que vem no centro', 'pt', 'neutral', 'other'],
  ['O banco divulga o resultado do trimestre na quinta', 'pt', 'neutral', 'other'],
  // negação
  ['Não gostei do novo layout', 'pt', 'negative', 'other'],
  ['O atendimento não é ruim, resolveram rápido', 'pt', 'positive', 'praise'],
  // contraste: a oração depois do "mas" pesa mais
  ['O produto é bom, mas a entrega foi péssima', 'pt', 'negative', 'complaint'],
  ['Demorou, mas resolveram tudo, obrigado!', 'pt', 'positive', 'praise'],
  // emoji, alongamento, hashtags, risadas
  ['Chegou antes do prazo 🎉🎉', 'pt', 'positive', 'other'],
  ['De novo sem sinal 😡', 'pt', 'negative', 'support'],
  ['Amoooo esse app!!!', 'pt', 'positive', 'praise'],
  ['Muitoooo lento esse site', 'pt', 'negative', 'other'],
  ['Mais uma ligação caindo #fail', 'pt', 'negative', 'other'],
  ['#AmoMuito a nova loja', 'pt', 'positive', 'praise'],
  ['kkkkk o atendente foi super simpático', 'pt', 'positive', 'other'],
];
