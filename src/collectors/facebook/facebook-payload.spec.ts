import {
  commentItems,
  othersPostMentions,
  ownPostOf,
  pageSnapshot,
  parseComments,
  parseOthersPosts,
  parsePagePosts,
} from './facebook-payload';

const page = { externalId: '1001', handle: '1001' };
const post = { id: '1001_2002', url: 'https://www.facebook.com/1001/posts/2002' };

describe('Facebook payload', () => {
  it('makes a Page post an own post: reactions as likes, shares (0 when Graph leaves them out), comments as replies', () => {
    const { items, skipped } = parsePagePosts([
      {
        id: '1001_2002',
        message: 'Nova fatura',
        created_time: '2026-12-01T10:00:00+0000',
        permalink_url: post.url,
        shares: { count: 4 },
        reactions: { data: [], summary: { total_count: 30 } },
        comments: { data: [], summary: { total_count: 2, order: 'ranked' } },
      },
      {
        id: '1001_2003',
        created_time: '2026-12-02T10:00:00+0000',
        permalink_url: 'https://www.facebook.com/1001/posts/2003',
        reactions: { data: [], summary: { total_count: 1 } },
      },
    ]);
    expect(skipped).toEqual([]);
    expect(ownPostOf(items[0], page)).toEqual({
      platform: 'facebook',
      externalId: '1001_2002',
      accountExternalId: '1001',
      accountHandle: '1001',
      text: 'Nova fatura',
      createdAt: new Date('2026-12-01T10:00:00Z'),
      url: post.url,
      metrics: { likes: 30, reposts: 4, quotes: 0, replies: 2, impressions: null },
    });
    expect(ownPostOf(items[1], page).metrics).toEqual({ likes: 1, reposts: 0, quotes: 0, replies: 0, impressions: null });
    expect(ownPostOf(items[1], page).text).toBe('');
  });

  it("makes others' comments mentions and the Page's replies brand replies to the comment they answer", () => {
    const { items } = parseComments([
      {
        id: '2002_1',
        message: 'Cartão bloqueado',
        created_time: '2026-12-01T11:00:00+0000',
        from: { id: '301', name: 'Ana' },
        permalink_url: `${post.url}?comment_id=1`,
      },
      {
        id: '2002_2',
        message: 'Já resolvemos',
        created_time: '2026-12-01T11:05:00+0000',
        from: { id: '1001', name: 'Lumi' },
        parent: { id: '2002_1', from: { id: '301', name: 'Ana' } },
      },
      { id: '2002_3', message: 'Eu também', created_time: '2026-12-01T11:10:00+0000', parent: { id: '2002_1' } },
      { id: '2002_4', message: 'Comentário da página', created_time: '2026-12-01T11:15:00+0000', from: { id: '1001', name: 'Lumi' } },
    ]);
    const { mentions, replies } = commentItems(items, post, page);
    expect(mentions.map((m) => [m.externalId, m.author.handle, m.inReplyToExternalId, m.inReplyToUserId, m.conversationId])).toEqual([
      ['2002_1', 'Ana', '1001_2002', '1001', '1001_2002'],
      // Graph leaves `from` out for a commenter who has not allowed apps: the comment stands for them
      ['2002_3', 'Facebook user', '2002_1', null, '1001_2002'],
    ]);
    expect(mentions[1].author.externalId).toBe('unknown:2002_3');
    expect(mentions[1].url).toBe(`${post.url}?comment_id=3`);
    expect(replies).toEqual([
      expect.objectContaining({
        externalId: '2002_2',
        inReplyToExternalId: '2002_1',
        inReplyToUserId: '301',
        accountExternalId: '1001',
        conversationId: '1001_2002',
      }),
    ]);
  });

  it('makes visitor and tagging posts mentions, and quarantines a malformed one by field', () => {
    const { items, skipped } = parseOthersPosts([
      {
        id: '401_5',
        message: 'App fora do ar?',
        created_time: '2026-12-01T12:00:00+0000',
        from: { id: '401', name: 'Bruno' },
        permalink_url: 'https://www.facebook.com/401/posts/5',
      },
      { id: '401_6', message: 'sem data', created_time: 'yesterday', from: { id: '401', name: 'Bruno' } },
      { message: 'sem id', created_time: '2026-12-01T12:00:00+0000' },
    ]);
    expect(skipped.map((s) => [s.id, s.problem])).toEqual([
      ['401_6', 'created_time: must be a datetime'],
      ['(no id)', expect.stringMatching(/^id: /)],
    ]);
    expect(othersPostMentions(items, page)).toEqual([
      expect.objectContaining({
        platform: 'facebook',
        externalId: '401_5',
        text: 'App fora do ar?',
        author: { externalId: '401', handle: 'Bruno', name: 'Bruno' },
        inReplyToUserId: '1001',
      }),
    ]);
  });

  it("takes the Page's followers_count, else its fan_count", () => {
    const at = new Date();
    expect(pageSnapshot({ id: '1001', followers_count: 12, fan_count: 10 }, '1001', at)?.followers).toBe(12);
    expect(pageSnapshot({ id: '1001', fan_count: 10 }, '1001', at)?.followers).toBe(10);
    expect(pageSnapshot({ id: '1001' }, '1001', at)).toBeNull();
  });
});
