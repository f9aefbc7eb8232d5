import { XApiEmulator } from '../src/demo/networks/x/x-api-emulator';
import { MASTODON_TEST_TOKEN, MastodonTestServer, startMastodonTestServer } from './support/mastodon-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';
import { startXTestServer, X_TEST_TOKEN } from './support/x-test-server';

/**
 * Cross-network identity (issue 18): Carla writes on X and on Mastodon; the workspace links both
 * authors as one person, and each case's "other cases" then lists her case on the other network.
 * Validation names the field and stores nothing; another workspace sees none of it.
 */
describe('People: one customer across networks (e2e)', () => {
  let x: XApiEmulator;
  let masto: MastodonTestServer;
  let t: TestApp;
  let xCase: { id: string; customer: { externalId: string; handle: string } };
  let mastoCase: { id: string; customer: { externalId: string; handle: string } };
  let otherXCase: { id: string; customer: { externalId: string } };
  let otherKey: string;
  const admin = () => t.as(TEST_ADMIN_KEY);
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);

  beforeAll(async () => {
    const [xs, ms] = await Promise.all([startXTestServer(), startMastodonTestServer()]);
    x = xs.server;
    masto = ms.server;
    t = await startTestApp({
      x: { bearerToken: X_TEST_TOKEN, apiBaseUrl: xs.baseUrl, monthlyReadCap: 0 },
      mastodon: { url: ms.baseUrl, accessToken: MASTODON_TEST_TOKEN },
    });
    x.addUser({ id: '100', username: 'lumi_br', name: 'Lumi' });
    x.addUser({ id: '201', username: 'carla', name: 'Carla Dias' });
    x.addUser({ id: '202', username: 'davi', name: 'Davi Rocha' });
    masto.addUser({ username: 'lumi', displayName: 'Lumi' });
    masto.addUser({ username: 'carla', displayName: 'Carla D.', domain: 'other.example' });
    x.addTweet({ author_username: 'carla', text: '@lumi_br peoplecheck meu cartão lumi não chegou', created_at: hoursAgo(3), lang: 'pt' });
    x.addTweet({
      author_username: 'davi',
      text: '@lumi_br peoplecheck meu cartão lumi foi bloqueado',
      created_at: hoursAgo(3),
      lang: 'pt',
    });
    masto.addPost({
      author: 'carla@other.example',
      text: 'peoplecheck my lumi card is still blocked',
      language: 'en',
      createdAt: hoursAgo(2),
    });
    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'People',
          query: 'peoplecheck',
          platforms: ['x', 'mastodon'],
          ownedAccounts: [
            { platform: 'x', handle: 'lumi_br' },
            { platform: 'mastodon', handle: 'lumi' },
          ],
        })
        .expect(201)
    ).body as { id: string };
    await admin().post(`/api/v1/topics/${topic.id}/collect`).expect(200);
    const cases = (await admin().get('/api/v1/cases?limit=50').expect(200)).body.data as (typeof xCase & { platform: string })[];
    expect(cases).toHaveLength(3);
    xCase = cases.find((c) => c.platform === 'x' && c.customer.externalId === '201')!;
    otherXCase = cases.find((c) => c.platform === 'x' && c.customer.externalId === '202')!;
    mastoCase = cases.find((c) => c.platform === 'mastodon')!;
    const ws = await admin().post('/api/v1/workspaces').send({ name: 'Other brand', timezone: 'UTC', currency: 'USD' }).expect(201);
    otherKey = ws.body.apiKey.key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await x?.stop();
    await masto?.stop();
  });

  it('validates a link, naming the field, and stores nothing', async () => {
    const cases: [object, RegExp][] = [
      [{ authors: [{ platform: 'x', authorId: '201' }] }, /authors must name at least 2 authors/],
      [
        {
          authors: [
            { platform: 'x', authorId: '201' },
            { platform: 'myspace', handle: 'carla' },
          ],
        },
        /platform must be one of/,
      ],
      [
        {
          authors: [
            { platform: 'x', authorId: { $gt: '' } },
            { platform: 'mastodon', handle: 'carla' },
          ],
        },
        /authors\[0\]\.authorId\.\$gt.*operators such as \$gt are not allowed/,
      ],
      [
        { authors: [{ platform: 'x', authorId: '201' }, { platform: 'mastodon' }] },
        /authorId must be a network author id \(or give handle/,
      ],
      [
        {
          authors: [
            { platform: 'x', authorId: '201' },
            { platform: 'mastodon', handle: 'nobody@nowhere' },
          ],
        },
        /authors\[1\]: no case of this workspace has @nobody@nowhere on Mastodon/,
      ],
      [
        {
          authors: [
            { platform: 'x', authorId: '201' },
            { platform: 'x', handle: '@carla' },
          ],
        },
        /at least 2 different authors/,
      ],
      [
        {
          authors: [
            { platform: 'x', authorId: '201', vip: true },
            { platform: 'mastodon', handle: 'carla' },
          ],
        },
        /vip/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await admin().post('/api/v1/people').send(body).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    }
    const person = (await admin().get(`/api/v1/cases/${xCase.id}/person`).expect(200)).body;
    expect(person).toEqual({ customer: { platform: 'x', authorId: '201' }, person: null });
    // before linking, other cases are per network: Carla has none
    expect((await admin().get(`/api/v1/cases/${xCase.id}/other-cases`).expect(200)).body).toEqual([]);
  });

  it('links X and Mastodon authors as one person; each case lists the other network’s case and the identities', async () => {
    const created = await admin()
      .post('/api/v1/people')
      .send({
        authors: [
          { platform: 'x', handle: '@carla' },
          { platform: 'mastodon', authorId: mastoCase.customer.externalId },
        ],
      })
      .expect(201);
    const person = created.body as { id: string; authors: { platform: string; authorId: string; handle: string; name: string }[] };
    expect(person.authors).toEqual([
      { platform: 'x', authorId: '201', handle: xCase.customer.handle, name: 'Carla Dias' },
      expect.objectContaining({ platform: 'mastodon', authorId: mastoCase.customer.externalId, handle: mastoCase.customer.handle }),
    ]);

    const fromX = (await admin().get(`/api/v1/cases/${xCase.id}/other-cases`).expect(200)).body;
    expect(fromX).toEqual([expect.objectContaining({ id: mastoCase.id, platform: 'mastodon', status: 'open' })]);
    const fromMasto = (await admin().get(`/api/v1/cases/${mastoCase.id}/other-cases`).expect(200)).body;
    expect(fromMasto).toEqual([expect.objectContaining({ id: xCase.id, platform: 'x' })]);
    expect((await admin().get(`/api/v1/cases/${mastoCase.id}/person`).expect(200)).body.person).toEqual(person);
    // Davi is not Carla
    expect((await admin().get(`/api/v1/cases/${otherXCase.id}/other-cases`).expect(200)).body).toEqual([]);

    // an author belongs to one person: a second person with Carla's X author is refused
    const conflict = await admin()
      .post('/api/v1/people')
      .send({
        authors: [
          { platform: 'x', authorId: '201' },
          { platform: 'x', authorId: '202' },
        ],
      })
      .expect(409);
    expect(conflict.body.message).toBe(`X author 201 is already linked to person ${person.id}; unlink it there first`);
    // linking an author already there changes nothing; Davi can join explicitly
    await admin().post(`/api/v1/people/${person.id}/authors`).send({ platform: 'x', authorId: '201' }).expect(200);
    const three = (await admin().post(`/api/v1/people/${person.id}/authors`).send({ platform: 'x', authorId: '202' }).expect(200)).body;
    expect(three.authors.map((a: { authorId: string }) => a.authorId)).toEqual(['201', mastoCase.customer.externalId, '202']);

    // the other workspace sees nothing of it
    const other = t.as(otherKey);
    await other.get(`/api/v1/people/${person.id}`).expect(404);
    await other.get(`/api/v1/cases/${xCase.id}/person`).expect(404);
    await other.delete(`/api/v1/people/${person.id}/authors/x/202`).expect(404);
    await other.post(`/api/v1/people/${person.id}/authors`).send({ platform: 'x', authorId: '201' }).expect(404);
    await admin().get('/api/v1/people/not-an-id').expect(400);
  });

  it('unlinks an author, and dissolves a person left with one', async () => {
    const { person } = (await admin().get(`/api/v1/cases/${xCase.id}/person`).expect(200)).body as { person: { id: string } };
    const afterDavi = (await admin().delete(`/api/v1/people/${person.id}/authors/x/202`).expect(200)).body;
    expect(afterDavi).toMatchObject({ id: person.id, dissolved: false });
    expect(afterDavi.authors).toHaveLength(2);
    await admin().delete(`/api/v1/people/${person.id}/authors/x/202`).expect(404);
    const last = (await admin().delete(`/api/v1/people/${person.id}/authors/x/201`).expect(200)).body;
    expect(last).toEqual({ id: person.id, authors: [], dissolved: true });
    await admin().get(`/api/v1/people/${person.id}`).expect(404);
    expect((await admin().get(`/api/v1/cases/${mastoCase.id}/person`).expect(200)).body.person).toBeNull();
    expect((await admin().get(`/api/v1/cases/${xCase.id}/other-cases`).expect(200)).body).toEqual([]);
  });
});
