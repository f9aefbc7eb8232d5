import type { StoredComment, StoredRedditUser, StoredSubmission } from '../src/demo/networks/reddit/reddit-store';
import { REDDIT_EMULATOR_USER_AGENT } from '../src/demo/networks/reddit/reddit-emulator';
import { RedditTestServer, startRedditTestServer } from './support/reddit-test-server';
import { startTestApp, TEST_ADMIN_KEY, TestApp } from './support/test-app';

/**
 * The Reddit collector end to end: the real application on the embedded engine, reading a local
 * server that answers like Reddit's API (token endpoint and OAuth host) over HTTP.
 */
describe('Collection from Reddit', () => {
  let reddit: RedditTestServer;
  let t: TestApp;
  let brand: StoredRedditUser,
    ana: StoredRedditUser,
    bruno: StoredRedditUser,
    carla: StoredRedditUser,
    dave: StoredRedditUser,
    erin: StoredRedditUser;
  let p1: StoredSubmission;
  let anaComment: StoredComment, brandReply: StoredComment, erinComment: StoredComment;
  let topicId: string;
  const hoursAgo = (h: number) => new Date(Math.floor((Date.now() - h * 3600_000) / 1000) * 1000);
  const admin = () => t.as(TEST_ADMIN_KEY);
  const collect = async (id: string) => (await admin().post(`/api/v1/topics/${id}/collect`).expect(200)).body;
  const asked = (route: string) => reddit.requests.filter((r) => r.route === route);
  const caseOf = async (handle: string) =>
    (
      (await admin().get('/api/v1/cases?platform=reddit&limit=100').expect(200)).body.data as {
        id: string;
        customer: { handle: string };
        outboundCount: number;
        firstResponseAt: string | null;
      }[]
    ).find((c) => c.customer.handle === handle)!;

  beforeAll(async () => {
    const started = await startRedditTestServer('AcmeBank');
    reddit = started.server;
    const s = reddit.store;
    brand = s.addUser({ name: 'AcmeBank', subscribers: 2000 });
    ana = s.addUser({ name: 'ana_r' });
    bruno = s.addUser({ name: 'bruno_k' });
    carla = s.addUser({ name: 'carla_d' });
    dave = s.addUser({ name: 'dave_p' });
    erin = s.addUser({ name: 'erin_s' });
    t = await startTestApp({ reddit: started.reddit });
  });

  afterAll(async () => {
    await t?.close();
    await reddit?.stop();
  });

  it('stores submissions, comments and the brand’s replies once, with BACKFILL_DAYS of history; a second run stores nothing new', async () => {
    const s = reddit.store;
    // the brand's submissions: two in the window, one older than 30 days
    p1 = s.addSubmission({
      author: brand,
      subreddit: 'AcmeBank',
      title: 'The new Acme app is live',
      selftext: 'Tell us what you think.',
      createdAt: hoursAgo(48),
      score: 40,
      crossposts: 4,
    });
    s.addSubmission({ author: brand, subreddit: 'AcmeBank', title: 'Holiday opening hours', createdAt: hoursAgo(24), score: 10 });
    const old = s.addSubmission({
      author: brand,
      subreddit: 'AcmeBank',
      title: 'An old Acme announcement',
      createdAt: hoursAgo(24 * 40),
      score: 99,
      crossposts: 9,
    });
    s.addComment({ author: ana, on: old, body: 'an old Acme comment', createdAt: hoursAgo(24 * 39) });
    // its thread: Ana's question, the brand's answer, Bruno under Ana, Carla on the post
    anaComment = s.addComment({
      author: ana,
      on: p1,
      body: 'My card was blocked and nobody answers, I need help please',
      createdAt: hoursAgo(20),
      score: 12,
    });
    brandReply = s.addComment({
      author: brand,
      on: p1,
      parent: `t1_${anaComment.id}`,
      body: 'Hi Ana, we unblocked your card.',
      createdAt: hoursAgo(19),
    });
    s.addComment({ author: bruno, on: p1, parent: `t1_${anaComment.id}`, body: 'Same happened to me yesterday', createdAt: hoursAgo(18) });
    s.addComment({ author: carla, on: p1, body: 'Love the new app, congrats', createdAt: hoursAgo(17) });
    // search: Dave's submission matches; a giveaway post is searched but excluded by the query; an old one is out of the window
    s.addSubmission({
      author: dave,
      subreddit: 'personalfinance',
      title: 'Is Acme any good?',
      selftext: 'Their fees seem high to me.',
      createdAt: hoursAgo(5),
      score: 3,
    });
    s.addSubmission({ author: bruno, subreddit: 'giveaways', title: 'Acme giveaway this week', createdAt: hoursAgo(4) });
    s.addSubmission({ author: carla, subreddit: 'personalfinance', title: 'Acme in the old days', createdAt: hoursAgo(24 * 35) });
    // the watched subreddit: Erin's comment matches, the other does not
    const students = s.addSubmission({ author: carla, subreddit: 'banking', title: 'Which bank for students?', createdAt: hoursAgo(8) });
    erinComment = s.addComment({
      author: erin,
      on: students,
      body: 'Acme support took 3 days to answer me, how do I close my account?',
      createdAt: hoursAgo(6),
    });
    s.addComment({ author: bruno, on: students, body: 'I prefer my credit union', createdAt: hoursAgo(5) });

    const topic = (
      await admin()
        .post('/api/v1/topics')
        .send({
          name: 'Acme Reddit',
          query: 'acme -giveaway',
          platforms: ['reddit'],
          subreddits: ['r/Banking'],
          ownedAccounts: [{ platform: 'reddit', handle: 'u/AcmeBank' }],
        })
        .expect(201)
    ).body as { id: string; subreddits: string[] };
    expect(topic.subreddits).toEqual(['banking']);
    topicId = topic.id;
    // mentions: Ana, Bruno, Carla (the thread), Dave (search), Erin (r/banking); posts: p1, p2; replies: the brand's answer to Ana
    expect(await collect(topicId)).toEqual({ mentions: 5, posts: 2, replies: 1 });
    expect(await collect(topicId)).toEqual({ mentions: 0, posts: 0, replies: 0 });

    const mentions = (await admin().get(`/api/v1/mentions?topic=${topicId}&limit=100`).expect(200)).body.data as {
      platform: string;
      externalId: string;
      author: { handle: string };
      url: string;
    }[];
    expect(mentions.map((m) => m.author.handle).sort()).toEqual(['ana_r', 'bruno_k', 'carla_d', 'dave_p', 'erin_s']);
    expect(new Set(mentions.map((m) => m.externalId)).size).toBe(5);
    expect(mentions.find((m) => m.author.handle === 'ana_r')).toMatchObject({
      platform: 'reddit',
      externalId: `t1_${anaComment.id}`,
      url: `https://www.reddit.com/r/AcmeBank/comments/${p1.id}/the_new_acme_app_is_live/${anaComment.id}/`,
    });

    // the brand's reply answers Ana's case: first response an hour later
    expect(await caseOf('ana_r')).toMatchObject({ outboundCount: 1, firstResponseAt: brandReply.createdAt.toISOString() });

    // application-only token for reads, sent with the configured User-Agent; search as the issue says
    const reads = reddit.requests.filter((r) => r.route !== 'token');
    expect(reads.every((r) => r.as === 'app' && r.userAgent === REDDIT_EMULATOR_USER_AGENT)).toBe(true);
    expect(asked('token')).toHaveLength(1); // cached across both runs
    expect(asked('search')[0].params).toMatchObject({ q: 'acme', sort: 'new', type: 'link', raw_json: '1' });
    expect(asked('thread').some((r) => r.path === `/comments/${old.id}`)).toBe(false);
    const saved = (await admin().get(`/api/v1/topics/${topicId}`).expect(200)).body;
    expect(saved.ownedAccounts).toEqual([
      expect.objectContaining({ platform: 'reddit', handle: 'acmebank', externalId: `t2_${brand.id}` }),
    ]);
  });

  it('gives Reddit’s applause (score per submission), amplification (crossposts) and conversation (comments) rates', async () => {
    const overview = (await admin().get(`/api/v1/reports/overview?topic=${topicId}&platform=reddit`).expect(200)).body;
    // p1: score 40, 4 crossposts, 4 comments; p2: score 10, none
    expect(overview.engagement).toMatchObject({ posts: 2, applauseRate: 25, amplificationRate: 2, conversationRate: 2 });
    expect(overview.engagement.applausePer1kFollowers).toBeCloseTo((25 / 2000) * 1000, 9);
    expect(overview.volume.byPlatform).toMatchObject({ reddit: 5 });
  });

  it('sends a reply from a Reddit case as the script account; the collector counts it once; Reddit’s refusal is a 4xx with its message', async () => {
    const erinCase = await caseOf('erin_s');
    expect(erinCase).toMatchObject({ outboundCount: 0 });
    const text = 'Hi Erin, sorry for the wait: we sent you a private message to close it.';
    const sent = (await admin().post(`/api/v1/cases/${erinCase.id}/replies`).send({ text, send: true }).expect(201)).body;
    const posted = asked('comment');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      method: 'POST',
      as: 'user',
      params: expect.objectContaining({ api_type: 'json', thing_id: `t1_${erinComment.id}`, text }),
    });
    const made = reddit.postedComments[0];
    expect(made).toMatchObject({ parentId: `t1_${erinComment.id}`, body: text });
    expect(sent.messages.find((m: { direction: string }) => m.direction === 'outbound')).toMatchObject({ externalId: `t1_${made.id}` });
    expect((await collect(topicId)).replies).toBe(1);
    expect((await admin().get(`/api/v1/cases/${erinCase.id}`).expect(200)).body.outboundCount).toBe(1);

    // the comment deleted meanwhile: Reddit's error, as a 404 with its message
    reddit.store.comments.delete(erinComment.id);
    const gone = await admin().post(`/api/v1/cases/${erinCase.id}/replies`).send({ text: 'Anything else?', send: true });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toMatch(/Reddit refused the reply: NO_THING_ID/);
  });

  it('waits out a 429 until X-Ratelimit-Reset and completes the run; the status shows the limit', async () => {
    reddit.store.addComment({ author: carla, on: p1, body: 'Will the app get dark mode?', createdAt: hoursAgo(0.5) });
    reddit.failNext('thread', { status: 429, resetSeconds: 1 });
    reddit.failNext('search', { status: 429, resetSeconds: 1 });
    const threadsBefore = asked('thread').length;
    expect(await collect(topicId)).toEqual({ mentions: 1, posts: 0, replies: 0 });
    expect(asked('thread').length - threadsBefore).toBe(2);
    const status = (await admin().get('/api/v1/collectors/status').expect(200)).body;
    expect(status.networks.find((n: { platform: string }) => n.platform === 'reddit')).toMatchObject({
      configured: true,
      replies: true,
      rateLimit: { lastLimitedAt: expect.any(String), remaining: expect.any(Number) },
    });
    expect(status.topics.find((x: { id: string }) => x.id === topicId)).toMatchObject({ lastError: null });
  }, 30_000);

  it('quarantines a malformed comment and stores the rest of its page', async () => {
    const students = [...reddit.store.submissions.values()].find((x) => x.title.startsWith('Which bank'))!;
    reddit.store.addComment({ author: dave, on: students, body: 'Acme closed my account without notice', createdAt: hoursAgo(0.3) });
    const broken = reddit.store.addComment({ author: bruno, on: students, body: 'Acme card declined again', createdAt: hoursAgo(0.2) });
    reddit.failNext('subreddit-comments', {
      alter: (body: { data: { children: { data: { name: string; created_utc: unknown } }[] } }) => {
        const child = body.data.children.find((c) => c.data.name === `t1_${broken.id}`)!;
        child.data.created_utc = 'yesterday';
        return body;
      },
    });
    expect(await collect(topicId)).toEqual({ mentions: 1, posts: 0, replies: 0 });
    const status = (await admin().get('/api/v1/collectors/status').expect(200)).body;
    const stream = status.topics
      .find((x: { id: string }) => x.id === topicId)
      .streams.find((x: { stream: string }) => x.stream === 'reddit:subreddit:banking');
    expect(stream).toMatchObject({ quarantined: 1, lastRun: { stored: 1, rejected: 1 } });
    // Reddit serves it right now: a replay reads it again by fullname (/api/info) and stores it
    const replay = (await admin().post('/api/v1/collectors/rejected/replay').send({ topic: topicId }).expect(200)).body;
    expect(replay).toMatchObject({
      selected: 1,
      stored: { mentions: 1, posts: 0, replies: 0 },
      released: 1,
      stillRejected: [],
      unreadable: [],
    });
    expect(asked('info').at(-1)?.params.id).toBe(`t1_${broken.id}`);
  });

  it('refuses a Reddit handle or a subreddit that is not a name', async () => {
    const badHandle = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Bad', query: 'acme', platforms: ['reddit'], ownedAccounts: [{ platform: 'reddit', handle: 'acme bank' }] })
      .expect(400);
    expect(JSON.stringify(badHandle.body.message)).toMatch(/Reddit username/);
    const badSub = await admin()
      .post('/api/v1/topics')
      .send({ name: 'Bad', query: 'acme', platforms: ['reddit'], subreddits: ['r/no spaces'] })
      .expect(400);
    expect(JSON.stringify(badSub.body.message)).toMatch(/subreddits/);
  });
});
