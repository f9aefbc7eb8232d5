import { createRestAPIClient, MastoHttpError, type mastodon } from 'masto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MASTODON_EMULATOR_TOKEN as MASTODON_TEST_TOKEN,
  MastodonEmulator as MastodonTestServer,
  type MastodonEmulatorOptions,
  type MastodonUser as MastodonTestUser,
} from './mastodon-emulator';

/** The emulator on HTTPS with the committed "localhost" fixture certificate (trusted by `npm test`). */
async function startMastodonTestServer(
  options: Omit<MastodonEmulatorOptions, 'tls'> = {},
): Promise<{ server: MastodonTestServer; baseUrl: string }> {
  const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
  const server = new MastodonTestServer({
    ...options,
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
  });
  const { baseUrl } = await server.start();
  return { server, baseUrl };
}

/**
 * The Mastodon test server, driven through `masto` (v8) as the collector will drive it: masto
 * camel-cases the snake_case JSON and follows the Link headers of paginated lists, so what passes
 * here is what the collector sees.
 */
describe('Mastodon test server (through masto)', () => {
  let server: MastodonTestServer;
  let baseUrl: string;
  let client: mastodon.rest.Client;
  let lumi: MastodonTestUser;
  let rui: MastodonTestUser;
  let ana: MastodonTestUser;

  const at = (iso: string) => new Date(iso);

  async function rejection(promise: PromiseLike<unknown>): Promise<MastoHttpError> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof MastoHttpError) return err;
      throw err;
    }
    throw new Error('expected a MastoHttpError');
  }

  /** masto keeps the failed fetch Response as the error's cause: its headers are readable there. */
  function headersOf(err: MastoHttpError): Headers {
    expect(err.cause).toBeInstanceOf(Response);
    return (err.cause as Response).headers;
  }

  /** rel → URL of a Link header */
  function links(header: string | null): Record<string, URL> {
    const out: Record<string, URL> = {};
    for (const m of (header ?? '').matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)) out[m[2]] = new URL(m[1]);
    return out;
  }

  async function allPages<T>(paginator: AsyncIterable<T[]>): Promise<T[][]> {
    const pages: T[][] = [];
    for await (const page of paginator) pages.push(page);
    return pages;
  }

  beforeAll(async () => {
    ({ server, baseUrl } = await startMastodonTestServer());
    lumi = server.addUser({ username: 'lumi', displayName: 'Lumi', followersCount: 1234 });
    rui = server.addUser({ username: 'rui' });
    ana = server.addUser({ username: 'ana', domain: 'other.example', displayName: 'Ana' });
    client = createRestAPIClient({ url: baseUrl, accessToken: MASTODON_TEST_TOKEN });
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(() => server.clearFaults());

  it('verifies credentials and looks accounts up by acct', async () => {
    expect(baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
    expect(lumi).toEqual({ id: expect.stringMatching(/^\d+$/), username: 'lumi', acct: 'lumi', displayName: 'Lumi', followersCount: 1234 });
    expect(ana.acct).toBe('ana@other.example');
    expect(server.addUser({ username: 'lumi' }).id).toBe(lumi.id);

    const me = await client.v1.accounts.verifyCredentials();
    expect(me).toMatchObject({
      id: lumi.id,
      username: 'lumi',
      acct: 'lumi',
      displayName: 'Lumi',
      followersCount: 1234,
      followingCount: 0,
      url: 'https://social.example/@lumi',
      uri: 'https://social.example/users/lumi',
      locked: false,
      bot: false,
      group: false,
      createdAt: '2023-05-01T00:00:00.000Z',
      emojis: [],
      fields: [],
      source: { privacy: 'public', note: '', fields: [] },
    });

    expect((await client.v1.accounts.lookup({ acct: 'lumi' })).id).toBe(lumi.id);
    expect((await client.v1.accounts.lookup({ acct: '@LUMI@social.example' })).id).toBe(lumi.id);
    const remote = await client.v1.accounts.lookup({ acct: 'ana@other.example' });
    expect(remote).toMatchObject({ id: ana.id, username: 'ana', acct: 'ana@other.example', url: 'https://other.example/@ana' });
    expect((await client.v1.accounts.$select(rui.id).fetch()).acct).toBe('rui');

    const missing = await rejection(client.v1.accounts.lookup({ acct: 'ghost' }));
    expect(missing).toMatchObject({ statusCode: 404, message: 'Record not found' });
    expect(server.requests.at(-1)).toEqual({
      route: 'accounts-lookup',
      path: '/api/v1/accounts/lookup',
      params: { acct: 'ghost' },
      authorized: true,
    });
  });

  it('renders content like Mastodon: escaping, paragraphs, links, hashtags and mentions', async () => {
    const text = `Tom & Jerry <b>"quoted"</b> it's #Café time, cc @rui and @ana@other.example and @ghost\nsee https://example.com/a-very-long-path/that-is-cut?x=1.\n\nnew paragraph`;
    const post = server.addPost({ author: 'lumi', text, createdAt: at('2025-03-01T10:00:00.000Z'), language: 'en' });
    expect(post.url).toBe(`https://social.example/@lumi/${post.id}`);
    expect(post.uri).toBe(`https://social.example/users/lumi/statuses/${post.id}`);

    const status = await client.v1.statuses.$select(post.id).fetch();
    expect(status.content).toBe(
      '<p>Tom &amp; Jerry &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; it&#39;s ' +
        '<a href="https://social.example/tags/Caf%C3%A9" class="mention hashtag" rel="tag">#<span>Café</span></a> time, cc ' +
        '<span class="h-card" translate="no"><a href="https://social.example/@rui" class="u-url mention">@<span>rui</span></a></span> and ' +
        '<span class="h-card" translate="no"><a href="https://other.example/@ana" class="u-url mention">@<span>ana</span></a></span> and @ghost<br />see ' +
        '<a href="https://example.com/a-very-long-path/that-is-cut?x=1" target="_blank" rel="nofollow noopener" translate="no">' +
        '<span class="invisible">https://</span><span class="ellipsis">example.com/a-very-long-path/t</span><span class="invisible">hat-is-cut?x=1</span></a>.</p>' +
        '<p>new paragraph</p>',
    );
    expect(status.mentions).toEqual([
      { id: rui.id, username: 'rui', url: 'https://social.example/@rui', acct: 'rui' },
      { id: ana.id, username: 'ana', url: 'https://other.example/@ana', acct: 'ana@other.example' },
    ]);
    expect(status.tags).toEqual([{ name: 'café', url: 'https://social.example/tags/caf%C3%A9' }]);
    expect(status).toMatchObject({
      id: post.id,
      uri: post.uri,
      url: post.url,
      createdAt: '2025-03-01T10:00:00.000Z',
      editedAt: null,
      language: 'en',
      visibility: 'public',
      sensitive: false,
      spoilerText: '',
      inReplyToId: null,
      inReplyToAccountId: null,
      reblog: null,
      repliesCount: 0,
      reblogsCount: 0,
      favouritesCount: 0,
      quotesCount: 0,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
      filtered: [],
      mediaAttachments: [],
      emojis: [],
      card: null,
      poll: null,
      application: { name: 'Web', website: null },
      account: { id: lumi.id, acct: 'lumi', displayName: 'Lumi' },
    });

    // Replies count on the parent; a content warning makes the status sensitive.
    const reply = server.addPost({
      author: 'ana@other.example',
      text: 'a reply',
      createdAt: at('2025-03-01T10:05:00.000Z'),
      replyTo: post.id,
      spoilerText: 'spoilers',
    });
    expect(reply.url).toBe(`https://other.example/@ana/${reply.id}`);
    const replyStatus = await client.v1.statuses.$select(reply.id).fetch();
    expect(replyStatus).toMatchObject({
      inReplyToId: post.id,
      inReplyToAccountId: lumi.id,
      sensitive: true,
      spoilerText: 'spoilers',
      application: null,
    });
    expect((await client.v1.statuses.$select(post.id).fetch()).repliesCount).toBe(1);
    server.addPost({ author: 'rui', text: 'Dear <everyone>', createdAt: at('2025-03-01T10:06:00.000Z') });
  });

  it('pages account statuses with the paginator over more than 40 statuses', async () => {
    const pager = server.addUser({ username: 'pager' });
    const start = Date.parse('2025-04-01T00:00:00.000Z');
    for (let i = 0; i < 93; i++) {
      server.addPost({ author: 'pager', text: `status number ${i}`, createdAt: new Date(start + i * 60_000) });
    }
    // Two in the same millisecond still get distinct, ordered ids.
    server.addPost({ author: 'pager', text: 'status number 93', createdAt: new Date(start + 93 * 60_000) });
    server.addPost({ author: 'pager', text: 'status number 94', createdAt: new Date(start + 93 * 60_000) });

    server.requests.length = 0;
    const pages = await allPages(client.v1.accounts.$select(pager.id).statuses.list({ limit: 40 }));
    expect(pages.map((page) => page.length)).toEqual([40, 40, 15]);
    const all = pages.flat();
    const ids = all.map((s) => s.id);
    expect(new Set(ids).size).toBe(95);
    expect(all[0].content).toBe('<p>status number 94</p>');
    expect(all[94].content).toBe('<p>status number 0</p>');
    // Newest first, by numeric id; ids are ms timestamps << 16 plus a sequence.
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i])).toBeLessThan(BigInt(ids[i - 1]));
    expect(BigInt(ids[94]) >> 16n).toBe(BigInt(start));
    expect(server.requests.map((r) => r.params)).toEqual([
      { limit: '40' },
      { limit: '40', max_id: ids[39] },
      { limit: '40', max_id: ids[79] },
    ]);

    // $raw pages carry the headers: the Link of each page is the resumable cursor.
    const raw: { link: string | null; remaining: string | null; size: number }[] = [];
    for await (const page of client.v1.accounts.$select(pager.id).statuses.list.$raw({ limit: 40, excludeReplies: true })) {
      raw.push({ link: page.headers.get('link'), remaining: page.headers.get('x-ratelimit-remaining'), size: page.data.length });
    }
    expect(raw.map((page) => page.size)).toEqual([40, 40, 15]);
    const first = links(raw[0].link);
    expect(first.next.pathname).toBe(`/api/v1/accounts/${pager.id}/statuses`);
    expect(Object.fromEntries(first.next.searchParams)).toEqual({ limit: '40', exclude_replies: 'true', max_id: ids[39] });
    expect(Object.fromEntries(first.prev.searchParams)).toEqual({ limit: '40', exclude_replies: 'true', min_id: ids[0] });
    expect(Object.keys(links(raw[2].link))).toEqual(['prev']); // the last page has no next
    expect(Number(raw[1].remaining)).toBeLessThan(300);

    // min_id: the statuses just newer than it, newest first; since_id: the newest ones after it.
    const byMinId = await client.v1.accounts.$select(pager.id).statuses.list({ minId: ids[50], limit: 5 });
    expect(byMinId.map((s) => s.id)).toEqual(ids.slice(45, 50));
    const bySinceId = await client.v1.accounts.$select(pager.id).statuses.list({ sinceId: ids[50], limit: 5 });
    expect(bySinceId.map((s) => s.id)).toEqual(ids.slice(0, 5));
    const between = await client.v1.accounts.$select(pager.id).statuses.list({ maxId: ids[10], sinceId: ids[13] });
    expect(between.map((s) => s.id)).toEqual(ids.slice(11, 13));
    // Default 20, at most 40.
    expect(await client.v1.accounts.$select(pager.id).statuses.list()).toHaveLength(20);
    expect(await client.v1.accounts.$select(pager.id).statuses.list({ limit: 400 })).toHaveLength(40);

    // Paging backwards (rel="prev") from an old status reaches the newest; as on Mastodon, the
    // newest page still has a prev link, so the paginator ends on an empty page (which has no Link).
    const backwards = await allPages(
      client.v1.accounts.$select(pager.id).statuses.list({ minId: ids[60], limit: 25 }).setDirection('prev'),
    );
    expect(backwards.map((page) => page.length)).toEqual([25, 25, 10, 0]);
    expect(
      backwards
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual(ids.slice(0, 60).sort());

    const unknown = await rejection(client.v1.accounts.$select('999').statuses.list());
    expect(unknown).toMatchObject({ statusCode: 404, message: 'Record not found' });
  });

  it('lists an account’s replies, reblogs and visible statuses, with filters', async () => {
    const zoe = server.addUser({ username: 'zoe' });
    const t = (m: number) => at(`2025-05-01T10:${String(m).padStart(2, '0')}:00.000Z`);
    const ruiPost = server.addPost({ author: 'rui', text: 'rui says hi', createdAt: t(0) });
    const root = server.addPost({ author: 'zoe', text: 'thread root', createdAt: t(1) });
    const selfReply = server.addPost({ author: 'zoe', text: 'thread continues', createdAt: t(2), replyTo: root.id });
    const otherReply = server.addPost({ author: 'zoe', text: '@rui hello', createdAt: t(3), replyTo: ruiPost.id });
    const unlisted = server.addPost({ author: 'zoe', text: 'quiet', createdAt: t(4), visibility: 'unlisted' });
    const priv = server.addPost({ author: 'zoe', text: 'followers only', createdAt: t(5), visibility: 'private' });
    const dm = server.addPost({ author: 'zoe', text: '@lumi psst', createdAt: t(6), visibility: 'direct' });
    const reblog = server.addReblog('zoe', ruiPost.id, t(7));

    const list = async (params: mastodon.rest.v1.ListAccountStatusesParams = {}) =>
      (await client.v1.accounts.$select(zoe.id).statuses.list(params)).map((s) => s.id);
    // The private status is hidden from the token's owner (not a follower); the direct one mentions it.
    expect(await list()).toEqual([reblog.id, dm.id, unlisted.id, otherReply.id, selfReply.id, root.id]);
    expect(await list({ excludeReplies: true })).toEqual([reblog.id, dm.id, unlisted.id, selfReply.id, root.id]);
    expect(await list({ excludeReblogs: true })).toEqual([dm.id, unlisted.id, otherReply.id, selfReply.id, root.id]);
    expect((await rejection(client.v1.statuses.$select(priv.id).fetch())).statusCode).toBe(404);

    const [boost] = await client.v1.accounts.$select(zoe.id).statuses.list({ limit: 1 });
    expect(boost).toMatchObject({
      id: reblog.id,
      content: '',
      uri: `https://social.example/users/zoe/statuses/${reblog.id}/activity`,
      url: `https://social.example/users/zoe/statuses/${reblog.id}/activity`,
      account: { acct: 'zoe' },
      reblog: { id: ruiPost.id, content: '<p>rui says hi</p>', reblogsCount: 1, repliesCount: 1, account: { acct: 'rui' } },
    });
    expect((await client.v1.accounts.lookup({ acct: 'zoe' })).statusesCount).toBe(6); // reblogs count, direct statuses do not

    server.deletePost(reblog.id);
    expect((await client.v1.statuses.$select(ruiPost.id).fetch()).reblogsCount).toBe(0);
    expect(await list({ limit: 2 })).toEqual([dm.id, unlisted.id]);
  });

  it('serves tag timelines: case- and accent-insensitive, public statuses only, no reblogs', async () => {
    const t = (m: number) => at(`2025-06-01T10:${String(m).padStart(2, '0')}:00.000Z`);
    const a = server.addPost({ author: 'lumi', text: 'Loving #Ouvidor', createdAt: t(1) });
    const b = server.addPost({ author: 'ana@other.example', text: 'remote #ouvidor', createdAt: t(2) });
    const c = server.addPost({ author: 'rui', text: 'accented #OUVIDÓR', createdAt: t(3) });
    server.addPost({ author: 'rui', text: 'unlisted #ouvidor', createdAt: t(4), visibility: 'unlisted' });
    server.addPost({ author: 'rui', text: 'private #ouvidor', createdAt: t(5), visibility: 'private' });
    server.addPost({ author: 'rui', text: 'no tag: ouvidor, #ouvidores', createdAt: t(6) });
    server.addReblog('rui', a.id, t(7));

    const timeline = async (tag: string, params: mastodon.rest.v1.ListTimelineParams = {}) =>
      (await client.v1.timelines.tag.$select(tag).list(params)).map((s) => s.id);
    expect(await timeline('ouvidor')).toEqual([c.id, b.id, a.id]);
    expect(await timeline('OuViDoR')).toEqual([c.id, b.id, a.id]);
    expect(await timeline('ouvidór')).toEqual([c.id, b.id, a.id]);
    expect(await timeline('ouvidor', { local: true })).toEqual([c.id, a.id]);
    expect(await timeline('ouvidor', { remote: true })).toEqual([b.id]);
    expect(await timeline('nothing-here')).toEqual([]);

    const pages = await allPages(client.v1.timelines.tag.$select('ouvidor').list({ limit: 2 }));
    expect(pages.map((page) => page.map((s) => s.id))).toEqual([[c.id, b.id], [a.id]]);
    expect(server.requests.at(-1)).toMatchObject({
      route: 'tag-timeline',
      path: '/api/v1/timelines/tag/ouvidor',
      params: { limit: '2', max_id: b.id },
    });

    const [first] = await client.v1.timelines.tag.$select('ouvidor').list({ limit: 1 });
    expect(first.tags).toEqual([{ name: 'ouvidór', url: 'https://social.example/tags/ouvid%C3%B3r' }]);
  });

  it('searches statuses (v2): ANDed whole words, phrases, hashtags, accents, offset paging', async () => {
    const t = (m: number) => at(`2025-07-01T12:${String(m).padStart(2, '0')}:00.000Z`);
    const a = server.addPost({ author: 'lumi', text: 'O atendimento da Zelamar foi ótimo', createdAt: t(1) });
    const b = server.addPost({ author: 'rui', text: 'zelamar atendimento péssimo #ZelamarFail', createdAt: t(2) });
    const c = server.addPost({ author: 'ana@other.example', text: 'Zelamarzinho is not zelamar-ish?', createdAt: t(3) });
    server.addPost({ author: 'rui', text: 'zelamar but unlisted', createdAt: t(4), visibility: 'unlisted' });
    server.addReblog('lumi', b.id, t(5));

    const search = async (q: string, extra: Partial<mastodon.rest.v2.SearchParams> = {}) =>
      (await client.v2.search.list({ q, type: 'statuses', ...extra })).statuses.map((s) => s.id);
    expect(await search('ZELAMAR')).toEqual([c.id, b.id, a.id]);
    expect(await search('zelamar atendimento')).toEqual([b.id, a.id]);
    expect(await search('"atendimento da zelamar"')).toEqual([a.id]);
    expect(await search('"zelamar atendimento"')).toEqual([b.id]);
    expect(await search('#zelamarfail')).toEqual([b.id]);
    expect(await search('#zelamar')).toEqual([]);
    expect(await search('otimo')).toEqual([a.id]);
    expect(await search('zelamarz')).toEqual([]);
    expect(await search('zelamar', { accountId: rui.id })).toEqual([b.id]);
    expect(await search('zelamar', { maxId: b.id })).toEqual([a.id]);
    // A status URL finds that status.
    expect(await search(`https://social.example/@lumi/${a.id}`)).toEqual([a.id]);

    const all = await client.v2.search.list({ q: 'zelamar' });
    expect(all).toMatchObject({ accounts: [], hashtags: [] });
    expect(all.statuses).toHaveLength(3);
    expect((await client.v2.search.list({ q: 'zelamar', type: 'accounts' })).statuses).toEqual([]);

    const start = Date.parse('2025-07-02T00:00:00.000Z');
    for (let i = 0; i < 45; i++) server.addPost({ author: 'rui', text: `paginated result ${i}`, createdAt: new Date(start + i * 1000) });
    const page1 = await client.v2.search.list({ q: 'paginated', type: 'statuses' });
    const page2 = await client.v2.search.list({ q: 'paginated', type: 'statuses', offset: 20, limit: 40 });
    const page3 = await client.v2.search.list({ q: 'paginated', type: 'statuses', offset: 60 });
    expect([page1.statuses.length, page2.statuses.length, page3.statuses.length]).toEqual([20, 25, 0]);
    expect(page1.statuses[0].content).toBe('<p>paginated result 44</p>');
    expect(new Set([...page1.statuses, ...page2.statuses].map((s) => s.id)).size).toBe(45);

    // Search answers carry no Link header, so the paginator yields one page.
    const rawPages: (string | null)[] = [];
    for await (const page of client.v2.search.list.$raw({ q: 'paginated', type: 'statuses' })) rawPages.push(page.headers.get('link'));
    expect(rawPages).toEqual([null]);

    const noQ = await rejection(client.v2.search.list({ q: '' }));
    expect(noQ).toMatchObject({ statusCode: 400, message: 'param is missing or the value is empty: q' });
  });

  it('fetches several statuses by id, and one', async () => {
    const a = server.addPost({ author: 'lumi', text: 'lookup a', createdAt: at('2025-08-01T10:00:00.000Z') });
    const b = server.addPost({ author: 'lumi', text: 'lookup b', createdAt: at('2025-08-01T11:00:00.000Z') });
    const gone = server.addPost({ author: 'lumi', text: 'lookup gone', createdAt: at('2025-08-01T12:00:00.000Z') });
    server.setCounts(a.id, { favouritesCount: 42, quotesCount: 3 });
    server.deletePost(gone.id);

    const found = await client.v1.statuses.fetch({ id: [b.id, '1234', gone.id, a.id] });
    expect(found.map((s) => s.id)).toEqual([b.id, a.id]);
    expect(found[1]).toMatchObject({ favouritesCount: 42, quotesCount: 3, reblogsCount: 0 });
    expect(server.requests.at(-1)).toMatchObject({
      route: 'statuses',
      path: '/api/v1/statuses',
      params: { id: [b.id, '1234', gone.id, a.id] },
    });

    const tooMany = await rejection(client.v1.statuses.fetch({ id: Array.from({ length: 21 }, (_, i) => String(i + 1)) }));
    expect(tooMany).toMatchObject({ statusCode: 422, message: 'Mastodon::ValidationError' });
    expect((await client.v1.statuses.fetch({ id: Array.from({ length: 30 }, () => a.id) })).map((s) => s.id)).toEqual([a.id]);

    expect(await rejection(client.v1.statuses.$select(gone.id).fetch())).toMatchObject({ statusCode: 404, message: 'Record not found' });
  });

  it('posts statuses and replies through masto, honouring the Idempotency-Key', async () => {
    const question = server.addPost({
      author: 'ana@other.example',
      text: 'my #Quasar order never arrived',
      createdAt: at('2025-09-01T10:00:00.000Z'),
    });
    server.requests.length = 0;
    const before = Date.now();

    const posted = await client.v1.statuses.create(
      { status: '@ana@other.example Sorry about that, we are on it #QuasarCare', inReplyToId: question.id, visibility: 'public' },
      { requestInit: { headers: { 'Idempotency-Key': 'care-reply-1' } } },
    );
    expect(posted).toMatchObject({
      inReplyToId: question.id,
      inReplyToAccountId: ana.id,
      visibility: 'public',
      language: 'en',
      sensitive: false,
      spoilerText: '',
      repliesCount: 0,
      reblog: null,
      pinned: false,
      url: `https://social.example/@lumi/${posted.id}`,
      uri: `https://social.example/users/lumi/statuses/${posted.id}`,
      account: { id: lumi.id, acct: 'lumi' },
      mentions: [{ id: ana.id, username: 'ana', url: 'https://other.example/@ana', acct: 'ana@other.example' }],
      tags: [{ name: 'quasarcare', url: 'https://social.example/tags/quasarcare' }],
    });
    expect(posted.content).toBe(
      '<p><span class="h-card" translate="no"><a href="https://other.example/@ana" class="u-url mention">@<span>ana</span></a></span> ' +
        'Sorry about that, we are on it <a href="https://social.example/tags/QuasarCare" class="mention hashtag" rel="tag">#<span>QuasarCare</span></a></p>',
    );
    expect(Date.parse(posted.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(BigInt(posted.id) >> 16n).toBe(BigInt(Date.parse(posted.createdAt)));
    expect(server.requests).toEqual([
      {
        route: 'create-status',
        path: '/api/v1/statuses',
        params: {
          status: '@ana@other.example Sorry about that, we are on it #QuasarCare',
          in_reply_to_id: question.id,
          visibility: 'public',
        },
        authorized: true,
        idempotencyKey: 'care-reply-1',
      },
    ]);

    // The same key again (say, a retry after a lost answer): the same status, nothing new, whatever the parameters.
    const again = await client.v1.statuses.create(
      { status: 'a different text', inReplyToId: question.id },
      { requestInit: { headers: { 'Idempotency-Key': 'care-reply-1' } } },
    );
    expect(again.id).toBe(posted.id);
    expect(again.content).toBe(posted.content);
    expect((await client.v1.statuses.$select(question.id).fetch()).repliesCount).toBe(1);

    // It is there like any status: by id, in the owner's statuses, in search and the tag timeline.
    expect((await client.v1.statuses.$select(posted.id).fetch()).id).toBe(posted.id);
    expect((await client.v1.accounts.$select(lumi.id).statuses.list({ limit: 1 }))[0].id).toBe(posted.id);
    expect((await client.v2.search.list({ q: 'sorry arrived', type: 'statuses' })).statuses).toEqual([]);
    expect((await client.v2.search.list({ q: 'sorry #quasarcare', type: 'statuses' })).statuses.map((s) => s.id)).toEqual([posted.id]);
    expect((await client.v1.timelines.tag.$select('QuasarCare').list()).map((s) => s.id)).toEqual([posted.id]);

    // Another key, or none: a new status each time.
    const other = await client.v1.statuses.create(
      { status: 'Follow-up: shipped today', inReplyToId: question.id },
      { requestInit: { headers: { 'Idempotency-Key': 'care-reply-2' } } },
    );
    const unkeyed1 = await client.v1.statuses.create({ status: 'no key' });
    const unkeyed2 = await client.v1.statuses.create({ status: 'no key' });
    expect(new Set([posted.id, other.id, unkeyed1.id, unkeyed2.id]).size).toBe(4);
    expect((await client.v1.statuses.$select(question.id).fetch()).repliesCount).toBe(2);

    // A deleted status's key answers 404.
    server.deletePost(other.id);
    const gone = await rejection(
      client.v1.statuses.create({ status: 'x' }, { requestInit: { headers: { 'Idempotency-Key': 'care-reply-2' } } }),
    );
    expect(gone).toMatchObject({ statusCode: 404, message: 'Record not found' });
  });

  it('forgets an Idempotency-Key after an hour', async () => {
    // A server of its own: moving the clock an hour on would move its rate-limit window too.
    const { server: own, baseUrl: ownUrl } = await startMastodonTestServer();
    const realNow = Date.now;
    try {
      own.addUser({ username: 'lumi' });
      const ownClient = createRestAPIClient({ url: ownUrl, accessToken: MASTODON_TEST_TOKEN });
      const key = { requestInit: { headers: { 'Idempotency-Key': 'hourly' } } };
      const first = await ownClient.v1.statuses.create({ status: 'first' }, key);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3599_000);
      expect((await ownClient.v1.statuses.create({ status: 'second' }, key)).id).toBe(first.id);
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3600_000 + 1000);
      const afterAnHour = await ownClient.v1.statuses.create({ status: 'an hour later' }, key);
      expect(afterAnHour.id).not.toBe(first.id);
      expect(afterAnHour.content).toBe('<p>an hour later</p>');
    } finally {
      jest.restoreAllMocks();
      await own.stop();
    }
  });

  it('validates new statuses as Mastodon 4.3 does', async () => {
    const create = (params: Record<string, unknown>) => client.v1.statuses.create(params as unknown as mastodon.rest.v1.CreateStatusParams);

    for (const status of ['', '  \n ']) {
      expect(await rejection(create({ status }))).toMatchObject({ statusCode: 422, message: "Validation failed: Text can't be blank" });
    }
    expect(await rejection(create({ visibility: 'public' }))).toMatchObject({
      statusCode: 422,
      message: "Validation failed: Text can't be blank",
    });
    expect(await rejection(create({ status: 'é'.repeat(501) }))).toMatchObject({
      statusCode: 422,
      message: 'Validation failed: Text character limit of 500 exceeded',
    });
    // 500 graphemes are fine; the content warning counts too; a URL counts 23, a remote mention as @user.
    expect((await create({ status: '👩‍👩‍👧‍👦'.repeat(500) })).content).toBe(`<p>${'👩‍👩‍👧‍👦'.repeat(500)}</p>`);
    expect((await rejection(create({ status: 'a'.repeat(400), spoilerText: 'b'.repeat(101) }))).statusCode).toBe(422);
    const url = `https://example.com/${'p'.repeat(200)}`;
    await expect(create({ status: `${'a'.repeat(476)} ${url}` })).resolves.toBeDefined();
    expect((await rejection(create({ status: `${'a'.repeat(477)} ${url}` }))).statusCode).toBe(422);
    await expect(create({ status: `@ana@other.example ${'a'.repeat(495)}` })).resolves.toBeDefined();

    expect(await rejection(create({ status: 'hi', visibility: 'everyone' }))).toMatchObject({
      statusCode: 422,
      message: 'Validation failed: Visibility is not included in the list',
    });
    expect(await rejection(create({ status: '', visibility: 'everyone' }))).toMatchObject({
      message: "Validation failed: Text can't be blank, Visibility is not included in the list",
    });
    for (const inReplyToId of ['1234', 'nope']) {
      expect(await rejection(create({ status: 'a reply', inReplyToId }))).toMatchObject({
        statusCode: 404,
        message: 'The post you are trying to reply to does not appear to exist.',
      });
    }
    // A private status of someone else is not visible to the owner: no replying to it either.
    const hidden = server.addPost({
      author: 'rui',
      text: 'followers only',
      createdAt: at('2025-09-02T10:00:00.000Z'),
      visibility: 'private',
    });
    expect((await rejection(create({ status: 'a reply', inReplyToId: hidden.id }))).statusCode).toBe(404);
    // A refused status does not use its Idempotency-Key; an unknown parent is refused before the key is looked at.
    const keyed = { requestInit: { headers: { 'Idempotency-Key': 'validation-key' } } };
    expect((await rejection(client.v1.statuses.create({ status: '' }, keyed))).statusCode).toBe(422);
    const valid = await client.v1.statuses.create({ status: 'valid now' }, keyed);
    expect(valid.content).toBe('<p>valid now</p>');
    expect((await client.v1.statuses.create({ status: '' }, keyed)).id).toBe(valid.id);
    expect((await rejection(client.v1.statuses.create({ status: 'valid now', inReplyToId: '1234' }, keyed))).statusCode).toBe(404);

    // A content warning alone becomes the text; a content warning makes the status sensitive.
    expect(await create({ spoilerText: 'only a warning' })).toMatchObject({
      content: '<p>only a warning</p>',
      spoilerText: '',
      sensitive: true,
    });
    expect(await create({ status: 'body', spoilerText: 'cw', visibility: 'unlisted', language: 'pt' })).toMatchObject({
      spoilerText: 'cw',
      sensitive: true,
      visibility: 'unlisted',
      language: 'pt',
    });
    expect(await create({ status: 'sensitive', sensitive: true })).toMatchObject({ sensitive: true, spoilerText: '' });
    expect((await create({ status: 'unknown language', language: 'klingon' })).language).toBe('en');
  });

  it('accepts form-encoded statuses, and refuses a body that does not parse', async () => {
    const parent = server.addPost({ author: 'rui', text: 'form parent', createdAt: at('2025-09-03T10:00:00.000Z') });
    const post = (body: string, contentType: string, headers: Record<string, string> = {}) =>
      fetch(`${baseUrl}/api/v1/statuses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTODON_TEST_TOKEN}`, 'content-type': contentType, ...headers },
        body,
      });

    const form = new URLSearchParams({
      status: 'Hello @rui, form here',
      in_reply_to_id: parent.id,
      visibility: 'direct',
      spoiler_text: 'cw',
      sensitive: 'false',
      language: 'pt',
    });
    const res = await post(form.toString(), 'application/x-www-form-urlencoded', { 'Idempotency-Key': 'form-key' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const status = (await res.json()) as Record<string, unknown>;
    // sensitive=false as form text keeps a status with a content warning unmarked (any Ruby string is truthy).
    expect(status).toMatchObject({ in_reply_to_id: parent.id, visibility: 'direct', spoiler_text: 'cw', sensitive: false, language: 'pt' });
    expect(server.requests.at(-1)).toEqual({
      route: 'create-status',
      path: '/api/v1/statuses',
      params: {
        status: 'Hello @rui, form here',
        in_reply_to_id: parent.id,
        visibility: 'direct',
        spoiler_text: 'cw',
        sensitive: 'false',
        language: 'pt',
      },
      authorized: true,
      idempotencyKey: 'form-key',
    });
    const again = await post(form.toString(), 'application/x-www-form-urlencoded', { 'Idempotency-Key': 'form-key' });
    expect(((await again.json()) as { id: string }).id).toBe(status.id);
    // The owner sees its own direct status.
    expect((await client.v1.statuses.$select(String(status.id)).fetch()).visibility).toBe('direct');

    const broken = await post('{"status": ', 'application/json');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: 'Error occurred while parsing request parameters' });

    // Other methods on the path are not routes.
    const put = await fetch(`${baseUrl}/api/v1/statuses`, { method: 'PUT', headers: { authorization: `Bearer ${MASTODON_TEST_TOKEN}` } });
    expect(put.status).toBe(404);
    expect(server.requests.at(-1)?.route).toBe('not-found');
  });

  it('needs a write scope to post, and applies faults to create-status', async () => {
    const readOnly = await startMastodonTestServer({ scopes: 'read' });
    const writeOnly = await startMastodonTestServer({ scopes: 'write:statuses' });
    try {
      readOnly.server.addUser({ username: 'lumi' });
      writeOnly.server.addUser({ username: 'lumi' });
      const reader = createRestAPIClient({ url: readOnly.baseUrl, accessToken: MASTODON_TEST_TOKEN });
      const writer = createRestAPIClient({ url: writeOnly.baseUrl, accessToken: MASTODON_TEST_TOKEN });

      const forbidden = await rejection(reader.v1.statuses.create({ status: 'hello' }));
      expect(forbidden).toMatchObject({ statusCode: 403, message: 'This action is outside the authorized scopes' });
      expect(headersOf(forbidden).get('www-authenticate')).toContain('error="insufficient_scope"');
      await expect(reader.v1.accounts.verifyCredentials()).resolves.toMatchObject({ username: 'lumi' });

      await expect(writer.v1.statuses.create({ status: 'hello' })).resolves.toMatchObject({ content: '<p>hello</p>' });
      expect((await rejection(writer.v1.accounts.verifyCredentials())).statusCode).toBe(403);
      // The token is checked before the scope.
      const stranger = createRestAPIClient({ url: readOnly.baseUrl, accessToken: 'not-the-token' });
      expect((await rejection(stranger.v1.statuses.create({ status: 'hello' }))).statusCode).toBe(401);
    } finally {
      await readOnly.server.stop();
      await writeOnly.server.stop();
    }

    const statusesOfLumi = async () => (await client.v1.accounts.$select(lumi.id).statuses.list({ limit: 40 })).length;
    const countBefore = await statusesOfLumi();
    server.failNext('create-status', { status: 502 });
    expect(await rejection(client.v1.statuses.create({ status: 'faulty' }))).toMatchObject({ statusCode: 502, message: 'Bad Gateway' });
    server.failNext('create-status', { status: 429, resetInSeconds: 10 });
    expect((await rejection(client.v1.statuses.create({ status: 'faulty' }))).statusCode).toBe(429);
    expect(await statusesOfLumi()).toBe(countBefore);

    // A late answer still creates the status once; the same key then answers it again.
    const key = { requestInit: { headers: { 'Idempotency-Key': 'slow-key' } } };
    server.failNext('create-status', { delayMs: 200 });
    const started = Date.now();
    const slow = await client.v1.statuses.create({ status: 'slow' }, key);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await client.v1.statuses.create({ status: 'slow' }, key)).id).toBe(slow.id);
    expect(server.requests.filter((r) => r.route === 'create-status' && r.idempotencyKey === 'slow-key')).toHaveLength(2);
  });

  it('surfaces an injected 429 as MastoHttpError, the reset readable from the Response in its cause', async () => {
    server.failNext('search', { status: 429, resetInSeconds: 30 });
    const before = Date.now();
    const err = await rejection(client.v2.search.list({ q: 'anything' }));
    expect(err).toMatchObject({ statusCode: 429, message: 'Too many requests' });
    const headers = headersOf(err);
    expect(headers.get('x-ratelimit-limit')).toBe('300');
    expect(headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = headers.get('x-ratelimit-reset') ?? '';
    expect(reset).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(Date.parse(reset)).toBeGreaterThanOrEqual(before + 29_000);
    expect((err.cause as Response).status).toBe(429);
    // only the next call
    await expect(client.v2.search.list({ q: 'anything' })).resolves.toBeDefined();
  });

  it('enforces the per-token window and announces it in X-RateLimit-* headers', async () => {
    const { server: limited, baseUrl: limitedUrl } = await startMastodonTestServer({ rateLimit: { limit: 2, windowSeconds: 300 } });
    try {
      limited.addUser({ username: 'lumi' });
      const limitedClient = createRestAPIClient({ url: limitedUrl, accessToken: MASTODON_TEST_TOKEN });
      const first = await limitedClient.v1.accounts.verifyCredentials.$raw();
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
      const reset = Date.parse(first.headers.get('x-ratelimit-reset') ?? '');
      expect(reset % 300_000).toBe(0); // windows align to the period, as Rack::Attack's
      expect(reset).toBeGreaterThan(Date.now());
      expect((await limitedClient.v1.accounts.verifyCredentials.$raw()).headers.get('x-ratelimit-remaining')).toBe('0');
      const err = await rejection(limitedClient.v1.accounts.verifyCredentials());
      expect(err.statusCode).toBe(429);
      expect(Date.parse(headersOf(err).get('x-ratelimit-reset') ?? '')).toBe(reset);
    } finally {
      await limited.stop();
    }
  });

  it('answers 401 for a wrong or missing token, and for an injected revocation', async () => {
    const wrong = createRestAPIClient({ url: baseUrl, accessToken: 'not-the-token' });
    const err = await rejection(wrong.v1.accounts.verifyCredentials());
    expect(err).toMatchObject({ statusCode: 401, message: 'The access token is invalid' });
    expect(headersOf(err).get('www-authenticate')).toContain('error="invalid_token"');
    expect(server.requests.at(-1)).toEqual({
      route: 'verify-credentials',
      path: '/api/v1/accounts/verify_credentials',
      params: {},
      authorized: false,
    });

    const anonymous = await fetch(`${baseUrl}/api/v1/timelines/tag/ouvidor`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'The access token is invalid' });
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('300');

    server.failNext('verify-credentials', { status: 401 });
    expect((await rejection(client.v1.accounts.verifyCredentials())).statusCode).toBe(401);
    await expect(client.v1.accounts.verifyCredentials()).resolves.toMatchObject({ id: lumi.id });
  });

  it('injects server errors and delays, N times in order', async () => {
    server.failNext('account-statuses', { status: 502 }, 2);
    server.failNext('account-statuses', { status: 503 });
    const list = () => client.v1.accounts.$select(lumi.id).statuses.list();
    expect(await rejection(list())).toMatchObject({ statusCode: 502, message: 'Bad Gateway' });
    expect((await rejection(list())).statusCode).toBe(502);
    expect((await rejection(list())).statusCode).toBe(503);

    server.failNext('account-statuses', { delayMs: 300 });
    const started = Date.now();
    await list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    server.failNext('status', { status: 500 });
    server.clearFaults();
    await expect(list()).resolves.toBeDefined();

    // A proxy's text/html error page is no MastoHttpError: masto 8 fails deserializing it (a TypeError).
    server.failNext('account-statuses', { status: 502, html: true });
    const htmlError: unknown = await list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(htmlError).not.toBeInstanceOf(MastoHttpError);
    expect(htmlError).toBeInstanceOf(TypeError);
  });

  it('answers 404 for unknown paths', async () => {
    const res = await fetch(`${baseUrl}/api/v1/instance`, { headers: { authorization: `Bearer ${MASTODON_TEST_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Not Found' });
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
    expect(server.requests.at(-1)).toMatchObject({ route: 'not-found', path: '/api/v1/instance' });
  });
});
