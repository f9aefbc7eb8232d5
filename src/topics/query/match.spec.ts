import { topicMatcher, type QueryablePost } from './index';

const post = (text: string, extra: Partial<QueryablePost> = {}): QueryablePost => ({
  text,
  hashtags: [...text.matchAll(/#(\p{L}+)/gu)].map((m) => m[1]),
  mentions: [...text.matchAll(/@([\w.@-]+\w)/gu)].map((m) => m[1]),
  authorId: 'u1',
  authorHandle: 'Ana',
  conversationId: 'c1',
  ...extra,
});

describe('topicMatcher (X semantics on any network)', () => {
  it.each([
    ['lumi', post('Adorei o app da LUMI'), true],
    ['lumi', post('luminária nova'), false],
    ['cartão', post('meu cartao sumiu'), true],
    ['"cartão bloqueado"', post('Cartão BLOQUEADO de novo'), true],
    ['"cartão bloqueado"', post('bloqueado o cartão'), false],
    ['(lumi OR #lumibank) -golpe', post('news about #LumiBank'), true],
    ['(lumi OR #lumibank) -golpe', post('lumi é golpe'), false],
    ['lumi lang:pt', post('lumi', { lang: 'pt-BR' }), true],
    ['lumi lang:pt', post('lumi', { lang: null }), false],
    ['lumi -is:reply', post('lumi', { inReplyToPostId: 'p0' }), false],
    ['lumi from:ana', post('lumi'), true],
    ['lumi to:u9', post('lumi', { inReplyToUserId: 'u9', inReplyToPostId: 'p0' }), true],
    ['@lumi', post('oi @lumi.bsky.social'), true],
    ['@lumi', post('oi @lumina.bsky.social'), false],
    ['@lumi_br', post('@lumi_br@social.example cadê?'), true],
    ['@lumi_br', post('@lumi-br.bsky.social cadê?'), true],
    ['$LUMI lumi', post('lumi $lumi subiu'), true],
    ['lumi url:"lumi.example/ajuda"', post('lumi https://Lumi.example/ajuda?x=1'), true],
    ['ajuda', post('veja https://lumi.example/ajuda'), true],
    ['lumi conversation_id:1', post('lumi', { conversationId: '1' }), true],
  ])('%j on %j: %s', (query, p, expected) => expect(topicMatcher(query, (x: QueryablePost) => x)(p)).toBe(expected));
});
