import { appSecretProof, META_EMULATOR_APP_SECRET, META_EMULATOR_TOKEN, MetaGraphEmulator } from './meta-graph-emulator';
import { parseFields } from './graph-fields';

describe('The Graph API emulator', () => {
  let graph: MetaGraphEmulator;
  let graphUrl: string;
  const proof = appSecretProof(META_EMULATOR_TOKEN, META_EMULATOR_APP_SECRET);
  const call = async (path: string, opts: { token?: string | null; proof?: string | null } = {}) => {
    const url = new URL(path, graphUrl);
    const p = opts.proof === undefined ? proof : opts.proof;
    if (p) url.searchParams.set('appsecret_proof', p);
    const token = opts.token === undefined ? META_EMULATOR_TOKEN : opts.token;
    const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    graph = new MetaGraphEmulator();
    ({ graphUrl } = await graph.start());
  });
  afterAll(() => graph.stop());

  it('parses nested fields with modifiers', () => {
    expect(parseFields('id,comments.summary(true).limit(0),parent{id,from},replies{id,text}')).toEqual([
      { name: 'id', modifiers: {}, fields: [] },
      { name: 'comments', modifiers: { summary: 'true', limit: '0' }, fields: [] },
      {
        name: 'parent',
        modifiers: {},
        fields: [
          { name: 'id', modifiers: {}, fields: [] },
          { name: 'from', modifiers: {}, fields: [] },
        ],
      },
      {
        name: 'replies',
        modifiers: {},
        fields: [
          { name: 'id', modifiers: {}, fields: [] },
          { name: 'text', modifiers: {}, fields: [] },
        ],
      },
    ]);
  });

  it('requires the token and a valid appsecret_proof, as an app with "Require App Secret"', async () => {
    const page = graph.store.addPage({ name: 'Lumi', followersCount: 10 });
    expect((await call(`${page.id}?fields=followers_count`)).body).toEqual({ id: page.id, followers_count: 10 });
    expect((await call(page.id, { proof: null })).body.error).toMatchObject({
      code: 100,
      message: expect.stringMatching(/appsecret_proof/),
    });
    expect((await call(page.id, { proof: 'abc' })).body.error).toMatchObject({
      code: 100,
      message: 'Invalid appsecret_proof provided in the API argument',
    });
    expect((await call(page.id, { token: 'other' })).body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect((await call('999999/published_posts')).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await call(`${page.id}?fields=nope`)).body.error.message).toMatch(/nonexisting field \(nope\)/);
  });

  it('pages an edge by cursors with a next URL until the last page, newest first, within since/until', async () => {
    const page = graph.store.addPage({ name: 'Paged' });
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 5; i++) graph.store.addFbPost({ pageId: page.id, message: `post ${i}`, createdAt: new Date(base + i * 3600_000) });
    const first = await call(`${page.id}/published_posts?limit=2&fields=message`);
    expect(first.body.data.map((p: { message: string }) => p.message)).toEqual(['post 4', 'post 3']);
    expect(first.body.paging.next).toContain('after=');
    const second = await call(`${page.id}/published_posts?limit=2&fields=message&after=${first.body.paging.cursors.after}`);
    expect(second.body.data.map((p: { message: string }) => p.message)).toEqual(['post 2', 'post 1']);
    const last = await call(`${page.id}/published_posts?limit=2&fields=message&after=${second.body.paging.cursors.after}`);
    expect(last.body.data).toHaveLength(1);
    expect(last.body.paging.next).toBeUndefined();
    const since = await call(`${page.id}/published_posts?fields=message&since=${(base + 3 * 3600_000) / 1000}`);
    expect(since.body.data).toHaveLength(2);
  });

  it('answers queued faults: a rate limit with its usage header, 190, a malformed item', async () => {
    const page = graph.store.addPage({ name: 'Faulty' });
    graph.failNext('page', { rateLimit: 32, regainAccessMinutes: 3 });
    const limited = await call(page.id);
    expect(limited.status).toBe(400);
    expect(limited.body.error).toMatchObject({ code: 32, message: '(#32) Page request limit reached' });
    expect(JSON.parse(limited.headers.get('x-business-use-case-usage')!)).toEqual({
      '1000000000000001': [expect.objectContaining({ call_count: 100, estimated_time_to_regain_access: 3 })],
    });
    graph.failNext('page', { rateLimit: 4 });
    expect(JSON.parse((await call(page.id)).headers.get('x-app-usage')!)).toMatchObject({ call_count: 100 });
    graph.failNext('page', { token: 'expired' });
    expect((await call(page.id)).body.error).toMatchObject({ code: 190, error_subcode: 463 });
    graph.failNext('page', { alter: (body: { name?: unknown }) => void (body.name = 42) });
    expect((await call(`${page.id}?fields=name`)).body.name).toBe(42);
    expect((await call(`${page.id}?fields=name`)).body.name).toBe('Faulty');
  });

  it('answers mentioned_media and mentioned_comment through the account, and 100/33 for what does not mention it', async () => {
    const account = graph.store.addIgUser({ username: 'lumi.ouvidoria' });
    const leo = graph.store.addIgUser({ username: 'leo.r' });
    const media = graph.store.addIgMedia({
      ownerId: leo.id,
      caption: 'Valeu @lumi.ouvidoria',
      createdAt: new Date('2026-12-01T10:00:00Z'),
    });
    const plain = graph.store.addIgMedia({ ownerId: leo.id, caption: 'Praia', createdAt: new Date('2026-12-01T11:00:00Z') });
    const comment = graph.store.addIgComment({
      mediaId: plain.id,
      fromId: leo.id,
      text: '@lumi.ouvidoria oi',
      createdAt: new Date('2026-12-01T12:00:00Z'),
    });
    const viaAccount = (fields: string) => call(`${account.id}?fields=${encodeURIComponent(fields)}`);
    const m = await viaAccount(`mentioned_media.media_id(${media.id}){caption,username,timestamp}`);
    expect(m.body).toEqual({
      id: account.id,
      mentioned_media: { id: media.id, caption: 'Valeu @lumi.ouvidoria', username: 'leo.r', timestamp: '2026-12-01T10:00:00+0000' },
    });
    const c = await viaAccount(`mentioned_comment.comment_id(${comment.id}){text,timestamp,media{id,permalink}}`);
    expect(c.body.mentioned_comment).toEqual({
      id: comment.id,
      text: '@lumi.ouvidoria oi',
      timestamp: '2026-12-01T12:00:00+0000',
      media: { id: plain.id, permalink: plain.permalink },
    });
    expect((await viaAccount(`mentioned_comment.comment_id(${comment.id}){username}`)).body.error.code).toBe(100);
    const missing = await viaAccount(`mentioned_media.media_id(${plain.id}){caption}`);
    expect([missing.status, missing.body.error.code, missing.body.error.error_subcode]).toEqual([400, 100, 33]);
  });
});
