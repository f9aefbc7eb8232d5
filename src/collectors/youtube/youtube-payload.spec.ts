import { parseThreads, parseVideos, postsOf, threadItems, videoMentionsOf } from './youtube-payload';

const BRAND = { externalId: 'UCbrand', handle: 'acmebank' };
const comment = (id: string, author: string, text: string, at: string, extra: Record<string, unknown> = {}) => ({
  kind: 'youtube#comment',
  id,
  snippet: {
    videoId: 'vid00000001',
    textDisplay: text,
    textOriginal: text,
    authorDisplayName: `@${author.toLowerCase()}`,
    authorChannelUrl: `http://www.youtube.com/@${author.toLowerCase()}`,
    authorChannelId: { value: author },
    likeCount: 3,
    publishedAt: at,
    ...extra,
  },
});
const video = (id: string, channelId: string, stats: Record<string, string> | undefined) => ({
  kind: 'youtube#video',
  id,
  snippet: {
    publishedAt: '2026-12-01T10:00:00Z',
    channelId,
    channelTitle: 'Some channel',
    title: `Title ${id}`,
    description: 'About acme',
  },
  ...(stats ? { statistics: stats } : {}),
});

describe('YouTube payloads', () => {
  it('maps the brand’s videos to posts: likes, comments and views from string counts; shares unknown (amplification null)', () => {
    const { videos, skipped } = parseVideos([
      video('vid00000001', 'UCbrand', { viewCount: '3000', likeCount: '120', favoriteCount: '0', commentCount: '7' }),
      video('vid00000002', 'UCbrand', { viewCount: '10' }),
    ]);
    expect(skipped).toEqual([]);
    const posts = postsOf(videos, BRAND);
    expect(posts[0]).toMatchObject({
      platform: 'youtube',
      externalId: 'vid00000001',
      url: 'https://www.youtube.com/watch?v=vid00000001',
      text: 'Title vid00000001\nAbout acme',
      metrics: { likes: 120, replies: 7, impressions: 3000, reposts: null },
    });
    // likes hidden by the owner: 0 likes known, views still counted
    expect(posts[1].metrics).toEqual({ likes: 0, replies: 0, impressions: 10, reposts: null, quotes: 0 });
  });

  it('sets aside a malformed video or thread and keeps the rest of the page', () => {
    const { videos, skipped } = parseVideos([
      video('vid00000001', 'UCbrand', { likeCount: 'many' }),
      video('vid00000003', 'UCother', undefined),
    ]);
    expect(videos.map((v) => v.id)).toEqual(['vid00000003']);
    expect(skipped[0]).toMatchObject({ id: 'vid00000001', problem: expect.stringContaining('statistics.likeCount') });
    const threads = parseThreads([
      { id: 'UgBad', snippet: { videoId: 'vid00000001', topLevelComment: { id: 'UgBad', snippet: { textDisplay: 'x' } } } },
    ]);
    expect(threads.threads).toEqual([]);
    expect(threads.skipped[0]).toMatchObject({ id: 'UgBad', problem: expect.stringContaining('authorChannelId') });
  });

  it('turns comment threads into mentions (others) and care replies (the brand’s replies to the commenter)', () => {
    const { threads } = parseThreads([
      {
        kind: 'youtube#commentThread',
        id: 'UgAna',
        snippet: {
          videoId: 'vid00000001',
          totalReplyCount: 2,
          topLevelComment: comment('UgAna', 'UCana', 'my card is blocked', '2026-12-06T10:00:00Z'),
        },
        replies: {
          comments: [
            comment('UgAna.r1', 'UCbrand', 'Hi Ana, fixed', '2026-12-06T11:00:00Z', { parentId: 'UgAna' }),
            comment('UgAna.r2', 'UCcarla', 'same here', '2026-12-06T12:00:00Z', { parentId: 'UgAna' }),
          ],
        },
      },
      // the brand's own top-level comment (a pinned note) is neither
      {
        kind: 'youtube#commentThread',
        id: 'UgPin',
        snippet: {
          videoId: 'vid00000001',
          totalReplyCount: 0,
          topLevelComment: comment('UgPin', 'UCbrand', 'Welcome!', '2026-12-06T09:00:00Z'),
        },
      },
    ]);
    const { mentions, replies } = threadItems(threads, BRAND);
    expect(mentions.map((m) => [m.externalId, m.author.handle, m.inReplyToExternalId, m.conversationId])).toEqual([
      ['UgAna', 'ucana', 'vid00000001', 'UgAna'],
      ['UgAna.r2', 'uccarla', 'UgAna', 'UgAna'],
    ]);
    expect(mentions[0]).toMatchObject({
      url: 'https://www.youtube.com/watch?v=vid00000001&lc=UgAna',
      inReplyToUserId: 'UCbrand',
      metrics: { likes: 3, replies: 2 },
    });
    expect(replies).toEqual([
      expect.objectContaining({
        externalId: 'UgAna.r1',
        inReplyToExternalId: 'UgAna',
        inReplyToUserId: 'UCana',
        accountExternalId: 'UCbrand',
        createdAt: new Date('2026-12-06T11:00:00Z'),
      }),
    ]);
  });

  it('keeps the videos of others found by search as mentions, never the brand’s own', () => {
    const { videos } = parseVideos([video('vid00000001', 'UCbrand', {}), video('vid00000004', 'UCcreator', { likeCount: '5' })]);
    const mentions = videoMentionsOf(videos, new Set(['UCbrand']));
    expect(mentions).toEqual([
      expect.objectContaining({
        externalId: 'vid00000004',
        author: expect.objectContaining({ externalId: 'UCcreator', name: 'Some channel' }),
        metrics: expect.objectContaining({ likes: 5, reposts: 0 }),
      }),
    ]);
  });
});
