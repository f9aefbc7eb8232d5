import type { BlueskyPost } from './bluesky/bluesky-payload';
import { searchTermsFor, TopicQueryError, topicMatcher as compile } from './topic-query';
import { didOfUri, queryableOf } from './bluesky/bluesky-query';

const topicMatcher = (query: string) => compile(query, queryableOf);

const post = (text: string, extra: { langs?: string[]; reply?: boolean; handle?: string } = {}): BlueskyPost => ({
  uri: 'at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3kabcdefghij2',
  cid: 'bafyreia',
  author: { did: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', handle: extra.handle ?? 'ana.bsky.social' },
  record: {
    text,
    createdAt: '2026-11-20T12:00:00.000Z',
    langs: extra.langs,
    reply: extra.reply
      ? {
          root: { uri: 'at://did:plc:bbbbbbbbbbbbbbbbbbbbbbbb/app.bsky.feed.post/3kroot', cid: 'bafy1' },
          parent: { uri: 'at://did:plc:bbbbbbbbbbbbbbbbbbbbbbbb/app.bsky.feed.post/3kparent', cid: 'bafy2' },
        }
      : undefined,
  },
  indexedAt: '2026-11-20T12:00:01.000Z',
});

describe('Bluesky search terms for an X query', () => {
  it('searches every branch of an OR, and nothing for negations and operators', () => {
    expect(searchTermsFor('(lumi OR @lumi_br OR #lumi) -is:retweet')).toEqual(['lumi', 'lumi_br', '#lumi']);
    expect(searchTermsFor('"cartão lumi" lang:pt -spam')).toEqual(['"cartão lumi"']);
  });

  it('searches one conjunct of an AND: the fewest searches, then the most specific term', () => {
    expect(searchTermsFor('lumi cartão')).toEqual(['cartão']);
    expect(searchTermsFor('(lumi OR lumibank) fatura')).toEqual(['fatura']);
    expect(searchTermsFor('(lumi OR lumibank) (fatura OR boleto OR pix)')).toEqual(['lumi', 'lumibank']);
  });

  it('refuses a query with nothing searchable or too many searches', () => {
    expect(() => searchTermsFor('from:lumi_br lumi')).not.toThrow();
    expect(() => searchTermsFor(Array.from({ length: 11 }, (_, i) => `word${i}`).join(' OR '))).toThrow(TopicQueryError);
    expect(() => searchTermsFor('(lumi OR from:lumi_br)')).toThrow(/no keyword/);
  });
});

describe('the topic query applied to Bluesky posts (searchableOf through queryableOf)', () => {
  it('keeps X semantics: OR, negation, lang:, is:reply, phrases, hashtags', () => {
    const m = topicMatcher('(lumi OR #lumibank) -golpe');
    expect(m(post('Adorei o app da Lumi'))).toBe(true);
    expect(m(post('news about #LumiBank today'))).toBe(true);
    expect(m(post('lumi é golpe'))).toBe(false);
    expect(m(post('nothing to see'))).toBe(false);
    expect(topicMatcher('lumi lang:pt')(post('lumi top', { langs: ['pt-BR'] }))).toBe(true);
    expect(topicMatcher('lumi lang:pt')(post('lumi top', { langs: ['en'] }))).toBe(false);
    expect(topicMatcher('lumi -is:reply')(post('lumi', { reply: true }))).toBe(false);
    expect(topicMatcher('"cartão bloqueado"')(post('meu cartao bloqueado de novo'))).toBe(true);
  });

  it('matches an X mention against a Bluesky handle by its first label', () => {
    const m = topicMatcher('@lumi');
    expect(m(post('oi @lumi.bsky.social, preciso de ajuda'))).toBe(true);
    expect(m(post('oi @lumina.bsky.social'))).toBe(false);
    expect(topicMatcher('@lumi_br')(post('@lumi-br.bsky.social cadê meu cartão?'))).toBe(true);
  });

  it('reads the DID out of an at-uri', () => {
    expect(didOfUri('at://did:plc:abc/app.bsky.feed.post/3k')).toBe('did:plc:abc');
  });
});
