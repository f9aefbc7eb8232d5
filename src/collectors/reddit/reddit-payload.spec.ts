import {
  brandReplies,
  commentMentions,
  flattenThread,
  idValue,
  listingOf,
  newerFullname,
  ownPosts,
  parseComments,
  parseSubmissions,
  submissionMentions,
} from './reddit-payload';

const t3 = (over: Record<string, unknown> = {}) => ({
  kind: 't3',
  data: {
    id: 'abc1',
    name: 't3_abc1',
    title: 'Is Acme any good?',
    selftext: 'Fees seem high.',
    author: 'dave_p',
    author_fullname: 't2_dave',
    subreddit: 'personalfinance',
    permalink: '/r/personalfinance/comments/abc1/is_acme_any_good/',
    created_utc: 1_780_000_000.5,
    score: 12,
    num_comments: 3,
    num_crossposts: 2,
    ...over,
  },
});
const t1 = (over: Record<string, unknown> = {}) => ({
  kind: 't1',
  data: {
    id: 'def2',
    name: 't1_def2',
    body: 'My card was blocked',
    author: 'ana_r',
    author_fullname: 't2_ana',
    link_id: 't3_abc1',
    parent_id: 't3_abc1',
    subreddit: 'AcmeBank',
    permalink: '/r/AcmeBank/comments/abc1/x/def2/',
    created_utc: 1_780_000_100,
    score: 4,
    ...over,
  },
});

describe('Reddit payloads', () => {
  it('maps a submission to a mention keyed by its fullname, score as likes and crossposts as shares', () => {
    const { items, skipped } = parseSubmissions([t3()]);
    expect(skipped).toEqual([]);
    expect(submissionMentions(items, new Set())).toEqual([
      expect.objectContaining({
        platform: 'reddit',
        externalId: 't3_abc1',
        text: 'Is Acme any good?\n\nFees seem high.',
        createdAt: new Date(1_780_000_000_500),
        url: 'https://www.reddit.com/r/personalfinance/comments/abc1/is_acme_any_good/',
        author: expect.objectContaining({ externalId: 't2_dave', handle: 'dave_p' }),
        conversationId: 't3_abc1',
        metrics: { likes: 12, reposts: 2, quotes: 0, replies: 3, impressions: null },
      }),
    ]);
    // the brand's own submissions are its posts, not mentions
    expect(submissionMentions(items, new Set(['dave_p']))).toEqual([]);
    expect(ownPosts(items, { externalId: 't2_dave', handle: 'Dave_P' })[0]).toMatchObject({
      externalId: 't3_abc1',
      metrics: { likes: 12, reposts: 2, replies: 3 },
    });
  });

  it('quarantines a malformed thing by fullname and keeps the rest; skips "more" stubs', () => {
    const { items, skipped } = parseComments([
      t1(),
      t1({ name: 't1_bad9', id: 'bad9', created_utc: 'yesterday' }),
      { kind: 'more', data: { count: 3, children: ['x'] } },
      t3(),
    ]);
    expect(items.map((c) => c.name)).toEqual(['t1_def2']);
    expect(skipped.map((s) => s.id)).toEqual(['t1_bad9', 't3_abc1']);
    expect(skipped[0].problem).toMatch(/^data\.created_utc: /);
    expect(skipped[1].problem).toBe('kind: expected "t1", got "t3"');
  });

  it('answers a comment on the brand’s submission to the brand; a deleted author has no fullname', () => {
    const { items } = parseComments([
      t1(),
      t1({ id: 'g3', name: 't1_g3', parent_id: 't1_def2', author: '[deleted]', author_fullname: undefined }),
    ]);
    const mentions = commentMentions(items, new Set(['acmebank']), new Map([['t3_abc1', { externalId: 't2_brand' }]]));
    expect(mentions.map((m) => [m.externalId, m.inReplyToExternalId, m.inReplyToUserId, m.conversationId])).toEqual([
      ['t1_def2', 't3_abc1', 't2_brand', 't3_abc1'],
      ['t1_g3', 't1_def2', null, 't3_abc1'],
    ]);
    expect(mentions[1].author).toMatchObject({ externalId: 'u/[deleted]', handle: '[deleted]' });
  });

  it('makes the brand’s comments care replies only when their parent is someone else’s', () => {
    const { items } = parseComments([
      t1({ id: 'r1', name: 't1_r1', author: 'AcmeBank', parent_id: 't1_def2' }),
      t1({ id: 'r2', name: 't1_r2', author: 'AcmeBank', parent_id: 't1_own1' }),
      t1({ id: 'r3', name: 't1_r3', author: 'AcmeBank', parent_id: 't3_abc1', link_author: 'dave_p' }),
      t1({ id: 'r4', name: 't1_r4', author: 'AcmeBank', parent_id: 't1_gone' }),
    ]);
    const parents = new Map([
      ['t1_def2', { name: 'ana_r', externalId: 't2_ana' }],
      ['t1_own1', { name: 'acmebank', externalId: 't2_brand' }],
    ]);
    const replies = brandReplies(items, { externalId: 't2_brand', handle: 'acmebank' }, parents);
    expect(replies.map((r) => [r.externalId, r.inReplyToExternalId, r.inReplyToUserId])).toEqual([
      ['t1_r1', 't1_def2', 't2_ana'],
      ['t1_r3', 't3_abc1', null],
    ]);
  });

  it('reads Listings and flattens threads depth first', () => {
    expect(listingOf({ kind: 'Listing', data: { after: 't3_x', children: [1] } })).toEqual({ after: 't3_x', children: [1] });
    expect(listingOf({ message: 'Too Many Requests', error: 429 })).toBeNull();
    const nested = t1({ replies: { kind: 'Listing', data: { after: null, children: [t1({ id: 'c2', name: 't1_c2' })] } } });
    expect(
      flattenThread([nested, t1({ id: 'c3', name: 't1_c3', replies: '' })]).map((c) => (c as { data: { name: string } }).data.name),
    ).toEqual(['t1_def2', 't1_c2', 't1_c3']);
  });

  it('compares base-36 ids as numbers', () => {
    expect(idValue('t3_z')).toBe(35n);
    expect(idValue('t1_10')).toBe(36n);
    expect(newerFullname('t1_z', 't1_10')).toBe('t1_10');
    expect(newerFullname(null, 't1_a')).toBe('t1_a');
  });
});
