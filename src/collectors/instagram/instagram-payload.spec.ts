import {
  commentItems,
  mentionedCommentMentions,
  ownPostOf,
  parseComments,
  parseMedia,
  parseTagged,
  taggedMentions,
} from './instagram-payload';

const account = { externalId: '17841400000000001', handle: '17841400000000001', username: 'lumibanco' };
const media = { id: '17900000000000001', permalink: 'https://www.instagram.com/p/ABC123/' };

describe('Instagram payload', () => {
  it('makes media own posts with no share count (null, so amplification is unknown, not 0)', () => {
    const { items } = parseMedia([
      {
        id: media.id,
        caption: 'Novo cartão',
        timestamp: '2026-12-01T10:00:00+0000',
        like_count: 50,
        comments_count: 4,
        permalink: media.permalink,
        media_type: 'IMAGE',
      },
    ]);
    expect(ownPostOf(items[0], account)).toEqual({
      platform: 'instagram',
      externalId: media.id,
      accountExternalId: account.externalId,
      accountHandle: 'lumibanco',
      text: 'Novo cartão',
      createdAt: new Date('2026-12-01T10:00:00Z'),
      url: media.permalink,
      metrics: { likes: 50, reposts: null, quotes: 0, replies: 4, impressions: null },
    });
  });

  it("flattens comments and their replies: others' are mentions, the account's replies brand replies", () => {
    const { items, skipped } = parseComments([
      {
        id: '18000000000000001',
        text: 'Onde está meu pedido?',
        timestamp: '2026-12-01T11:00:00+0000',
        username: 'joao.silva',
        from: { id: '17841400000000002', username: 'joao.silva' },
        replies: {
          data: [
            {
              id: '18000000000000002',
              text: '@joao.silva te chamamos no direct',
              timestamp: '2026-12-01T11:05:00+0000',
              username: 'lumibanco',
              from: { id: account.externalId, username: 'lumibanco' },
            },
            {
              id: '18000000000000003',
              text: 'o meu também',
              timestamp: '2026-12-01T11:06:00+0000',
              username: 'maria_r',
              from: { id: '17841400000000003', username: 'maria_r' },
            },
            { id: '18000000000000004', timestamp: '2026-12-01T11:07:00+0000', username: 'maria_r' },
          ],
        },
      },
    ]);
    expect(skipped).toEqual([{ id: '18000000000000004', problem: expect.stringMatching(/^text: /), raw: expect.anything() }]);
    const { mentions, replies } = commentItems(items, media, account);
    expect(mentions.map((m) => [m.externalId, m.author.handle, m.inReplyToExternalId, m.inReplyToUserId, m.url])).toEqual([
      ['18000000000000001', 'joao.silva', media.id, account.externalId, 'https://www.instagram.com/p/ABC123/c/18000000000000001/'],
      ['18000000000000003', 'maria_r', '18000000000000001', '17841400000000002', 'https://www.instagram.com/p/ABC123/c/18000000000000003/'],
    ]);
    expect(replies).toEqual([
      expect.objectContaining({
        platform: 'instagram',
        externalId: '18000000000000002',
        inReplyToExternalId: '18000000000000001',
        inReplyToUserId: '17841400000000002',
        conversationId: media.id,
      }),
    ]);
  });

  it('makes media that tag the account mentions by their owners', () => {
    const { items } = parseTagged([
      {
        id: '17900000000000009',
        caption: 'Meu cartão da @lumibanco',
        timestamp: '2026-12-01T12:00:00+0000',
        username: 'Maria_R',
        permalink: 'https://www.instagram.com/p/XYZ/',
      },
    ]);
    expect(taggedMentions(items, account)).toEqual([
      expect.objectContaining({
        externalId: '17900000000000009',
        text: 'Meu cartão da @lumibanco',
        author: { externalId: 'username:maria_r', handle: 'maria_r' },
        inReplyToUserId: account.externalId,
      }),
    ]);
  });

  it('makes a comment that @mentions the account a mention keyed by the comment id, author unknown; a malformed one is skipped', () => {
    const ok = mentionedCommentMentions({
      id: '17800000000000009',
      text: 'lumibanco me ajuda',
      timestamp: '2026-12-01T10:00:00+0000',
      like_count: 2,
      media,
    });
    expect(ok.items).toEqual([
      expect.objectContaining({
        externalId: '17800000000000009',
        url: 'https://www.instagram.com/p/ABC123/c/17800000000000009/',
        author: { externalId: 'unknown:comment:17800000000000009', handle: 'unknown' },
        conversationId: media.id,
        inReplyToExternalId: media.id,
      }),
    ]);
    const bad = mentionedCommentMentions({ id: '17800000000000010', text: 'x', timestamp: 'ontem', media });
    expect(bad.items).toEqual([]);
    expect(bad.skipped).toEqual([expect.objectContaining({ id: '17800000000000010', problem: expect.stringMatching(/timestamp/) })]);
  });
});
