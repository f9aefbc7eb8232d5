import { mentionsFromSearch, parseTweets, parseUsers, snapshotOf, timelineItems } from './x-payload';

// Shapes as documented for GET /2/tweets/search/recent with expansions=author_id.
const brand = { id: '1000', username: 'Lumi_BR', name: 'Lumi', public_metrics: { followers_count: 5200 } };
const ana = { id: '2001', username: 'ana', name: 'Ana', public_metrics: { followers_count: 120 } };
const tweet = (over: Record<string, unknown>) => ({
  id: '1800000000000000001',
  text: 'meu cartão foi bloqueado @lumi_br',
  author_id: '2001',
  created_at: '2026-11-20T12:00:00.000Z',
  lang: 'pt',
  conversation_id: '1800000000000000001',
  public_metrics: { like_count: 2, retweet_count: 1, reply_count: 0, quote_count: 3, impression_count: 40 },
  edit_history_tweet_ids: ['1800000000000000001'],
  ...over,
});

describe('X payload mapping', () => {
  it('keeps well-formed posts and reports malformed ones with their id', () => {
    const { tweets, skipped } = parseTweets([tweet({}), tweet({ id: '1800000000000000002', created_at: 'yesterday' }), { text: 'no id' }]);
    expect(tweets.map((t) => t.id)).toEqual(['1800000000000000001']);
    expect(skipped).toEqual([
      {
        id: '1800000000000000002',
        problem: expect.stringContaining('created_at'),
        raw: expect.objectContaining({ created_at: 'yesterday' }),
      },
      { id: '(no id)', problem: expect.stringContaining('id'), raw: { text: 'no id' } },
    ]);
  });

  it('turns search results into mentions, without the brand’s own posts or retweets', () => {
    const users = parseUsers([brand, ana]);
    const { tweets } = parseTweets([
      tweet({}),
      tweet({ id: '1800000000000000003', author_id: '1000', text: 'our new plan' }),
      tweet({ id: '1800000000000000004', referenced_tweets: [{ type: 'retweeted', id: '1' }] }),
    ]);
    const mentions = mentionsFromSearch(tweets, users, new Set(['1000']));
    expect(mentions).toEqual([
      {
        platform: 'x',
        externalId: '1800000000000000001',
        text: 'meu cartão foi bloqueado @lumi_br',
        createdAt: new Date('2026-11-20T12:00:00.000Z'),
        url: 'https://x.com/ana/status/1800000000000000001',
        author: { externalId: '2001', handle: 'ana', name: 'Ana', followers: 120 },
        platformLang: 'pt',
        conversationId: '1800000000000000001',
        inReplyToExternalId: null,
        inReplyToUserId: null,
        metrics: { likes: 2, reposts: 1, quotes: 3, replies: 0, impressions: 40 },
      },
    ]);
  });

  it('splits a brand timeline into own posts and replies to others', () => {
    const { tweets } = parseTweets([
      tweet({ id: '11', author_id: '1000', text: 'Nova fatura digital!' }),
      tweet({
        id: '12',
        author_id: '1000',
        text: '@ana já desbloqueamos',
        in_reply_to_user_id: '2001',
        referenced_tweets: [{ type: 'replied_to', id: '1800000000000000001' }],
        conversation_id: '1800000000000000001',
      }),
      tweet({
        id: '13',
        author_id: '1000',
        text: '2/ thread',
        in_reply_to_user_id: '1000',
        referenced_tweets: [{ type: 'replied_to', id: '11' }],
      }),
    ]);
    const { posts, replies } = timelineItems(tweets, { externalId: '1000', handle: 'lumi_br' });
    expect(posts.map((p) => p.externalId)).toEqual(['11', '13']);
    expect(replies).toEqual([
      expect.objectContaining({
        externalId: '12',
        inReplyToExternalId: '1800000000000000001',
        inReplyToUserId: '2001',
        conversationId: '1800000000000000001',
        accountHandle: 'lumi_br',
      }),
    ]);
    expect(posts[0].metrics).toEqual({ likes: 2, reposts: 1, quotes: 3, replies: 0, impressions: 40 });
  });

  it('records follower counts, and none when X did not send them', () => {
    const at = new Date('2026-11-20T12:00:00Z');
    expect(snapshotOf(parseUsers([brand]).get('1000')!, at)).toEqual({
      platform: 'x',
      externalId: '1000',
      handle: 'lumi_br',
      followers: 5200,
      at,
    });
    expect(snapshotOf(parseUsers([{ id: '1', username: 'x' }]).get('1')!, at)).toBeNull();
  });
});
