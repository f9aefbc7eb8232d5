import { request } from 'node:https';
import { ApiPartialResponseError, ApiResponseError, type TwitterApiReadOnly } from 'twitter-api-v2';
import { createXClient } from '../../../collectors/x/x-client.factory';
import { XApiEmulator, type EmulatorAddress } from './x-api-emulator';

/** Real HTTPS requests through twitter-api-v2, as the collector makes them. */
describe('XApiEmulator through twitter-api-v2', () => {
  const token = 'test-bearer-token';
  const nowMs = Date.now();
  const minutesAgo = (minutes: number) => new Date(nowMs - minutes * 60_000);
  let emulator: XApiEmulator;
  let address: EmulatorAddress;
  let client: TwitterApiReadOnly;
  let brandId: string;
  /** ids of the 250 brand mentions, newest first */
  let mentionIds: string[];

  beforeAll(async () => {
    emulator = new XApiEmulator({ bearerToken: token });
    address = await emulator.start();
    client = createXClient({ bearerToken: token, baseUrl: address.baseUrl, ca: address.caPem });

    brandId = emulator.addUser({
      username: 'lumi_br',
      name: 'Lumi',
      verified: true,
      verified_type: 'business',
      public_metrics: { followers_count: 48_210 },
    }).id;
    emulator.addUser({ username: 'ana_souza', name: 'Ana Souza', public_metrics: { followers_count: 310 } });
    emulator.addUser({ username: 'john_doe', name: 'John Doe' });
    const created: string[] = [];
    for (let i = 0; i < 250; i += 1) {
      const author = i % 2 === 0 ? 'ana_souza' : 'john_doe';
      const text = i % 2 === 0 ? `@lumi_br meu cartão foi bloqueado #${i}` : `lumi app keeps crashing, attempt ${i}`;
      created.push(
        emulator.addTweet({ author_username: author, text, lang: i % 2 === 0 ? 'pt' : 'en', created_at: minutesAgo(600 - i) }).id,
      );
    }
    mentionIds = created.reverse();
    // Noise that the query must leave out: off-topic, a retweet, and a post older than the 7-day window.
    emulator.addTweet({ author_username: 'john_doe', text: 'bom dia grupo', created_at: minutesAgo(5) });
    emulator.addTweet({ author_username: 'john_doe', text: '', retweet_of_tweet_id: mentionIds[0], created_at: minutesAgo(4) });
    emulator.addTweet({ author_username: 'ana_souza', text: 'lumi old news', created_at: minutesAgo(8 * 24 * 60) });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('pages a search with the library paginator: next_token, fetchNext and async iteration', async () => {
    const paginator = await client.v2.search('(lumi OR @lumi_br) -is:retweet', {
      max_results: 100,
      expansions: ['author_id'],
      'tweet.fields': ['created_at', 'author_id', 'public_metrics', 'lang', 'conversation_id'],
      'user.fields': ['username', 'public_metrics'],
    });
    expect(paginator.tweets).toHaveLength(100);
    expect(paginator.meta.result_count).toBe(100);
    expect(paginator.meta.newest_id).toBe(mentionIds[0]);
    expect(paginator.meta.oldest_id).toBe(mentionIds[99]);
    expect(paginator.meta.next_token).toEqual(expect.any(String));
    expect(paginator.includes.users.map((u) => u.username).sort()).toEqual(['ana_souza', 'john_doe']);
    // mentionIds[0] is John's, mentionIds[1] Ana's
    expect(paginator.includes.author(paginator.tweets[1])?.public_metrics?.followers_count).toBe(310);

    await paginator.fetchNext();
    expect(paginator.tweets).toHaveLength(200);

    const seen: string[] = [];
    for await (const tweet of paginator) seen.push(tweet.id);
    expect(seen).toEqual(mentionIds);
    expect(paginator.done).toBe(true);
    expect(paginator.meta.next_token).toBeUndefined();
  });

  it('returns only what is newer than since_id, newest first', async () => {
    const paginator = await client.v2.search('(lumi OR @lumi_br) -is:retweet', { max_results: 10, since_id: mentionIds[15] });
    const all = await paginator.fetchLast();
    expect(all.tweets.map((t) => t.id)).toEqual(mentionIds.slice(0, 15));
  });

  it('renders only the requested fields (id, text and edit_history_tweet_ids always)', async () => {
    const bare = await client.v2.search('lumi', { max_results: 10 });
    expect(Object.keys(bare.tweets[0]).sort()).toEqual(['edit_history_tweet_ids', 'id', 'text']);
    expect(bare.data.includes).toBeUndefined();

    const rich = await client.v2.search('@lumi_br', {
      max_results: 10,
      'tweet.fields': ['created_at', 'public_metrics', 'entities', 'lang'],
    });
    const tweet = rich.tweets[0];
    expect(tweet.created_at).toBe(minutesAgo(600 - 248).toISOString());
    expect(tweet.lang).toBe('pt');
    expect(tweet.public_metrics).toEqual({
      retweet_count: 0,
      reply_count: 0,
      like_count: 0,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 0,
    });
    expect(tweet.entities?.mentions).toEqual([{ start: 0, end: 8, username: 'lumi_br', id: brandId }]);
    expect(tweet.author_id).toBeUndefined();
  });

  it('answers an empty search with meta.result_count 0 and no data', async () => {
    const paginator = await client.v2.search('nothingmatchesthis', {});
    expect(paginator.data.data).toBeUndefined();
    expect(paginator.meta).toEqual({ result_count: 0 });
    expect(paginator.tweets).toEqual([]);
  });

  it('covers only the last 7 days and refuses an older start_time with 400', async () => {
    const old = await client.v2.search('"old news"', {});
    expect(old.tweets).toEqual([]);
    const error = await client.v2.search('lumi', { start_time: minutesAgo(8 * 24 * 60).toISOString() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as ApiResponseError).code).toBe(400);
    expect((error as ApiResponseError).data.title).toBe('Invalid Request');
  });

  it("rejects an invalid query with X's 400 body", async () => {
    const error = (await client.v2.search('lumi AND cartao', {}).catch((e: unknown) => e)) as ApiResponseError;
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error.code).toBe(400);
    expect(error.data).toEqual({
      errors: [
        {
          parameters: { query: ['lumi AND cartao'] },
          message: expect.stringContaining('Ambiguous use of and as a keyword'),
        },
      ],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });
  });

  it('rejects out-of-range max_results and unknown parameters', async () => {
    const small = (await client.v2.search('lumi', { max_results: 5 }).catch((e: unknown) => e)) as ApiResponseError;
    expect(small.code).toBe(400);
    expect(JSON.stringify(small.data)).toContain('is not between 10 and 100');
    const unknown = (await client.v2
      .get('tweets/search/recent', { query: 'lumi', previous_token: 'x' })
      .catch((e: unknown) => e)) as ApiResponseError;
    expect(unknown.code).toBe(400);
    expect(JSON.stringify(unknown.data)).toContain('The query parameter [previous_token] is not one of');
  });

  it('pages a user timeline with pagination_token and honours exclude', async () => {
    const ana = emulator.getUserByUsername('ana_souza')!;
    const root = emulator.addTweet({ author_username: 'ana_souza', text: 'thread start @lumi_br', created_at: minutesAgo(3) });
    const brandReply = emulator.addTweet({
      author_username: 'lumi_br',
      text: '@ana_souza Oi Ana, pode nos chamar na DM?',
      in_reply_to_tweet_id: root.id,
      created_at: minutesAgo(2),
    });
    const selfReply = emulator.addTweet({
      author_username: 'ana_souza',
      text: '@lumi_br obrigada!',
      in_reply_to_tweet_id: brandReply.id,
      created_at: minutesAgo(1),
    });

    const timeline = await client.v2.userTimeline(ana.id, {
      max_results: 5,
      exclude: ['replies'],
      'tweet.fields': ['created_at', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets'],
    });
    expect(timeline.tweets.map((t) => t.id)).toEqual([root.id, mentionIds[1], mentionIds[3], mentionIds[5], mentionIds[7]]);
    expect(timeline.meta.next_token).toEqual(expect.any(String));
    await timeline.fetchNext();
    expect(timeline.tweets).toHaveLength(10);
    expect(timeline.tweets.some((t) => t.id === selfReply.id)).toBe(false);

    const replies = await client.v2.userTimeline(brandId, {
      'tweet.fields': ['conversation_id', 'in_reply_to_user_id', 'referenced_tweets'],
    });
    expect(replies.tweets[0]).toMatchObject({
      id: brandReply.id,
      conversation_id: root.id,
      in_reply_to_user_id: ana.id,
      referenced_tweets: [{ type: 'replied_to', id: root.id }],
    });

    const mentions = await client.v2.userMentionTimeline(brandId, { max_results: 5 });
    expect(mentions.tweets[0].id).toBe(selfReply.id);
    expect(mentions.tweets).toHaveLength(5);
  });

  it('looks tweets up by ids and reports the missing ones in errors', async () => {
    const result = await client.v2.tweets([mentionIds[0], '1234567890123', mentionIds[1]], {
      expansions: ['author_id'],
      'tweet.fields': ['author_id', 'public_metrics'],
    });
    expect(result.data.map((t) => t.id)).toEqual([mentionIds[0], mentionIds[1]]);
    expect(result.data[0].public_metrics?.retweet_count).toBe(1);
    expect(result.includes?.users?.map((u) => u.username)).toEqual(['john_doe', 'ana_souza']);
    expect(result.errors).toEqual([
      {
        value: '1234567890123',
        detail: 'Could not find tweet with ids: [1234567890123].',
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        resource_id: '1234567890123',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      },
    ]);

    const single = await client.v2.singleTweet('1234567890123');
    expect(single.data).toBeUndefined();
    expect(single.errors?.[0].detail).toBe('Could not find tweet with id: [1234567890123].');
  });

  it('looks users up by username and id with public_metrics', async () => {
    const byName = await client.v2.userByUsername('LUMI_BR', { 'user.fields': ['public_metrics', 'verified'] });
    expect(byName.data).toMatchObject({ id: brandId, username: 'lumi_br', name: 'Lumi', verified: true });
    expect(byName.data.public_metrics?.followers_count).toBe(48_210);
    const byId = await client.v2.user(brandId);
    expect(Object.keys(byId.data).sort()).toEqual(['id', 'name', 'username']);
    const missing = await client.v2.userByUsername('nobody_here');
    expect(missing.errors?.[0]).toMatchObject({ title: 'Not Found Error', resource_type: 'user', parameter: 'username' });
  });

  it('reports the endpoint window in x-rate-limit-* headers that the library reads', async () => {
    const first = await client.v2.search('lumi', {});
    const second = await client.v2.search('lumi', {});
    expect(first.rateLimit.limit).toBe(450);
    expect(second.rateLimit.remaining).toBe(first.rateLimit.remaining - 1);
    expect(second.rateLimit.reset).toBeGreaterThan(Date.now() / 1000);
    expect(second.rateLimit.reset).toBeLessThanOrEqual(Date.now() / 1000 + 901);
  });

  it('surfaces an injected 429 as ApiResponseError with rateLimitError and rateLimit.reset', async () => {
    emulator.failNext('tweets/search/recent', { status: 429, resetInSeconds: 120 });
    const error = (await client.v2.search('lumi', {}).catch((e: unknown) => e)) as ApiResponseError;
    expect(error).toBeInstanceOf(ApiResponseError);
    expect(error.code).toBe(429);
    expect(error.rateLimitError).toBe(true);
    expect(error.rateLimit?.remaining).toBe(0);
    expect(error.rateLimit!.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 119);
    expect(error.data).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    // one-shot: the next call goes through
    await expect(client.v2.search('lumi', {})).resolves.toBeDefined();
  });

  it('injects 503s and malformed bodies on matching requests only', async () => {
    emulator.failNext(/\/users\//, { status: 503 });
    const unavailable = (await client.v2.user(brandId).catch((e: unknown) => e)) as ApiResponseError;
    expect(unavailable.code).toBe(503);
    emulator.failNext('/2/tweets/search/recent', { malformed: true });
    await expect(client.v2.search('lumi', {})).rejects.toBeInstanceOf(ApiPartialResponseError);
  });

  it('answers 401 to a wrong bearer token', async () => {
    const intruder = createXClient({ bearerToken: 'wrong', baseUrl: address.baseUrl, ca: address.caPem });
    const error = (await intruder.v2.search('lumi', {}).catch((e: unknown) => e)) as ApiResponseError;
    expect(error.code).toBe(401);
    expect(error.isAuthError).toBe(true);
    expect(error.data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
  });
});

describe('XApiEmulator rate limits and usage cap', () => {
  let emulator: XApiEmulator;
  let client: TwitterApiReadOnly;

  beforeAll(async () => {
    emulator = new XApiEmulator({
      rateLimit: { limit: 3, windowSeconds: 60 },
      endpointRateLimits: { 'users/by/username/:username': { limit: 1, windowSeconds: 900 } },
      monthlyPostCap: 25,
    });
    const address = await emulator.start();
    client = createXClient({ bearerToken: 'any', baseUrl: address.baseUrl, ca: address.caPem });
    emulator.addUser({ username: 'ana_souza' });
    for (let i = 0; i < 30; i += 1) {
      emulator.addTweet({ author_username: 'ana_souza', text: `lumi ${i}`, created_at: new Date(Date.now() - (40 - i) * 60_000) });
    }
  });

  afterAll(() => emulator.stop());

  it('answers 429 once an endpoint window is used up, per endpoint', async () => {
    await client.v2.userByUsername('ana_souza');
    const limited = (await client.v2.userByUsername('ana_souza').catch((e: unknown) => e)) as ApiResponseError;
    expect(limited.rateLimitError).toBe(true);
    expect(limited.rateLimit).toMatchObject({ limit: 1, remaining: 0 });
    expect(limited.rateLimit!.reset).toBeGreaterThan(Date.now() / 1000 + 800);
    // another endpoint has its own window
    await expect(client.v2.search('lumi', {})).resolves.toBeDefined();
  });

  it('answers UsageCapExceeded once the monthly Post cap is read', async () => {
    emulator.resetLimits();
    const first = await client.v2.search('lumi', { max_results: 20 });
    expect(first.tweets).toHaveLength(20);
    await client.v2.search('lumi', { max_results: 10 });
    const capped = (await client.v2.search('lumi', {}).catch((e: unknown) => e)) as ApiResponseError;
    expect(capped.code).toBe(429);
    expect(capped.data).toMatchObject({ title: 'UsageCapExceeded', type: 'https://api.twitter.com/2/problems/usage-capped' });
  });
});

describe('XApiEmulator demo faults', () => {
  it('answers random 429s when configured, and holds a response for a delay fault', async () => {
    const emulator = new XApiEmulator({ failureInjection: { rateLimitProbability: 1, resetInSeconds: 30 } });
    const address = await emulator.start();
    try {
      const client = createXClient({ bearerToken: 'any', baseUrl: address.baseUrl, ca: address.caPem });
      emulator.addUser({ username: 'ana_souza' });
      const error = (await client.v2.userByUsername('ana_souza').catch((e: unknown) => e)) as ApiResponseError;
      expect(error.rateLimitError).toBe(true);
      expect(error.rateLimit?.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
    } finally {
      await emulator.stop();
    }

    const slow = new XApiEmulator();
    const slowAddress = await slow.start();
    try {
      const client = createXClient({ bearerToken: 'any', baseUrl: slowAddress.baseUrl, ca: slowAddress.caPem });
      slow.addUser({ username: 'ana_souza' });
      slow.failNext('users/by/username/:username', { delayMs: 150 });
      const started = Date.now();
      await expect(client.v2.userByUsername('ana_souza')).resolves.toMatchObject({ data: { username: 'ana_souza' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.stop();
    }
  });

  it('does not answer a held request whose client went away, and logs it as 499 at once', async () => {
    const logged: { path: string; status: number }[] = [];
    const emulator = new XApiEmulator({
      logger: { debug: (e) => logged.push(e as { path: string; status: number }), info: () => undefined, warn: () => undefined },
    });
    const address = await emulator.start();
    try {
      emulator.failNext('tweets/search/recent', { delayMs: 60_000 });
      const req = request(`${address.baseUrl}tweets/search/recent?query=lumi`, { ca: address.caPem });
      req.on('error', () => undefined);
      req.end();
      // the client gives up while the answer is held (as a killed process's socket closes)
      await new Promise((r) => setTimeout(r, 200));
      req.destroy();
      const deadline = Date.now() + 5_000;
      while (logged.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(logged).toEqual([expect.objectContaining({ path: '/2/tweets/search/recent', status: 499 })]);
    } finally {
      await emulator.stop();
    }
  });

  it('releases held answers when it stops, without waiting for their delay', async () => {
    const emulator = new XApiEmulator();
    const address = await emulator.start();
    emulator.failNext('tweets/search/recent', { delayMs: 60_000 });
    const answered = new Promise<string>((resolve) => {
      const req = request(`${address.baseUrl}tweets/search/recent?query=lumi`, { ca: address.caPem }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    const stopping = Date.now();
    await emulator.stop();
    expect(await answered).toBe('error ECONNRESET');
    expect(Date.now() - stopping).toBeLessThan(2_000);
  });
});
