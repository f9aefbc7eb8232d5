import { AppBskyFeedDefs, AppBskyFeedPost, AtpAgent, AtUri, RichText, XRPCError } from '@atproto/api';
import { CID } from 'multiformats/cid';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BLUESKY_EMULATOR_PASSWORD as BLUESKY_TEST_PASSWORD,
  BlueskyEmulator as BlueskyTestServer,
  type BlueskyEmulatorOptions,
  type BlueskyUser as BlueskyTestUser,
} from './bluesky-emulator';

/** The emulator on HTTPS with the committed "localhost" fixture certificate (trusted by `npm test`). */
async function startBlueskyTestServer(
  options: Omit<BlueskyEmulatorOptions, 'tls'> = {},
): Promise<{ server: BlueskyTestServer; baseUrl: string }> {
  const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
  const server = new BlueskyTestServer({
    ...options,
    tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
  });
  const { baseUrl } = await server.start();
  return { server, baseUrl };
}

/**
 * The Bluesky test server must pass `@atproto/api`'s own checks: every response below went through
 * the lexicon validation of `AtpAgent` (a malformed one would throw XRPCInvalidResponseError).
 */
describe('Bluesky test server (through @atproto/api)', () => {
  let server: BlueskyTestServer;
  let baseUrl: string;
  let agent: AtpAgent;
  let lumi: BlueskyTestUser;
  let rui: BlueskyTestUser;

  const at = (iso: string) => new Date(iso);

  async function rejection(promise: Promise<unknown>): Promise<XRPCError> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof XRPCError) return err;
      throw err;
    }
    throw new Error('expected an XRPCError');
  }

  beforeAll(async () => {
    ({ server, baseUrl } = await startBlueskyTestServer());
    lumi = server.addUser({ handle: 'lumi.bsky.social', displayName: 'Lumi', followersCount: 1234 });
    rui = server.addUser({ handle: 'rui.bsky.social' });
    agent = new AtpAgent({ service: baseUrl });
    await agent.login({ identifier: lumi.handle, password: BLUESKY_TEST_PASSWORD });
  });

  afterAll(async () => {
    await server.stop();
  });

  beforeEach(() => server.clearFaults());

  it('logs in with the app password and reads profiles', async () => {
    expect(baseUrl).toMatch(/^https:\/\/localhost:\d+$/);
    expect(agent.session).toMatchObject({ did: lumi.did, handle: 'lumi.bsky.social', active: true });
    expect(agent.session?.accessJwt.split('.')).toHaveLength(3);
    expect(agent.pdsUrl).toBeUndefined(); // no didDoc, so the agent stays on this server
    expect(server.sessionsCreated).toBe(1);
    expect(lumi.did).toMatch(/^did:plc:[a-z2-7]{24}$/);
    expect(server.addUser({ handle: 'lumi.bsky.social' }).did).toBe(lumi.did);

    server.addPost({ author: lumi.handle, text: 'hello', createdAt: at('2025-03-01T10:00:00.000Z') });
    const profile = await agent.getProfile({ actor: lumi.handle });
    expect(profile.data).toMatchObject({ did: lumi.did, handle: lumi.handle, displayName: 'Lumi', followersCount: 1234, labels: [] });
    expect(profile.data.postsCount).toBeGreaterThanOrEqual(1);
    expect((await agent.getProfile({ actor: rui.did })).data).toMatchObject({
      handle: 'rui.bsky.social',
      displayName: 'Rui',
      followersCount: 0,
    });

    const missing = await rejection(agent.getProfile({ actor: 'nobody.bsky.social' }));
    expect(missing).toMatchObject({ status: 400, error: 'InvalidRequest', message: 'Profile not found' });
  });

  it('rejects a wrong password (and never records passwords)', async () => {
    const other = new AtpAgent({ service: baseUrl });
    const err = await rejection(other.login({ identifier: lumi.handle, password: 'wrong-password-9999' }));
    expect(err).toMatchObject({ status: 401, error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
    const unknown = await rejection(other.login({ identifier: 'ghost.bsky.social', password: BLUESKY_TEST_PASSWORD }));
    expect(unknown.status).toBe(401);
    expect(other.hasSession).toBe(false);

    // A did works as the identifier too.
    await other.login({ identifier: rui.did, password: BLUESKY_TEST_PASSWORD });
    expect(other.session?.handle).toBe('rui.bsky.social');

    const log = JSON.stringify(server.requests);
    expect(log).not.toContain('wrong-password-9999');
    expect(log).not.toContain(BLUESKY_TEST_PASSWORD);
    expect(server.requests.filter((r) => r.nsid === 'com.atproto.server.createSession').at(-1)?.params).toEqual({ identifier: rui.did });
  });

  it('makes valid dids, at-uris, TID rkeys, CIDs and post records', async () => {
    const early = server.addPost({
      author: lumi.handle,
      text: 'Tidy #Ouvidor, café',
      createdAt: at('2025-02-01T08:00:00.000Z'),
      langs: ['pt'],
    });
    const late = server.addPost({ author: lumi.handle, text: 'later', createdAt: at('2025-02-01T08:00:00.001Z') });
    const same = server.addPost({ author: lumi.handle, text: 'same ms', createdAt: at('2025-02-01T08:00:00.001Z') });

    const uri = new AtUri(early.uri);
    expect(uri.host).toBe(lumi.did);
    expect(uri.collection).toBe('app.bsky.feed.post');
    expect(uri.rkey).toMatch(/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/);
    const rkeys = [early, late, same].map((p) => new AtUri(p.uri).rkey);
    expect([...rkeys].sort()).toEqual(rkeys);
    expect(new Set(rkeys).size).toBe(3);

    const cid = CID.parse(early.cid);
    expect(early.cid).toMatch(/^bafyrei[a-z2-7]+$/);
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(0x71);
    expect(cid.multihash.code).toBe(0x12);

    const { data } = await agent.getPosts({ uris: [early.uri] });
    const record = data.posts[0].record;
    expect(AppBskyFeedPost.validateRecord(record).success).toBe(true);
    expect(record).toEqual({
      $type: 'app.bsky.feed.post',
      text: 'Tidy #Ouvidor, café',
      createdAt: '2025-02-01T08:00:00.000Z',
      langs: ['pt'],
      facets: [{ index: { byteStart: 5, byteEnd: 13 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Ouvidor' }] }],
    });
    expect(data.posts[0]).toMatchObject({
      uri: early.uri,
      cid: early.cid,
      author: { did: lumi.did, handle: lumi.handle, displayName: 'Lumi', labels: [] },
      replyCount: 0,
      repostCount: 0,
      likeCount: 0,
      quoteCount: 0,
      indexedAt: '2025-02-01T08:00:00.000Z',
      labels: [],
    });
  });

  it('searches like the AppView: ANDed words, phrases, hashtags, whole words, accents', async () => {
    const t = (m: number) => at(`2025-04-01T12:${String(m).padStart(2, '0')}:00.000Z`);
    const a = server.addPost({ author: lumi.handle, text: 'O atendimento da Zelamar foi ótimo', createdAt: t(1), langs: ['pt'] });
    const b = server.addPost({ author: rui.handle, text: 'zelamar atendimento péssimo #ZelamarFail', createdAt: t(2), langs: ['pt-BR'] });
    const c = server.addPost({ author: rui.handle, text: 'Zelamarzinho is not zelamar-ish?', createdAt: t(3), langs: ['en'] });
    server.addPost({ author: rui.handle, text: 'nothing to see', createdAt: t(4) });

    const search = async (q: string, extra: Record<string, string> = {}) =>
      (await agent.app.bsky.feed.searchPosts({ q, ...extra })).data.posts.map((p) => p.uri);

    expect(await search('ZELAMAR')).toEqual([c.uri, b.uri, a.uri]); // latest first; "zelamar-ish" has the word
    expect(await search('zelamar atendimento')).toEqual([b.uri, a.uri]);
    expect(await search('"atendimento da zelamar"')).toEqual([a.uri]);
    expect(await search('"zelamar atendimento"')).toEqual([b.uri]);
    expect(await search('#zelamarfail')).toEqual([b.uri]);
    expect(await search('#zelamar')).toEqual([]);
    expect(await search('otimo')).toEqual([a.uri]); // accent-insensitive
    expect(await search('pessimo')).toEqual([b.uri]);
    expect(await search('zelamarz')).toEqual([]); // whole words only
    expect(await search('zelamar', { lang: 'pt' })).toEqual([b.uri, a.uri]);
    expect(await search('zelamar', { author: rui.handle })).toEqual([c.uri, b.uri]);

    const res = await agent.app.bsky.feed.searchPosts({ q: 'zelamar', limit: 2 });
    expect(res.data).toMatchObject({ hitsTotal: 3, cursor: '2' });
    expect(res.headers['ratelimit-policy']).toBe('3000;w=300');
    expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(3000);

    const noQ = await rejection(agent.app.bsky.feed.searchPosts({ q: 'x', limit: 101 }));
    expect(noQ).toMatchObject({ status: 400, error: 'InvalidRequest' });
    expect(noQ.message).toContain('limit');
  });

  it('paginates search over more than 100 posts with cursors', async () => {
    const start = Date.parse('2025-05-01T00:00:00.000Z');
    for (let i = 0; i < 130; i++) {
      server.addPost({
        author: i % 2 ? lumi.handle : rui.handle,
        text: `paginated post number ${i}`,
        createdAt: new Date(start + i * 60_000),
      });
    }
    const first = await agent.app.bsky.feed.searchPosts({ q: 'paginated', limit: 100 });
    expect(first.data.posts).toHaveLength(100);
    expect(first.data.hitsTotal).toBe(130);
    expect(first.data.cursor).toBeDefined();
    const second = await agent.app.bsky.feed.searchPosts({ q: 'paginated', limit: 100, cursor: first.data.cursor });
    expect(second.data.posts).toHaveLength(30);
    expect(second.data.cursor).toBeUndefined();

    const all = [...first.data.posts, ...second.data.posts];
    expect(new Set(all.map((p) => p.uri)).size).toBe(130);
    const times = all.map((p) => (p.record as AppBskyFeedPost.Record).createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect((all[0].record as AppBskyFeedPost.Record).text).toBe('paginated post number 129');

    // default page size 25
    expect((await agent.app.bsky.feed.searchPosts({ q: 'paginated' })).data.posts).toHaveLength(25);
  });

  it('filters search by since (inclusive) and until (exclusive) on sortAt', async () => {
    const p1 = server.addPost({ author: rui.handle, text: 'windowed one', createdAt: at('2025-06-01T10:00:00.000Z') });
    const p2 = server.addPost({ author: rui.handle, text: 'windowed two', createdAt: at('2025-06-02T10:00:00.000Z') });
    const p3 = server.addPost({ author: rui.handle, text: 'windowed three', createdAt: at('2025-06-03T10:00:00.000Z') });
    // Claims a later createdAt than it was indexed: it sorts at its indexedAt.
    const backdated = server.addPost({
      author: rui.handle,
      text: 'windowed future',
      createdAt: at('2025-07-01T00:00:00.000Z'),
      indexedAt: at('2025-06-02T12:00:00.000Z'),
    });
    const search = async (since?: string, until?: string) =>
      (await agent.app.bsky.feed.searchPosts({ q: 'windowed', since, until })).data.posts.map((p) => p.uri);

    expect(await search('2025-06-02T10:00:00.000Z')).toEqual([p3.uri, backdated.uri, p2.uri]);
    expect(await search(undefined, '2025-06-02T10:00:00.000Z')).toEqual([p1.uri]);
    expect(await search('2025-06-02', '2025-06-03')).toEqual([backdated.uri, p2.uri]);
    expect(await search('2025-06-04')).toEqual([]);
  });

  it('serves author feeds with replies, reply context, reposts, filters and cursors', async () => {
    const ana = server.addUser({ handle: 'ana.bsky.social', displayName: 'Ana' });
    const root = server.addPost({ author: rui.handle, text: 'thread root', createdAt: at('2025-08-01T10:00:00.000Z') });
    const mid = server.addPost({ author: rui.handle, text: 'thread mid', createdAt: at('2025-08-01T10:05:00.000Z'), replyTo: root.uri });
    const own1 = server.addPost({ author: ana.handle, text: 'ana first', createdAt: at('2025-08-01T09:00:00.000Z') });
    const reply = server.addPost({ author: ana.handle, text: 'ana replies', createdAt: at('2025-08-01T10:10:00.000Z'), replyTo: mid.uri });
    server.addRepost(ana.handle, root.uri, at('2025-08-01T11:00:00.000Z'));
    const own2 = server.addPost({ author: ana.handle, text: 'ana second', createdAt: at('2025-08-01T10:30:00.000Z'), likeCount: 7 });

    const { data } = await agent.getAuthorFeed({ actor: ana.handle });
    expect(data.cursor).toBeUndefined();
    expect(data.feed.map((item) => item.post.uri)).toEqual([root.uri, own2.uri, reply.uri, own1.uri]);

    const [repostItem, own2Item, replyItem] = data.feed;
    expect(AppBskyFeedDefs.isReasonRepost(repostItem.reason)).toBe(true);
    expect(repostItem.reason).toMatchObject({
      $type: 'app.bsky.feed.defs#reasonRepost',
      by: { did: ana.did, handle: 'ana.bsky.social', displayName: 'Ana' },
      indexedAt: '2025-08-01T11:00:00.000Z',
    });
    expect(repostItem.post.repostCount).toBe(1);
    expect(repostItem.post.replyCount).toBe(1);
    expect(own2Item.post.likeCount).toBe(7);
    expect(own2Item.reason).toBeUndefined();

    const record = replyItem.post.record as AppBskyFeedPost.Record;
    expect(record.reply).toEqual({ root: { uri: root.uri, cid: root.cid }, parent: { uri: mid.uri, cid: mid.cid } });
    expect(AppBskyFeedDefs.isPostView(replyItem.reply?.root)).toBe(true);
    expect(replyItem.reply?.root).toMatchObject({ uri: root.uri });
    expect(replyItem.reply?.parent).toMatchObject({ uri: mid.uri });
    expect(replyItem.reply?.grandparentAuthor?.did).toBe(rui.did);

    const noReplies = await agent.getAuthorFeed({ actor: ana.did, filter: 'posts_no_replies' });
    expect(noReplies.data.feed.map((item) => item.post.uri)).toEqual([root.uri, own2.uri, own1.uri]);

    // Pages: the cursor is the sortAt of the last item; strictly older items follow.
    const page1 = await agent.getAuthorFeed({ actor: ana.did, limit: 2 });
    expect(page1.data.feed.map((item) => item.post.uri)).toEqual([root.uri, own2.uri]);
    expect(page1.data.cursor).toBe('2025-08-01T10:30:00.000Z');
    const page2 = await agent.getAuthorFeed({ actor: ana.did, limit: 2, cursor: page1.data.cursor });
    expect(page2.data.feed.map((item) => item.post.uri)).toEqual([reply.uri, own1.uri]);
    expect(page2.data.cursor).toBeUndefined();

    // A deleted parent shows as #notFoundPost in the reply context.
    server.deletePost(mid.uri);
    const after = await agent.getAuthorFeed({ actor: ana.did });
    const replyAfter = after.data.feed.find((item) => item.post.uri === reply.uri);
    expect(replyAfter?.reply?.parent).toEqual({ $type: 'app.bsky.feed.defs#notFoundPost', uri: mid.uri, notFound: true });

    const missing = await rejection(agent.getAuthorFeed({ actor: 'nobody.bsky.social' }));
    expect(missing).toMatchObject({ status: 400, error: 'InvalidRequest', message: 'Profile not found' });
  });

  it('looks up posts in the order asked, leaving out missing and deleted ones', async () => {
    const a = server.addPost({ author: lumi.handle, text: 'lookup a', createdAt: at('2025-09-01T10:00:00.000Z') });
    const b = server.addPost({ author: lumi.handle, text: 'lookup b', createdAt: at('2025-09-01T11:00:00.000Z') });
    const gone = server.addPost({ author: lumi.handle, text: 'lookup gone', createdAt: at('2025-09-01T12:00:00.000Z') });
    server.setCounts(a.uri, { likeCount: 42, quoteCount: 3 });
    server.deletePost(gone.uri);
    const missing = `at://${lumi.did}/app.bsky.feed.post/3laaaaaaaaaaa`;

    const { data } = await agent.getPosts({ uris: [b.uri, missing, gone.uri, a.uri] });
    expect(data.posts.map((p) => p.uri)).toEqual([b.uri, a.uri]);
    expect(data.posts[1]).toMatchObject({ likeCount: 42, quoteCount: 3, repostCount: 0 });
    expect((await agent.app.bsky.feed.searchPosts({ q: 'lookup' })).data.posts.map((p) => p.uri)).toEqual([b.uri, a.uri]);

    const tooMany = await rejection(agent.getPosts({ uris: Array.from({ length: 26 }, () => a.uri) }));
    expect(tooMany).toMatchObject({ status: 400, error: 'InvalidRequest' });
  });

  it('publishes posts and replies through AtpAgent.post (com.atproto.repo.createRecord)', async () => {
    const question = server.addPost({
      author: rui.handle,
      text: 'my Quasar order never arrived',
      createdAt: at('2025-10-01T10:00:00.000Z'),
    });
    const followUp = server.addPost({
      author: rui.handle,
      text: 'still waiting',
      createdAt: at('2025-10-01T10:05:00.000Z'),
      replyTo: question.uri,
    });
    server.requests.length = 0;

    const rich = new RichText({ text: 'Sorry about that, we are on it #QuasarCare' });
    rich.detectFacetsWithoutResolution();
    const createdAt = '2025-10-01T11:00:00.000Z';
    const before = Date.now();
    const reply = await agent.post({
      text: rich.text,
      facets: rich.facets,
      langs: ['en'],
      createdAt,
      reply: { root: { uri: question.uri, cid: question.cid }, parent: { uri: followUp.uri, cid: followUp.cid } },
    });
    // AtpAgent.post answers createRecord's whole output, though it is typed { uri, cid }.
    expect(reply).toEqual({
      uri: expect.stringMatching(new RegExp(`^at://${lumi.did}/app\\.bsky\\.feed\\.post/[234567a-j][234567a-z]{12}$`)),
      cid: expect.stringMatching(/^bafyrei[a-z2-7]+$/),
      commit: { cid: expect.stringMatching(/^bafyrei[a-z2-7]+$/), rev: expect.stringMatching(/^[234567a-j][234567a-z]{12}$/) },
      validationStatus: 'valid',
    });
    // The record key is a TID of when it was created, not of the record's createdAt.
    const rkeyMicros =
      [...new AtUri(reply.uri).rkey].reduce((acc, c) => acc * 32n + BigInt('234567abcdefghijklmnopqrstuvwxyz'.indexOf(c)), 0n) >> 10n;
    expect(Number(rkeyMicros / 1000n)).toBeGreaterThanOrEqual(before);

    expect(server.requests).toEqual([
      {
        nsid: 'com.atproto.repo.createRecord',
        params: {
          repo: lumi.did,
          collection: 'app.bsky.feed.post',
          'record.text': 'Sorry about that, we are on it #QuasarCare',
          'record.langs': ['en'],
          'record.createdAt': createdAt,
          'record.reply.root.uri': question.uri,
          'record.reply.root.cid': question.cid,
          'record.reply.parent.uri': followUp.uri,
          'record.reply.parent.cid': followUp.cid,
          'record.$type': 'app.bsky.feed.post',
        },
        authorized: true,
      },
    ]);

    // The post is then there like any other: getPosts, the parent's replyCount, search, the author feed.
    const { data } = await agent.getPosts({ uris: [reply.uri, followUp.uri] });
    expect(data.posts.map((p) => p.uri)).toEqual([reply.uri, followUp.uri]);
    expect(data.posts[0]).toMatchObject({ cid: reply.cid, author: { did: lumi.did, handle: lumi.handle }, replyCount: 0, likeCount: 0 });
    expect(data.posts[0].record).toEqual({
      $type: 'app.bsky.feed.post',
      text: 'Sorry about that, we are on it #QuasarCare',
      facets: rich.facets,
      langs: ['en'],
      createdAt,
      reply: { root: { uri: question.uri, cid: question.cid }, parent: { uri: followUp.uri, cid: followUp.cid } },
    });
    expect(Date.parse(data.posts[0].indexedAt)).toBeGreaterThanOrEqual(before);
    expect(data.posts[1].replyCount).toBe(1);
    expect((await agent.app.bsky.feed.searchPosts({ q: '#quasarcare' })).data.posts.map((p) => p.uri)).toEqual([reply.uri]);
    expect((await agent.app.bsky.feed.searchPosts({ q: 'sorry', author: lumi.handle, lang: 'en' })).data.posts.map((p) => p.uri)).toEqual([
      reply.uri,
    ]);
    const feed = await agent.getAuthorFeed({ actor: lumi.did, limit: 100 });
    const item = feed.data.feed.find((i) => i.post.uri === reply.uri);
    expect(item?.reply?.parent).toMatchObject({ uri: followUp.uri });
    expect(item?.reply?.root).toMatchObject({ uri: question.uri });

    // A top-level post; createdAt defaults to now; the repo may be named by handle.
    const plain = await agent.post({ text: 'Quasar status: all good' });
    expect(new AtUri(plain.uri).host).toBe(lumi.did);
    const byHandle = await agent.app.bsky.feed.post.create(
      { repo: lumi.handle },
      { text: 'by handle', createdAt: new Date().toISOString() },
    );
    expect(new AtUri(byHandle.uri).host).toBe(lumi.did);
    expect(new AtUri(byHandle.uri).rkey > new AtUri(plain.uri).rkey).toBe(true);
  });

  it('checks createRecord as the PDS does, creating nothing when it refuses', async () => {
    const parent = server.addPost({ author: rui.handle, text: 'refusal parent', createdAt: at('2025-10-02T10:00:00.000Z') });
    const ref = { uri: parent.uri, cid: parent.cid };
    const now = () => new Date().toISOString();
    const countRefusals = async () => (await agent.app.bsky.feed.searchPosts({ q: 'refusal' })).data.hitsTotal;

    const tooLong = await rejection(agent.post({ text: `refusal ${'a'.repeat(300)}` }));
    expect(tooLong).toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
    });
    // 300 graphemes is fine; 3000 bytes is the other limit (a family emoji is one grapheme of 25 bytes).
    await agent.post({ text: `refusal ${'é'.repeat(292)}` });
    expect(await rejection(agent.post({ text: '👩‍👩‍👧‍👦'.repeat(121) }))).toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: 'Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 characters',
    });
    expect((await rejection(agent.post({ text: 'refusal', createdAt: 'yesterday' }))).message).toBe(
      'Invalid app.bsky.feed.post record: Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)',
    );

    // Another account's repo is not the session's (401); an unknown one is not found (400).
    expect(await rejection(agent.app.bsky.feed.post.create({ repo: rui.did }, { text: 'refusal', createdAt: now() }))).toMatchObject({
      status: 401,
      error: 'AuthenticationRequired',
    });
    expect(
      await rejection(agent.app.bsky.feed.post.create({ repo: 'ghost.bsky.social' }, { text: 'refusal', createdAt: now() })),
    ).toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: 'Could not find repo: ghost.bsky.social',
    });

    // A reply's parent and root must exist, with those cids.
    const missing = { uri: `at://${rui.did}/app.bsky.feed.post/3laaaaaaaaaaa`, cid: parent.cid };
    expect(await rejection(agent.post({ text: 'refusal', reply: { root: missing, parent: missing } }))).toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: `Reply parent not found: ${missing.uri}`,
    });
    const wrongCid = {
      uri: parent.uri,
      cid: server.addPost({ author: rui.handle, text: 'other', createdAt: at('2025-10-02T10:01:00.000Z') }).cid,
    };
    expect((await rejection(agent.post({ text: 'refusal', reply: { root: ref, parent: wrongCid } }))).message).toContain(
      'Reply parent cid does not match',
    );
    expect((await rejection(agent.post({ text: 'refusal', reply: { root: missing, parent: ref } }))).message).toBe(
      `Reply root not found: ${missing.uri}`,
    );

    // swapCommit: the repo's current commit, else InvalidSwap.
    const first = (await agent.post({ text: 'refusal swap one' })) as { uri: string; cid: string; commit: { cid: string; rev: string } };
    const swapped = await agent.com.atproto.repo.createRecord({
      repo: lumi.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'refusal swap two', createdAt: now() },
      swapCommit: first.commit.cid,
    });
    expect((swapped.data.commit?.rev ?? '') > first.commit.rev).toBe(true);
    const stale = await rejection(
      agent.com.atproto.repo.createRecord({
        repo: lumi.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'refusal stale', createdAt: now() },
        swapCommit: first.commit.cid,
      }),
    );
    expect(stale).toMatchObject({ status: 400, error: 'InvalidSwap', message: `Commit was at ${swapped.data.commit?.cid}` });

    // validate: false stores what the lexicon refuses, without a validationStatus; the AppView never shows it.
    const unvalidated = await agent.com.atproto.repo.createRecord({
      repo: lumi.did,
      collection: 'app.bsky.feed.post',
      validate: false,
      record: { $type: 'app.bsky.feed.post', text: `refusal ${'b'.repeat(400)}`, createdAt: now() },
    });
    expect(unvalidated.data.validationStatus).toBeUndefined();
    expect((await agent.getPosts({ uris: [unvalidated.data.uri] })).data.posts).toEqual([]);

    // Besides the parent, only the 300-grapheme post and the two swap posts were indexed.
    expect(await countRefusals()).toBe(4);
    expect((await agent.getPosts({ uris: [parent.uri] })).data.posts[0].replyCount).toBe(0);

    const anonymous = await fetch(`${baseUrl}/xrpc/com.atproto.repo.createRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repo: lumi.did, collection: 'app.bsky.feed.post', record: { text: 'x', createdAt: now() } }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'AuthenticationRequired', message: 'Authentication Required' });
  });

  it('applies faults to createRecord like to any method', async () => {
    const hits = async () => (await agent.app.bsky.feed.searchPosts({ q: 'faulty' })).data.hitsTotal;
    server.failNext('com.atproto.repo.createRecord', { status: 503 });
    expect(await rejection(agent.post({ text: 'faulty one' }))).toMatchObject({ status: 503, error: 'NotEnoughResources' });
    expect(await hits()).toBe(0);

    server.failNext('com.atproto.repo.createRecord', { status: 429, resetInSeconds: 5 });
    const limited = await rejection(agent.post({ text: 'faulty two' }));
    expect(limited).toMatchObject({ status: 429, error: 'RateLimitExceeded' });
    expect(limited.headers?.['ratelimit-remaining']).toBe('0');
    expect(await hits()).toBe(0);

    // An expired token: the agent refreshes its session and posts once.
    server.failNext('com.atproto.repo.createRecord', { expiredToken: true });
    await agent.post({ text: 'faulty three' });
    server.failNext('com.atproto.repo.createRecord', { delayMs: 200 });
    const started = Date.now();
    await agent.post({ text: 'faulty four' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await hits()).toBe(2);
  });

  it('surfaces an injected 429 as XRPCError with ratelimit headers', async () => {
    server.failNext('app.bsky.feed.searchPosts', { status: 429, resetInSeconds: 30 });
    const before = Math.floor(Date.now() / 1000);
    const err = await rejection(agent.app.bsky.feed.searchPosts({ q: 'anything' }));
    expect(err).toMatchObject({ status: 429, error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' });
    expect(err.headers?.['ratelimit-remaining']).toBe('0');
    expect(Number(err.headers?.['ratelimit-reset'])).toBeGreaterThanOrEqual(before + 30);
    expect(err.headers?.['ratelimit-policy']).toBe('3000;w=300');
    // only the next call
    await expect(agent.app.bsky.feed.searchPosts({ q: 'anything' })).resolves.toBeDefined();
  });

  it('injects server errors and delays, N times in order', async () => {
    server.failNext('app.bsky.actor.getProfile', { status: 502 }, 2);
    server.failNext('app.bsky.actor.getProfile', { status: 503 });
    expect(await rejection(agent.getProfile({ actor: lumi.did }))).toMatchObject({ status: 502, error: 'UpstreamFailure' });
    expect((await rejection(agent.getProfile({ actor: lumi.did }))).status).toBe(502);
    expect((await rejection(agent.getProfile({ actor: lumi.did }))).status).toBe(503);

    server.failNext('app.bsky.actor.getProfile', { delayMs: 300 });
    const started = Date.now();
    await agent.getProfile({ actor: lumi.did });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    server.failNext('app.bsky.actor.getProfile', { status: 500 });
    server.clearFaults();
    await expect(agent.getProfile({ actor: lumi.did })).resolves.toBeDefined();
  });

  it('lets the agent refresh an expired token transparently', async () => {
    const oldAccess = agent.session?.accessJwt;
    server.requests.length = 0;
    server.failNext('app.bsky.feed.getAuthorFeed', { expiredToken: true });

    const res = await agent.getAuthorFeed({ actor: lumi.did, limit: 5 });
    expect(res.success).toBe(true);
    expect(agent.session?.accessJwt).not.toBe(oldAccess);
    expect(server.requests.map((r) => [r.nsid, r.authorized])).toEqual([
      ['app.bsky.feed.getAuthorFeed', true],
      ['com.atproto.server.refreshSession', true],
      ['com.atproto.server.getSession', true],
      ['app.bsky.feed.getAuthorFeed', true],
    ]);

    // The old access token no longer works.
    const stale = await fetch(`${baseUrl}/xrpc/app.bsky.actor.getProfile?actor=${lumi.did}`, {
      headers: { authorization: `Bearer ${oldAccess}` },
    });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({ error: 'AuthenticationRequired', message: 'Authentication Required' });
  });

  it('requires a session for app.bsky.* and answers 501 for unknown methods', async () => {
    const anonymous = await fetch(`${baseUrl}/xrpc/app.bsky.feed.searchPosts?q=x`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('ratelimit-limit')).toBe('3000');
    expect(Number(anonymous.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await anonymous.json()).toEqual({ error: 'AuthenticationRequired', message: 'Authentication Required' });
    expect(server.requests.at(-1)).toEqual({ nsid: 'app.bsky.feed.searchPosts', params: { q: 'x' }, authorized: false });

    const unknown = await fetch(`${baseUrl}/xrpc/app.bsky.feed.getTimeline`, {
      headers: { authorization: `Bearer ${agent.session?.accessJwt}` },
    });
    expect(unknown.status).toBe(501);
    expect(await unknown.json()).toEqual({ error: 'MethodNotImplemented', message: 'Method Not Implemented' });
  });
});
