import { topicMatcher } from '../../topics/query';
import { mentionsOf, parseStatuses, queryableOf, snapshotOf, textOf, timelineItems } from './mastodon-payload';

const account = (id: string, username: string, acct = username) => ({
  id,
  username,
  acct,
  displayName: username.toUpperCase(),
  followersCount: 10,
});

function status(id: string, author: ReturnType<typeof account>, content: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    createdAt: '2026-11-20T12:00:00.000Z',
    inReplyToId: null,
    inReplyToAccountId: null,
    sensitive: false,
    spoilerText: '',
    visibility: 'public',
    language: 'pt',
    uri: `https://social.example/users/${author.username}/statuses/${id}`,
    url: `https://social.example/@${author.username}/${id}`,
    repliesCount: 1,
    reblogsCount: 2,
    favouritesCount: 3,
    quotesCount: 0,
    content,
    reblog: null,
    account: author,
    mentions: [],
    tags: [],
    ...extra,
  };
}

const BRAND = account('100', 'lumi');
const ANA = account('201', 'ana', 'ana@other.example');

describe('Mastodon payloads', () => {
  it('reads the text a reader sees from the HTML content, after the content warning', () => {
    const html =
      '<p>Oi <span class="h-card"><a href="https://social.example/@lumi" class="u-url mention">@<span>lumi</span></a></span>, cartão &amp; app <a href="https://social.example/tags/lumi" class="mention hashtag" rel="tag">#<span>lumi</span></a></p><p>linha 2<br />linha 3 <a href="https://lumi.example/ajuda"><span class="invisible">https://</span><span>lumi.example/ajuda</span></a></p>';
    expect(textOf({ content: html, spoilerText: '' })).toBe('Oi @lumi, cartão & app #lumi\nlinha 2\nlinha 3 https://lumi.example/ajuda');
    expect(textOf({ content: '<p>detalhes</p>', spoilerText: 'reclamação' })).toBe('reclamação\ndetalhes');
  });

  it('keeps the good statuses of a page and reports the malformed ones', () => {
    const { statuses, skipped } = parseStatuses([
      status('1', ANA, '<p>ok</p>'),
      { ...status('2', ANA, '<p>x</p>'), id: 'abc' },
      { nothing: true },
    ]);
    expect(statuses.map((s) => s.id)).toEqual(['1']);
    expect(skipped).toEqual([
      { id: 'abc', problem: expect.stringContaining('id'), raw: expect.objectContaining({ id: 'abc', content: '<p>x</p>' }) },
      { id: '(no id)', problem: expect.stringContaining('createdAt'), raw: { nothing: true } },
    ]);
  });

  it('turns statuses into mentions, never reblogs or the brand’s own', () => {
    const { statuses } = parseStatuses([
      status('11', ANA, '<p>lumi travou</p>', { inReplyToId: '9', inReplyToAccountId: '100' }),
      status('12', ANA, '', { reblog: status('5', BRAND, '<p>novidade</p>') }),
      status('13', BRAND, '<p>lumi novidade</p>'),
    ]);
    expect(mentionsOf(statuses, new Set(['100']))).toEqual([
      {
        platform: 'mastodon',
        externalId: '11',
        text: 'lumi travou',
        createdAt: new Date('2026-11-20T12:00:00.000Z'),
        url: 'https://social.example/@ana/11',
        author: { externalId: '201', handle: 'ana@other.example', name: 'ANA', followers: 10 },
        platformLang: 'pt',
        conversationId: null,
        inReplyToExternalId: '9',
        inReplyToUserId: '100',
        metrics: { likes: 3, reposts: 2, quotes: 0, replies: 1, impressions: null },
      },
    ]);
  });

  it('splits the brand’s statuses into public posts (threads included) and replies to others, direct ones too', () => {
    const { statuses } = parseStatuses([
      status('21', BRAND, '<p>Oi Ana!</p>', { inReplyToId: '11', inReplyToAccountId: '201', visibility: 'direct' }),
      status('22', BRAND, '<p>2/2</p>', { inReplyToId: '20', inReplyToAccountId: '100' }),
      status('23', BRAND, '<p>só seguidores</p>', { visibility: 'private' }),
      status('24', BRAND, '<p>Novo app</p>'),
    ]);
    const out = timelineItems(statuses, { externalId: '100', handle: 'lumi' });
    expect(out.replies.map((r) => [r.externalId, r.inReplyToExternalId, r.inReplyToUserId])).toEqual([['21', '11', '201']]);
    expect(out.posts.map((p) => p.externalId)).toEqual(['22', '24']);
    expect(snapshotOf(BRAND, new Date(0))).toEqual({
      platform: 'mastodon',
      externalId: '100',
      handle: 'lumi',
      followers: 10,
      at: new Date(0),
    });
  });

  it('matches the topic query with Mastodon’s own hashtags and mentions', () => {
    const { statuses } = parseStatuses([
      status('31', ANA, '<p>oi <a class="u-url mention">@<span>lumi_br</span></a></p>', {
        mentions: [{ id: '100', username: 'lumi_br', acct: 'lumi_br' }],
      }),
      status('32', ANA, '<p>viva #LumiBank</p>', { tags: [{ name: 'lumibank' }] }),
      status('33', ANA, '<p>lumi golpe</p>'),
    ]);
    const m = topicMatcher('(@lumi_br OR #lumibank OR lumi) -golpe', queryableOf);
    expect(statuses.map(m)).toEqual([true, true, false]);
  });
});
