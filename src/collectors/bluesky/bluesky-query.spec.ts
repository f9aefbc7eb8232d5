import { topicMatcher as compile } from '../../topics/query';
import type { BlueskyPost } from './bluesky-payload';
import { didOfUri, queryableOf } from './bluesky-query';

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
