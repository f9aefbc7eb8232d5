/**
 * The fictional brand of the demo: Lumi, a Brazilian digital bank that also sells mobile plans. Every name,
 * handle and link here is invented; the site uses the reserved .example domain.
 */

export interface DemoAccount {
  /** fixed so that the demo workspace can be configured before the emulator starts */
  id: string;
  username: string;
  name: string;
  description: string;
  followers: number;
  /** created_at of the account */
  since: string;
}

export interface BusinessHours {
  /** local [open, close) hours for Monday..Sunday (index 0 = Monday); null when closed */
  week: Array<[number, number] | null>;
}

export interface DemoBrand {
  name: string;
  /** the keyword people use for it (matched as a token by X search) */
  keyword: string;
  hashtag: string;
  /** posts marketing content and sometimes answers */
  mainAccount: DemoAccount;
  /** answers customers (the care team) */
  careAccount: DemoAccount;
  website: string;
  timezone: string;
  /** when the care team answers on social */
  businessHours: BusinessHours;
  /** signatures the care agents add to replies (^Bia) */
  agents: string[];
}

export const LUMI_BRAND: DemoBrand = {
  name: 'Lumi',
  keyword: 'lumi',
  hashtag: 'lumi',
  mainAccount: {
    id: '705014793630654464',
    username: 'lumi_br',
    name: 'Lumi',
    description: 'Conta digital, cartão sem anuidade e plano de celular num app só 💜 Atendimento: @lumi_ajuda',
    followers: 48_210,
    since: '2016-03-02T13:00:00.000Z',
  },
  careAccount: {
    id: '884381687608254464',
    username: 'lumi_ajuda',
    name: 'Lumi Ajuda',
    description: 'Atendimento da Lumi no X. Seg a sex 8h-20h, sáb 9h-15h. Nunca pedimos sua senha.',
    followers: 9_870,
    since: '2017-07-10T12:00:00.000Z',
  },
  website: 'https://lumi.example',
  timezone: 'America/Sao_Paulo',
  businessHours: { week: [[8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [9, 15], null] },
  agents: ['Bia', 'Rafa', 'Lu', 'Thiago', 'Carol', 'Duda'],
};

/** The X search query a topic should use to listen to the brand. */
export function brandSearchQuery(brand: DemoBrand): string {
  return `(${brand.keyword} OR @${brand.mainAccount.username} OR @${brand.careAccount.username} OR #${brand.hashtag}) -is:retweet`;
}
