import { mentionsOf, parsePosts, postUrl, snapshotOf, sortAt, timelineItems } from './bluesky-payload';

const BRAND = 'did:plc:brandbrandbrandbrandbran';
const ANA = 'did:plc:anaanaanaanaanaanaanaana';

function view(author: string, handle: string, rkey: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    uri: `at://${author}/app.bsky.feed.post/${rkey}`,
    cid: 'bafyreib2rxk3rh6kzwq',
    author: { did: author, handle, displayName: handle.split('.')[0], labels: [] },
    record: { $type: 'app.bsky.feed.post', text, createdAt: '2026-11-20T12:00:00.000Z', langs: ['pt'], ...extra },
    replyCount: 1,
    repostCount: 2,
    likeCount: 3,
    quoteCount: 4,
    indexedAt: '2026-11-20T12:00:02.000Z',
    labels: [],
  };
}
const ref = (did: string, rkey: string) => ({ uri: `at://${did}/app.bsky.feed.post/${rkey}`, cid: 'bafyreib2rxk3rh6kzwq' });

describe('Bluesky payloads', () => {
  it('keeps the good posts of a page and reports the malformed ones', () => {
    const { posts, skipped } = parsePosts([
      view(ANA, 'ana.bsky.social', '3kaaa', 'oi'),
      { ...view(ANA, 'ana.bsky.social', '3kbbb', 'x'), record: { text: 42 } },
      { nothing: true },
    ]);
    expect(posts).toHaveLength(1);
    expect(skipped).toEqual([
      {
        id: `at://${ANA}/app.bsky.feed.post/3kbbb`,
        problem: expect.stringContaining('record.text'),
        raw: expect.objectContaining({ record: { text: 42 } }),
      },
      { id: '(no uri)', problem: expect.stringContaining('uri'), raw: expect.anything() },
    ]);
  });

  it('turns search results into mentions, never the brand’s own posts', () => {
    const { posts } = parsePosts([
      view(ANA, 'ana.bsky.social', '3kaaa', 'meu cartão da lumi foi bloqueado', {
        reply: { root: ref(BRAND, '3kroot'), parent: ref(BRAND, '3kroot') },
      }),
      view(BRAND, 'lumi.bsky.social', '3kccc', 'novidade da lumi'),
    ]);
    expect(mentionsOf(posts, new Set([BRAND]))).toEqual([
      {
        platform: 'bluesky',
        externalId: `at://${ANA}/app.bsky.feed.post/3kaaa`,
        text: 'meu cartão da lumi foi bloqueado',
        createdAt: new Date('2026-11-20T12:00:00.000Z'),
        url: 'https://bsky.app/profile/ana.bsky.social/post/3kaaa',
        author: { externalId: ANA, handle: 'ana.bsky.social', name: 'ana', followers: null },
        platformLang: 'pt',
        conversationId: `at://${BRAND}/app.bsky.feed.post/3kroot`,
        inReplyToExternalId: `at://${BRAND}/app.bsky.feed.post/3kroot`,
        inReplyToUserId: BRAND,
        metrics: { likes: 3, reposts: 2, quotes: 4, replies: 1, impressions: null },
      },
    ]);
  });

  it('splits an owned feed into posts (threads included) and replies to others', () => {
    const { posts } = parsePosts([
      view(BRAND, 'lumi.bsky.social', '3k001', 'Olá! Pode mandar DM?', { reply: { root: ref(ANA, '3kaaa'), parent: ref(ANA, '3kaaa') } }),
      view(BRAND, 'lumi.bsky.social', '3k002', '2/2 do fio', { reply: { root: ref(BRAND, '3k000'), parent: ref(BRAND, '3k000') } }),
      view(BRAND, 'lumi.bsky.social', '3k003', 'Novo app!'),
      view(ANA, 'ana.bsky.social', '3k004', 'not the brand'),
    ]);
    const out = timelineItems(posts, { externalId: BRAND, handle: 'lumi.bsky.social' });
    expect(out.replies.map((r) => [r.externalId.split('/').pop(), r.inReplyToExternalId.split('/').pop(), r.inReplyToUserId])).toEqual([
      ['3k001', '3kaaa', ANA],
    ]);
    expect(out.posts.map((p) => p.externalId.split('/').pop())).toEqual(['3k002', '3k003']);
  });

  it('sorts by the earlier of createdAt and indexedAt, links to bsky.app, reads follower counts', () => {
    const { posts } = parsePosts([{ ...view(ANA, 'ana.bsky.social', '3kaaa', 'x'), indexedAt: '2026-11-20T11:00:00.000Z' }]);
    expect(sortAt(posts[0]).toISOString()).toBe('2026-11-20T11:00:00.000Z');
    expect(postUrl(posts[0])).toBe('https://bsky.app/profile/ana.bsky.social/post/3kaaa');
    const at = new Date();
    expect(snapshotOf({ did: BRAND, handle: 'Lumi.bsky.social', followersCount: 1200 }, at)).toEqual({
      platform: 'bluesky',
      externalId: BRAND,
      handle: 'lumi.bsky.social',
      followers: 1200,
      at,
    });
    expect(snapshotOf({ did: BRAND, handle: 'lumi.bsky.social' }, at)).toBeNull();
  });
});
