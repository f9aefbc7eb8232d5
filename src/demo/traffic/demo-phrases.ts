import type { SeededRandom } from '../networks/shared/seeded-random';

/**
 * What demo customers and the demo brand write, in Brazilian Portuguese and English. Placeholders in braces
 * are filled by `fillTemplate`: {brand} (as customers write it) {Brand} (as the brand writes it) {at} {care} {tag} {first} {agent} {url} {amount} {code} {protocol}
 * {n} {h} {city} {gb} {neg} {pos} {product}. The register follows how Brazilian customers write to brands
 * on social networks: informal, abbreviations (vc, pq, q), emoji, protocol numbers, Procon threats.
 */

export type DemoLanguage = 'pt' | 'en';
export type MentionKind = 'support' | 'complaint' | 'question' | 'lead' | 'praise' | 'neutral';

type Bilingual = Record<DemoLanguage, readonly string[]>;

export const MENTION_TEMPLATES: Record<MentionKind, Bilingual> = {
  support: {
    pt: [
      'meu cartão foi bloqueado, preciso de ajuda',
      'meu cartão foi bloqueado do nada e tô no mercado agora {neg} alguém me ajuda?',
      'não consigo entrar no app desde ontem, fica dando erro {code}',
      'fiz um Pix de {amount} e até agora não caiu na conta da pessoa, e agora?',
      'meu chip parou de funcionar, tô sem sinal nenhum {neg}',
      'a fatura veio com uma cobrança de {amount} que eu não reconheço',
      'esqueci a senha e o código de verificação não chega por SMS',
      'tentei o chat do app e ninguém responde, já são {n} minutos esperando',
      'protocolo {protocol}, até agora nada. alguém pode me ajudar?',
      'preciso cancelar uma compra que fiz errado no cartão, como faço?',
      'o limite do meu cartão sumiu de um dia pro outro, o que aconteceu?',
      'paguei o boleto faz 3 dias e ainda consta em aberto {neg}',
      'o app trava na tela de login, já desinstalei e instalei de novo',
      'a portabilidade do meu número tá parada há {n} dias, preciso do meu número de volta',
      'minha internet móvel tá lentíssima hoje aqui em {city}, é só comigo?',
      'bom dia, meu cartão virtual não aparece mais no app, como gero outro?',
    ],
    en: [
      'my card was blocked, please help',
      'my card got blocked at the checkout {neg} can someone help asap?',
      "can't log in to the app since yesterday, it keeps showing error {code}",
      'sent a transfer of {amount} and it never arrived, what now?',
      'my eSIM stopped working, no signal at all {neg}',
      "there's a {amount} charge on my statement I don't recognize",
      'the password reset code never arrives by SMS',
      'been waiting {n} minutes in the app chat and nobody answers',
      'ticket {protocol} still open, can anyone help?',
      'how do I cancel a card payment I made by mistake?',
      'my credit limit disappeared overnight, what happened?',
    ],
  },
  complaint: {
    pt: [
      'pior atendimento que já vi, {n} dias tentando resolver e nada {neg}',
      'absurdo!!! cobraram duas vezes a mesma compra de {amount}',
      'vou abrir reclamação no Procon, cansei de esperar',
      'o sinal da {brand} aqui em {city} tá horrível, não pega nem 4G {neg}',
      'prometeram resolver em 24h e já faz uma semana #descaso',
      'atendimento péssimo, me passaram pra 5 pessoas diferentes e ninguém resolve',
      'app fora do ar de novo?? toda sexta a mesma coisa',
      'bloquearam meu cartão sem avisar e ninguém explica o motivo {neg}',
      'descaso total com o cliente, protocolo {protocol} e nenhuma resposta',
      'cancelei o plano e continuam cobrando, que palhaçada',
    ],
    en: [
      'worst customer service ever, {n} days and still nothing {neg}',
      'charged twice for the same {amount} purchase. unacceptable',
      'app down AGAIN?? every friday, smh',
      'promised a fix in 24h, it has been a week',
      'they blocked my card with no warning and nobody explains why {neg}',
      'cancelled my plan and they keep charging me. ridiculous',
    ],
  },
  question: {
    pt: [
      'vocês têm plano família?',
      'o cartão tem anuidade?',
      'como faço pra aumentar meu limite?',
      'dá pra usar o cartão no exterior sem IOF?',
      'qual o horário de atendimento de vocês?',
      'a portabilidade de número é gratuita?',
      'o plano de {gb}GB tem roaming internacional?',
      'dá pra pagar boleto pelo app no fim de semana?',
      'como funciona o cashback? cai na hora?',
    ],
    en: [
      'do you guys have a family plan?',
      'does the card work abroad without fees?',
      'what are your support hours?',
      'is there an annual fee on the card?',
      'does the {gb}GB plan include roaming?',
      'how does the cashback work?',
    ],
  },
  lead: {
    pt: [
      'quero contratar o plano de {gb}GB, como faço?',
      'tô pensando em trazer minha conta pra {brand}, vale a pena?',
      'como faço pra abrir conta? quero o cartão',
      'quero pedir o cartão, onde eu solicito?',
      'alguém indica a {brand}? quero trocar de operadora',
      'quanto custa o plano pós? quero assinar hoje',
      'quero contratar o plano, tem desconto pra quem traz o número?',
    ],
    en: [
      'how do I sign up?',
      'thinking about switching to {brand}, is it worth it?',
      'where can I order the card?',
      'how much is the unlimited plan? want to sign up today',
      'can I bring my number if I sign up?',
    ],
  },
  praise: {
    pt: [
      'atendimento da {brand} é outro nível, resolveram em 5 minutos {pos}',
      'amo o app de vocês {pos}',
      'cashback caiu certinho, obrigada {brand}! {pos}',
      'melhor decisão foi ter migrado pra {brand} {pos}',
      'sinal excelente até na praia {pos}',
      'resolveram meu problema super rápido, parabéns pelo atendimento {pos}',
      'o novo modo escuro do app ficou lindo {pos}',
    ],
    en: [
      '{brand} support is top notch, fixed in 5 minutes {pos}',
      'loving the new app update {pos}',
      'best decision was switching to {brand} {pos}',
      'great signal even at the beach {pos}',
      'quick and friendly support, thank you {pos}',
    ],
  },
  neutral: {
    pt: [
      'alguém mais aqui usa a {brand}?',
      'vi o comercial da {brand} na TV hoje',
      'meu pai acabou de pedir o cartão da {brand}',
      'a {brand} vai patrocinar o festival de novo esse ano?',
      'a {brand} mudou a logo? achei diferente',
      'falando em banco digital, a {brand} tá bombando né',
    ],
    en: [
      'anyone else here using {brand}?',
      'saw the {brand} ad during the game lol',
      'my cousin just got the {brand} card',
      'did {brand} change their logo?',
    ],
  },
};

/** Customers nudging the brand while they wait (replies to their own previous post). */
export const FOLLOW_UP_TEMPLATES: Bilingual = {
  pt: [
    'alguém??',
    'ainda esperando resposta...',
    'já faz {h}h e nada {neg}',
    'ALÔ?? tem alguém aí?',
    'atualizando: continua sem funcionar',
    'oi?? preciso de uma resposta urgente',
    'vou ter que ligar no SAC mesmo?',
  ],
  en: ['hello??', 'still waiting...', "it's been {h}h and nothing {neg}", 'any update on this?', 'is anyone there?'],
};

/** The brand's first answer, by what the customer wrote. */
export const BRAND_REPLY_TEMPLATES: Record<MentionKind, Bilingual> = {
  support: {
    pt: [
      'Oi, {first}! Sentimos muito pelo transtorno 💜 Pode nos chamar na DM com seu CPF pra gente verificar? ^{agent}',
      'Olá, {first}! Já estamos verificando o seu caso. Pode confirmar por DM o e-mail cadastrado? ^{agent}',
      'Oi {first}, que chato isso 😕 Te chamamos na DM pra resolver, tá bom? ^{agent}',
      'Oi, {first}! A instabilidade já foi normalizada, pode tentar de novo? Qualquer coisa estamos aqui 💜 ^{agent}',
      'Oi, {first}! Pra sua segurança, vamos continuar por DM, tá? Nunca compartilhe sua senha com ninguém 💜 ^{agent}',
    ],
    en: [
      'Hi {first}, so sorry about that! Please DM us your account email so we can check. ^{agent}',
      "Hi {first}! We're looking into it now, could you DM us the last 4 digits of your card? ^{agent}",
      'Hey {first}, the issue has been fixed on our side, could you try again? ^{agent}',
    ],
  },
  complaint: {
    pt: [
      'Oi, {first}. Entendemos sua frustração e pedimos desculpas 😔 Pode nos chamar na DM? Queremos resolver isso hoje. ^{agent}',
      'Olá, {first}. Sentimos muito pela experiência. Já encaminhamos o seu caso com prioridade, te respondemos na DM ^{agent}',
      'Oi {first}, isso não é o que esperamos pra você. Chama a gente na DM com o número do protocolo? ^{agent}',
    ],
    en: [
      "Hi {first}, we're sorry, that's not the experience we want for you. Please DM us so we can sort it out today. ^{agent}",
      "Hi {first}, we've escalated your case. We'll follow up by DM shortly. ^{agent}",
    ],
  },
  question: {
    pt: [
      'Oi, {first}! Temos sim 💜 Todos os detalhes estão aqui: {url} ^{agent}',
      'Olá, {first}! O cartão {Brand} não tem anuidade e funciona no exterior. Mais informações: {url} ^{agent}',
      'Oi, {first}! Nosso atendimento no X funciona de seg a sex, 8h às 20h, e sáb, 9h às 15h 😉 ^{agent}',
    ],
    en: [
      'Hi {first}! Yes, we do 💜 All the details here: {url} ^{agent}',
      'Hi {first}! Our support on X runs Mon-Fri 8am-8pm and Sat 9am-3pm (Brasília time). ^{agent}',
    ],
  },
  lead: {
    pt: [
      'Oi, {first}! É só baixar o app e abrir sua conta em poucos minutos 💜 {url}',
      'Oba, {first}! Contrata direto por aqui e traz seu número sem custo: {url}',
      'Oi, {first}! Vale muito 😍 Dá uma olhada nos planos: {url}',
    ],
    en: ['Hi {first}! Just download the app and sign up in minutes 💜 {url}', "Hi {first}! Here's everything you need to switch: {url}"],
  },
  praise: {
    pt: [
      'Ahhh que demais, {first}! Obrigado pelo carinho 💜',
      'Ficamos muito felizes, {first}! 💜✨',
      'Obrigado, {first}! Conta sempre com a gente 💜',
    ],
    en: ['Thanks so much, {first}! 💜', 'Love to hear it, {first}! 💜'],
  },
  neutral: {
    pt: ['Oi, {first}! 👋 Qualquer dúvida, é só chamar 💜'],
    en: ['Hi {first}! 👋 Let us know if you have any questions 💜'],
  },
};

/** The customer's answer to the brand's reply. */
export const CUSTOMER_REACTIONS: Record<'resolved' | 'unresolved', Bilingual> = {
  resolved: {
    pt: ['resolvido, obrigada! 💜', 'chamei na DM, valeu pela ajuda', 'funcionou aqui, obg!', 'agora foi, obrigado pelo retorno 🙏'],
    en: ['all sorted, thanks! 💜', 'DMed you, thanks for the help', 'working now, thank you 🙏'],
  },
  unresolved: {
    pt: [
      'já mandei DM e ninguém respondeu {neg}',
      'continua a mesma coisa, não resolveu nada',
      'de novo pedindo DM? já mandei tudo ontem',
      'tentei de novo e continua dando erro {code}',
    ],
    en: ['already DMed you and no answer {neg}', 'still the same, nothing fixed', 'tried again, still error {code}'],
  },
};

/** The brand's second answer, after the customer said it is not solved. */
export const BRAND_SECOND_REPLY_TEMPLATES: Bilingual = {
  pt: [
    'Oi, {first}! Recebemos sua DM e já estamos cuidando disso 💜 ^{agent}',
    'Oi {first}, seu caso foi escalado para o time responsável e retornamos ainda hoje ^{agent}',
    'Oi, {first}! Te respondemos na DM agora, confere lá? ^{agent}',
  ],
  en: [
    "Hi {first}, we got your DM and we're on it 💜 ^{agent}",
    "Hi {first}, we've escalated this and will get back to you today ^{agent}",
  ],
};

export interface OwnPostTemplate {
  text: string;
  /** utm_campaign of the link, when the post has one ({url}) */
  campaign?: string;
  path?: string;
}

export const OWN_POST_TEMPLATES: Record<DemoLanguage, readonly OwnPostTemplate[]> = {
  pt: [
    {
      text: 'Pix no crédito chegou! Parcele seus pagamentos em até 12x direto no app 💜 {url}',
      campaign: 'pix_credito',
      path: '/pix-credito',
    },
    { text: 'Dica de segurança: a {Brand} nunca pede sua senha por telefone, e-mail ou mensagem. Fique de olho! 🔒' },
    { text: 'Nosso 5G chegou a mais 12 cidades 🚀 Veja se a sua está na lista: {url}', campaign: 'cobertura_5g', path: '/5g' },
    { text: 'Sextou com cashback em dobro nos parceiros 🎉 {url} {tag}', campaign: 'cashback_dobro', path: '/cashback' },
    { text: 'Vocês pediram e a gente fez: modo escuro no app 🌙 Atualize e conta pra gente o que achou!' },
    { text: 'Enquete rápida: o que você mais usa no app da {Brand}? Responde aqui 👇' },
    { text: 'Manutenção programada nesta madrugada, das 2h às 4h. Alguns serviços podem ficar instáveis. Obrigado pela paciência 💜' },
    { text: 'Traga seu número pra {Brand} e ganhe 10GB extras por 3 meses 📱 {url}', campaign: 'portabilidade', path: '/planos' },
    {
      text: 'Conta digital sem tarifa, cartão sem anuidade e plano de celular num app só. Isso é {Brand} 💜 {url}',
      campaign: 'institucional',
      path: '/',
    },
    { text: 'Bom dia! Já conferiu seu cashback da semana? ☀️ {tag}' },
  ],
  en: [
    { text: 'New: your {Brand} card now works in 190+ countries with no FX fee 🌍 {url}', campaign: 'card_abroad', path: '/en/card' },
    { text: 'Security tip: {Brand} will never ask for your password. Stay safe 🔒' },
  ],
};

/** Posts that say "Lumi" without meaning the brand (they match the query anyway, as on the real X). */
export const OFF_TOPIC_TEMPLATES: readonly string[] = [
  'minha gata Lumi dormiu o dia inteiro de novo 😴',
  'a Lumi do anime é a melhor personagem, não aceito opiniões contrárias',
  'Lumi, minha sobrinha, fez 3 aninhos hoje 🎂',
  'alguém já foi no bar Lumi da Augusta?',
];

/** Posts that do not mention the brand at all (the query must leave them out). */
export const NOISE_TEMPLATES: readonly string[] = [
  'bom dia grupo ☀️',
  'alguém indica um filme pra hoje?',
  'trânsito parado na marginal de novo',
  'good morning everyone',
  'que calor hoje em {city} 🥵',
  'luminária nova chegou, ficou linda no quarto',
];

export const CITIES = [
  'São Paulo',
  'Rio',
  'BH',
  'Recife',
  'Curitiba',
  'Porto Alegre',
  'Salvador',
  'Fortaleza',
  'Manaus',
  'Goiânia',
  'Campinas',
  'Floripa',
];

const NEGATIVE_EMOJI = ['😡', '😤', '🙄', '😩', '😭', '🤬', '😒', '💀', '😠'];
const POSITIVE_EMOJI = ['💜', '😍', '👏', '🔥', '🙌', '✨', '🥰', '👏👏', '💜💜'];

export const NAMES = {
  pt: {
    first: [
      'Ana',
      'Bruno',
      'Camila',
      'Diego',
      'Eduarda',
      'Felipe',
      'Gabriela',
      'Gustavo',
      'Helena',
      'Igor',
      'Juliana',
      'João',
      'Larissa',
      'Lucas',
      'Mariana',
      'Mateus',
      'Natália',
      'Paulo',
      'Rafaela',
      'Rodrigo',
      'Sabrina',
      'Thiago',
      'Vanessa',
      'Vinícius',
      'Bianca',
      'Caio',
      'Débora',
      'Fernanda',
      'Henrique',
      'Isabela',
      'Leandro',
      'Patrícia',
      'Renata',
      'Letícia',
    ],
    last: [
      'Silva',
      'Souza',
      'Oliveira',
      'Santos',
      'Pereira',
      'Lima',
      'Carvalho',
      'Ferreira',
      'Rodrigues',
      'Almeida',
      'Costa',
      'Gomes',
      'Martins',
      'Araújo',
      'Barbosa',
      'Ribeiro',
      'Rocha',
      'Dias',
      'Moreira',
      'Nascimento',
      'Cardoso',
      'Teixeira',
    ],
  },
  en: {
    first: [
      'John',
      'Emily',
      'Michael',
      'Sarah',
      'David',
      'Jessica',
      'Chris',
      'Laura',
      'Daniel',
      'Megan',
      'Ryan',
      'Olivia',
      'Kevin',
      'Hannah',
    ],
    last: ['Smith', 'Johnson', 'Brown', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark', 'Walker', 'Young', 'King', 'Scott'],
  },
} as const;

export interface TemplateSlots {
  brand: string;
  at: string;
  care: string;
  tag: string;
  first?: string;
  agent?: string;
  url?: string;
}

/** Fills a template's placeholders; values that vary per message come from `random`. */
export function fillTemplate(template: string, slots: TemplateSlots, language: DemoLanguage, random: SeededRandom): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'brand':
        return random.chance(0.2) ? slots.brand.toLowerCase() : slots.brand;
      case 'Brand':
        return slots.brand;
      case 'at':
        return slots.at;
      case 'care':
        return slots.care;
      case 'tag':
        return slots.tag;
      case 'first':
        return slots.first ?? '';
      case 'agent':
        return slots.agent ?? '';
      case 'url':
        return slots.url ?? '';
      case 'amount':
        return language === 'pt' ? `R$ ${random.int(12, 1900)},${random.pick(['00', '50', '90', '99'])}` : `$${random.int(10, 800)}`;
      case 'code':
        return random.pick(['500', '403', 'E-1042', 'LM-07', '0x1F', 'timeout']);
      case 'protocol':
        return String(random.int(100_000_000, 999_999_999));
      case 'n':
        return String(random.int(2, 45));
      case 'h':
        return String(random.int(2, 9));
      case 'city':
        return random.pick(CITIES);
      case 'gb':
        return String(random.pick([10, 20, 35, 50]));
      case 'neg':
        return random.pick(NEGATIVE_EMOJI);
      case 'pos':
        return random.pick(POSITIVE_EMOJI);
      default:
        return whole;
    }
  });
}

/** Informal writing: abbreviations, missing accents, elongated words, shouting, laughter. */
export function roughen(
  text: string,
  language: DemoLanguage,
  random: SeededRandom,
  style: { shout?: boolean; laugh?: boolean } = {},
): string {
  let out = text;
  if (language === 'pt') {
    if (random.chance(0.5)) out = out.replace(wordPattern('vocês'), 'vcs').replace(wordPattern('você'), 'vc');
    if (random.chance(0.4)) out = out.replace(wordPattern('porque'), 'pq').replace(wordPattern('que'), 'q');
    if (random.chance(0.3)) out = out.replace(/não/g, 'nao').replace(/cartão/g, 'cartao');
    if (random.chance(0.25))
      out = out.replace(/\b(péssimo|absurdo|ajuda|nada|demais|amo)\b/, (word) => word + word.slice(-1).repeat(random.int(2, 4)));
    if (style.laugh && random.chance(0.15)) out = `${out} ${random.pick(['kkkk', 'kkkkkk', 'rs'])}`;
  } else {
    if (random.chance(0.4)) out = out.replace(/\bplease\b/g, 'pls').replace(/\byou\b/g, 'u');
    if (random.chance(0.2)) out = out.replace(/\b(so|still|nothing)\b/, (word) => word + word.slice(-1).repeat(random.int(2, 3)));
  }
  if (random.chance(0.15)) out = out.replace(/[!?]$/, (mark) => mark.repeat(random.int(2, 4)));
  if (style.shout) out = out.toUpperCase();
  else if (random.chance(0.2)) out = out.charAt(0).toLowerCase() + out.slice(1);
  return out;
}

/** A whole-word pattern that works with accented letters (\b only knows ASCII). */
function wordPattern(word: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'gu');
}
