import { Intent, RuleLanguage } from '../enrichment.types';

/**
 * A pattern tested on the folded post, only when one of its trigger words occurs in it (testing
 * every pattern on every post would cost more than the rest of the enrichment). '?' triggers on
 * a question mark anywhere.
 */
export interface CuePattern {
  pattern: RegExp;
  triggers: string[];
}

/** Keywords (whole words, accent-insensitive) and patterns (on folded text) for one intent. */
export interface IntentCues {
  keywords: string[];
  patterns: CuePattern[];
}

type CueTable = Record<Exclude<Intent, 'other' | 'question'>, IntentCues> & { question: IntentCues };

/**
 * Default cues per language. Patterns run on folded text (lower case, no accents), so they are
 * written without accents. Keep keywords specific: a generic word here ("service", "app")
 * would turn chatter into support tickets.
 */
export const DEFAULT_INTENT_CUES: Record<RuleLanguage, CueTable> = {
  en: {
    complaint: {
      keywords: [
        'worst', 'terrible service', 'horrible service', 'awful service', 'poor service',
        'bad service', 'customer service sucks', 'unacceptable', 'ridiculous', 'disgraceful',
        'ripped off', 'rip off', 'ripoff', 'scam', 'scammed', 'fraud', 'never again',
        'still waiting', 'been waiting', 'no one answers', 'nobody answers', 'no response',
        'never arrived', 'never received', 'never got', 'charged twice', 'overcharged',
        'fed up', 'sick of', 'so disappointed', 'very disappointed',
        'disappointed with', 'shame on you', 'want to complain', 'useless',
      ],
      patterns: [
        { pattern: /\b(?:you|they) (?:guys )?(?:suck|are (?:useless|a joke|pathetic))\b/,
          triggers: ['you', 'they'] },
        { pattern: /\bwaiting (?:for )?(?:\d+|two|three|four|five|several) (?:hours|days|weeks)\b/,
          triggers: ['waiting'] },
        { pattern: /\b(?:worst|terrible|awful|horrible) (?:company|bank|airline|app|experience|customer)\b/,
          triggers: ['worst', 'terrible', 'awful', 'horrible'] },
      ],
    },
    support: {
      keywords: [
        'please help', 'need help', 'help me', 'can you help', 'can someone help',
        'customer support', 'not working', "doesn't work", 'doesnt work',
        "isn't working", 'stopped working', "won't load", 'wont load', 'keeps crashing',
        'error message', 'was blocked', 'is blocked', 'got blocked', 'been blocked',
        'locked out', 'account locked', 'card blocked', 'card declined', 'was declined',
        'got hacked', 'been hacked', 'was hacked', "can't log in", 'cant log in', "can't login",
        'cannot log in', "can't access", 'cant access', 'cannot access', 'reset my password',
        'forgot my password', 'password reset', 'tracking number', 'order number',
        'how do i contact', 'issue with my', 'problem with my', 'having trouble',
        'having issues', 'outage', 'refund', 'want my money back', 'cancel my subscription',
      ],
      patterns: [
        { pattern: /\b(?:can't|cant|cannot|unable to|couldn't|couldnt) (?:log ?in|sign ?in|access|pay|open|cancel|update|transfer|withdraw) (?:my|to|the|in)\b/,
          triggers: ["can't", 'cant', 'cannot', 'unable', "couldn't", 'couldnt'] },
        { pattern: /\b(?:my|our) (?:\w+ )?(?:account|card|order|payment|transfer|refund|package|subscription|delivery) (?:is|was|has been|got|keeps|hasn't|has not|didn't|did not|never)\b/,
          triggers: ['account', 'card', 'order', 'payment', 'transfer', 'refund', 'package', 'subscription', 'delivery'] },
      ],
    },
    lead: {
      keywords: [
        'how much', 'quote', 'want to buy', 'wanna buy', 'where can i buy', 'where to buy',
        'interested in', 'free trial', 'demo', 'sign up', 'signup', 'subscribe to',
        'promo code', 'in stock', 'ship to', 'shipping to', 'purchase', 'upgrade to',
      ],
      patterns: [
        // Asking about prices or plans is purchase intent; merely mentioning them is not.
        { pattern: /\?/,
          triggers: ['price', 'prices', 'pricing', 'plan', 'plans', 'discount', 'discounts', 'coupon', 'shipping', 'cost'] },
        { pattern: /\bdo you (?:sell|ship|deliver|offer|have)\b/,
          triggers: ['sell', 'ship', 'deliver', 'offer'] },
        { pattern: /\bthinking (?:of|about) (?:buying|getting|switching)\b/, triggers: ['thinking'] },
      ],
    },
    question: {
      keywords: ['anyone know', 'does anyone', 'is there', 'is it possible', 'how do i', 'how can i', 'what is', 'when will', 'where is'],
      patterns: [
        { pattern: /\?/, triggers: ['?'] },
        { pattern: /^(?:how|what|when|where|why|who|which|does|do|is|are|can|could|will|should)\b/,
          triggers: ['how', 'what', 'when', 'where', 'why', 'who', 'which', 'does', 'do', 'is', 'are', 'can', 'could', 'will', 'should'] },
      ],
    },
    praise: {
      keywords: [
        'thank you', 'thanks', 'thx', 'love', 'loved', 'loving', 'amazing', 'awesome',
        'excellent', 'great service', 'great job', 'well done', 'best', 'recommend',
        'highly recommend', 'kudos', 'shout out', 'shoutout', 'impressed', 'fantastic',
        'perfect', 'brilliant', 'outstanding', 'wonderful', 'happy with', 'great experience',
      ],
      patterns: [],
    },
  },
  pt: {
    complaint: {
      keywords: [
        'pessimo', 'pessima', 'horrivel', 'absurdo', 'absurda', 'ridiculo', 'ridicula',
        'vergonha', 'vergonhoso', 'descaso', 'falta de respeito', 'desrespeito', 'palhacada',
        'lamentavel', 'inadmissivel', 'inaceitavel', 'nunca mais', 'golpe', 'fraude',
        'enganacao', 'roubo', 'procon', 'reclame aqui', 'reclamacao', 'reclamar',
        'cobranca indevida',
        'cobrado duas vezes', 'cobraram duas vezes', 'ate agora nada', 'ate hoje nada',
        'ninguem responde', 'ninguem resolve', 'sem resposta', 'nao chegou', 'nunca chegou',
        'cancelar minha', 'cancelar meu', 'decepcionado', 'decepcionada', 'decepcao',
        'to cansado', 'cansada de', 'cansado de', 'pior', 'lixo',
      ],
      patterns: [
        { pattern: /\besperando (?:ha |faz )?(?:\d+|dois|duas|tres|quatro|cinco|varios|varias) (?:horas|dias|semanas|meses)\b/,
          triggers: ['esperando'] },
        { pattern: /\b(?:pior|pessimo|horrivel) (?:atendimento|banco|empresa|app|aplicativo|servico|operadora|experiencia)\b/,
          triggers: ['pior', 'pessimo', 'horrivel'] },
      ],
    },
    support: {
      keywords: [
        'me ajuda', 'me ajudem', 'ajuda aqui', 'preciso de ajuda', 'socorro', 'suporte', 'sac',
        'nao funciona', 'parou de funcionar', 'nao abre', 'nao carrega', 'travando', 'fora do ar',
        'deu erro', 'da erro', 'mensagem de erro', 'bloqueado', 'bloqueada', 'bloquearam',
        'hackeado', 'hackeada', 'invadiram minha', 'esqueci minha senha', 'trocar a senha',
        'redefinir a senha', 'codigo de rastreio', 'numero do pedido', 'protocolo',
        'chama no direct', 'chama na dm', 'me chama no', 'como entro em contato',
        'falar com um atendente', 'problema com meu', 'problema com minha', 'problema no meu',
        'problema na minha', 'estou com problema', 'to com problema', 'instabilidade',
        'quero meu dinheiro', 'dinheiro de volta', 'reembolso', 'estorno',
      ],
      patterns: [
        { pattern: /\bnao (?:consigo|consegui|to conseguindo|estou conseguindo) (?:\w+ )?(?:entrar|acessar|logar|pagar|usar|abrir|transferir|sacar|cancelar|falar|fazer)\b/,
          triggers: ['consigo', 'consegui', 'conseguindo'] },
        { pattern: /\b(?:minha|meu) (?:\w+ )?(?:conta|cartao|pedido|aplicativo|pagamento|transferencia|entrega|assinatura|pix|boleto) (?:esta|ta|foi|continua|segue|nao)\b/,
          triggers: ['conta', 'cartao', 'pedido', 'aplicativo', 'pagamento', 'transferencia', 'entrega', 'assinatura', 'pix', 'boleto'] },
      ],
    },
    lead: {
      keywords: [
        'quanto custa', 'qual o valor', 'qual valor', 'qual o preco', 'orcamento', 'cotacao',
        'quero comprar', 'queria comprar', 'onde compro', 'onde comprar', 'tenho interesse',
        'interesse em', 'interessado no', 'interessada no', 'quero contratar', 'como contratar',
        'quero assinar', 'tem em estoque', 'entregam em', 'parcelar', 'teste gratis',
        'demonstracao',
      ],
      patterns: [
        { pattern: /\?/,
          triggers: ['preco', 'precos', 'valor', 'valores', 'plano', 'planos', 'desconto', 'cupom', 'promocao', 'frete', 'parcela', 'parcelas'] },
        { pattern: /\bvoces? (?:vendem|entregam|tem|aceitam|fazem)\b/,
          triggers: ['vendem', 'entregam', 'aceitam', 'fazem', 'voce', 'voces'] },
        { pattern: /\bpensando em (?:comprar|contratar|assinar|trocar)\b/, triggers: ['pensando'] },
      ],
    },
    question: {
      keywords: ['alguem sabe', 'sera que', 'como faco', 'como faz', 'e possivel', 'da pra', 'quando vai', 'onde fica'],
      patterns: [
        { pattern: /\?/, triggers: ['?'] },
        { pattern: /^(?:como|qual|quais|quando|onde|por que|porque|quem|quanto|quantos|sera|pode|podem|tem como)\b/,
          triggers: ['como', 'qual', 'quais', 'quando', 'onde', 'por', 'porque', 'quem', 'quanto', 'quantos', 'sera', 'pode', 'podem', 'tem'] },
      ],
    },
    praise: {
      keywords: [
        'obrigado', 'obrigada', 'obg', 'valeu', 'amei', 'amo', 'adoro', 'adorei', 'parabens',
        'excelente', 'otimo atendimento', 'otimo servico', 'maravilhoso', 'maravilhosa',
        'perfeito', 'perfeita', 'incrivel', 'sensacional', 'top', 'recomendo', 'melhor',
        'nota 10', 'nota mil', 'satisfeito', 'satisfeita', 'show de bola', 'arrasou',
        'muito bom', 'muito boa', 'sempre resolve', 'resolveram rapido',
      ],
      patterns: [],
    },
  },
};
