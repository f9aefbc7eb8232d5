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
  /**
   * Whether the traffic includes posts that say the keyword without meaning the brand, and
   * off-topic ones (default true); a competitor's traffic leaves them out, as they name Lumi.
   */
  loosePosts?: boolean;
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

/**
 * The demo's competitors (fictional too): each has its own customers, accounts, posts and replies
 * on the demo X, and a topic with `role: "competitor"`, so share of voice and public care have
 * something to compare. Nuvia answers only in office hours; Orbi every day, late into the night.
 */
export const DEMO_COMPETITORS: { seed: string; mentionsPerDay: number; brand: Partial<DemoBrand> }[] = [
  {
    seed: 'ouvidor-demo-nuvia',
    mentionsPerDay: 90,
    brand: {
      name: 'Nuvia',
      keyword: 'nuvia',
      hashtag: 'nuvia',
      mainAccount: {
        id: '731220489011126272',
        username: 'nuvia_br',
        name: 'Nuvia',
        description: 'Banco digital Nuvia. Atendimento: @nuvia_ajuda',
        followers: 61_300,
        since: '2016-05-14T12:00:00.000Z',
      },
      careAccount: {
        id: '731220489011126273',
        username: 'nuvia_ajuda',
        name: 'Nuvia Ajuda',
        description: 'Atendimento da Nuvia. Seg a sex 9h-18h.',
        followers: 7_450,
        since: '2017-02-01T12:00:00.000Z',
      },
      website: 'https://nuvia.example',
      businessHours: { week: [[9, 18], [9, 18], [9, 18], [9, 18], [9, 18], null, null] },
      agents: ['Ana', 'Leo', 'Gabi'],
      loosePosts: false,
    },
  },
  {
    seed: 'ouvidor-demo-orbi',
    mentionsPerDay: 45,
    brand: {
      name: 'Orbi',
      keyword: 'orbi',
      hashtag: 'orbi',
      mainAccount: {
        id: '802117355760795648',
        username: 'orbi_br',
        name: 'Orbi',
        description: 'Orbi: conta, cartão e investimentos. Ajuda: @orbi_help',
        followers: 23_900,
        since: '2016-11-25T12:00:00.000Z',
      },
      careAccount: {
        id: '802117355760795649',
        username: 'orbi_help',
        name: 'Orbi Help',
        description: 'Atendimento Orbi todos os dias, 7h-23h.',
        followers: 3_120,
        since: '2018-03-09T12:00:00.000Z',
      },
      website: 'https://orbi.example',
      businessHours: {
        week: [
          [7, 23],
          [7, 23],
          [7, 23],
          [7, 23],
          [7, 23],
          [7, 23],
          [7, 23],
        ],
      },
      agents: ['Rui', 'Bela'],
      loosePosts: false,
    },
  },
];
