import { foldAuthors, rankAuthors, type AuthorLabelTotals } from './influential-authors';

const g = (authorId: string, label: string, mentions: number, likes: number, followers: number | null): AuthorLabelTotals => ({
  platform: 'x',
  authorId,
  label,
  handle: `h${authorId}`,
  name: null,
  followers,
  mentions,
  likes,
  reposts: 1,
  quotes: 0,
  replies: 2,
});

describe('influential authors', () => {
  const authors = foldAuthors([
    g('1', 'positive', 2, 10, 500),
    g('1', 'negative', 1, 0, 520),
    g('2', 'neutral', 5, 1, 80),
    g('3', 'negative', 1, 100, null),
  ]);

  it('folds the per-label groups into one row per author (hand-computed)', () => {
    expect(authors.find((a) => a.authorId === '1')).toEqual({
      platform: 'x',
      authorId: '1',
      handle: 'h1',
      name: null,
      followers: 520,
      mentions: 3,
      engagement: 10 + 1 + 2 + (0 + 1 + 2), // likes + reposts + replies of both groups
      sentiment: { negative: 1, neutral: 0, positive: 2 },
    });
  });

  it('ranks by reach, engagement or mentions; an author without followers ranks last by reach', () => {
    expect(rankAuthors(authors, 'reach', 10).map((a) => a.authorId)).toEqual(['1', '2', '3']);
    expect(rankAuthors(authors, 'engagement', 10).map((a) => a.authorId)).toEqual(['3', '1', '2']);
    expect(rankAuthors(authors, 'mentions', 2).map((a) => a.authorId)).toEqual(['2', '1']);
  });
});
