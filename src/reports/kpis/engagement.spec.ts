import { engagementKpis, followersAt } from './engagement';
import { FollowerSample, OwnPostRow } from './rows';

const range = { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-08T00:00:00Z') };

function post(postId: string, publishedAt: string, values: Partial<OwnPostRow> = {}): OwnPostRow {
  return {
    postId,
    accountId: 'A',
    publishedAt: new Date(publishedAt),
    likes: 0,
    reposts: 0,
    quotes: 0,
    replies: 0,
    impressions: null,
    ...values,
  };
}

const sample = (accountId: string, at: string, followers: number): FollowerSample => ({ accountId, at: new Date(at), followers });

describe('engagement KPIs', () => {
  const posts = [
    post('p1', '2024-03-02T10:00:00Z', { likes: 10, reposts: 2, quotes: 1, replies: 3, impressions: 1000 }),
    post('p2', '2024-03-03T10:00:00Z', { likes: 20, reposts: 4, quotes: 0, replies: 1, impressions: null }),
    post('p3', '2024-03-07T23:59:59Z', { likes: 0, reposts: 0, quotes: 0, replies: 2, impressions: 500 }),
    post('p4', '2024-03-08T00:00:00Z', { likes: 1000, reposts: 1000, replies: 1000, impressions: 1 }), // at `to`: out
  ];
  const samples = [
    sample('A', '2024-03-06T00:00:00Z', 4000),
    sample('A', '2024-03-07T21:00:00Z', 4800), // 3 h before `to`
    sample('A', '2024-03-08T01:00:00Z', 5000), // 1 h after `to`: closest
    sample('B', '2024-03-08T00:00:00Z', 999_999),
  ];

  it('computes the per-post rates', () => {
    const kpis = engagementKpis(posts, samples, range);
    expect(kpis.posts).toBe(3);
    expect(kpis.applauseRate).toBe(10); // (10 + 20 + 0) / 3
    expect(kpis.amplificationRate).toBeCloseTo(7 / 3, 12); // ((2 + 1) + (4 + 0) + 0) / 3
    expect(kpis.conversationRate).toBe(2); // (3 + 1 + 2) / 3
  });

  it('divides by the follower count closest to `to`', () => {
    const kpis = engagementKpis(posts, samples, range);
    expect(kpis.applausePer1kFollowers).toBeCloseTo(2, 12); // 10 / 5000 × 1000
    expect(kpis.amplificationPer1kFollowers).toBeCloseTo((7 / 3 / 5000) * 1000, 12); // 0.467
  });

  it('counts only posts with known impressions in the engagement rate', () => {
    // p1: 10 + (2 + 1) + 3 = 16, p3: 2; impressions 1000 + 500; p2 (unknown) left out
    expect(engagementKpis(posts, samples, range).engagementRate).toBeCloseTo(((16 + 2) / 1500) * 100, 12); // 1.2
  });

  it('normalises each post by its own account with several accounts', () => {
    const kpis = engagementKpis(
      [post('a', '2024-03-02T00:00:00Z', { accountId: 'A', likes: 10 }), post('b', '2024-03-02T00:00:00Z', { accountId: 'B', likes: 20 })],
      [sample('A', '2024-03-08T00:00:00Z', 1000), sample('B', '2024-03-08T00:00:00Z', 4000)],
      range,
    );
    // (10 / 1000 + 20 / 4000) / 2 × 1000 = (10 + 5) / 2 = 7.5 (summing followers would give 15 / 5000 × 1000 = 3)
    expect(kpis.applausePer1kFollowers).toBeCloseTo(7.5, 12);
  });

  it('leaves out posts of accounts without a follower sample', () => {
    const kpis = engagementKpis(
      [post('a', '2024-03-02T00:00:00Z', { accountId: 'A', likes: 10 }), post('c', '2024-03-02T00:00:00Z', { accountId: 'C', likes: 90 })],
      [sample('A', '2024-03-08T00:00:00Z', 1000)],
      range,
    );
    expect(kpis.applauseRate).toBe(50); // (10 + 90) / 2
    expect(kpis.applausePer1kFollowers).toBeCloseTo(10, 12); // 10 / 1000 × 1000, C has no sample
  });

  it('is null, never NaN, without posts, followers or impressions', () => {
    expect(engagementKpis([], samples, range)).toEqual({
      posts: 0,
      applauseRate: null,
      amplificationRate: null,
      conversationRate: null,
      applausePer1kFollowers: null,
      amplificationPer1kFollowers: null,
      engagementRate: null,
    });
    const kpis = engagementKpis([post('p', '2024-03-02T00:00:00Z', { likes: 5 })], [sample('A', '2024-03-02T00:00:00Z', 0)], range);
    expect(kpis.applauseRate).toBe(5);
    expect(kpis.applausePer1kFollowers).toBeNull();
    expect(kpis.engagementRate).toBeNull();
  });
});

describe('followersAt', () => {
  it('prefers the earlier sample on a tie', () => {
    const to = new Date('2024-03-08T00:00:00Z');
    expect(followersAt([sample('A', '2024-03-08T01:00:00Z', 2), sample('A', '2024-03-07T23:00:00Z', 1)], 'A', to)).toBe(1);
    expect(followersAt([], 'A', to)).toBeNull();
  });

  it('leaves amplification unknown (null) where no post has a share count, and counts only known ones', () => {
    const instagram = [
      post('i1', '2024-03-02T10:00:00Z', { likes: 8, reposts: null, replies: 4 }),
      post('i2', '2024-03-03T10:00:00Z', { likes: 2, reposts: null, replies: 0 }),
    ];
    const only = engagementKpis(instagram, [sample('A', '2024-03-07T00:00:00Z', 1000)], range);
    expect(only.applauseRate).toBe(5);
    expect(only.conversationRate).toBe(2);
    expect(only.amplificationRate).toBeNull();
    expect(only.amplificationPer1kFollowers).toBeNull();
    const mixed = engagementKpis([...instagram, post('f1', '2024-03-04T10:00:00Z', { reposts: 6 })], [], range);
    expect(mixed.amplificationRate).toBe(6); // the Facebook post alone: Instagram's shares are unknown, not 0
  });
});
