import { DateTime } from 'luxon';
import { createXClient } from '../../collectors/x/x-client.factory';
import { DemoTrafficGenerator } from './demo-traffic-generator';
import { matches, parseQuery } from '../../topics/query';
import { XApiEmulator } from '../networks/x/x-api-emulator';
import type { EmulatedTweet } from '../networks/x/x-emulator.types';

const HOUR = 3600_000;
/** A Friday, 12:00 in São Paulo */
const NOW = new Date('2026-11-20T15:00:00Z');

function seeded(seed: number | string, now = NOW) {
  const emulator = new XApiEmulator({ now: () => now });
  const generator = new DemoTrafficGenerator({ seed, now: () => now });
  return { emulator, generator };
}

function snapshot(emulator: XApiEmulator): string[] {
  return emulator.store.newestFirst().map((r) => `${r.tweet.id} ${r.tweet.created_at} ${r.tweet.author_id} ${r.tweet.text}`);
}

describe('DemoTrafficGenerator', () => {
  const { emulator, generator } = seeded(7);
  const started = Date.now();
  const summary = generator.backfill(emulator, { days: 7 });
  const backfillMs = Date.now() - started;
  const brand = generator.describe();
  const ownedIds = new Set(brand.ownedAccounts.map((a) => a.id));
  const tweets = emulator.store.newestFirst().map((r) => r.tweet);
  const byId = new Map(tweets.map((t) => [t.id, t]));
  const customerTweets = tweets.filter((t) => !ownedIds.has(t.author_id));
  const brandReplies = tweets.filter((t) => ownedIds.has(t.author_id) && t.in_reply_to_user_id !== undefined);
  const replyTarget = (t: EmulatedTweet) => t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;

  it('describes a fictional brand, its owned accounts and a query that X accepts', () => {
    expect(brand.brand.name).toBe('Lumi');
    expect(brand.ownedAccounts.map((a) => a.handle)).toEqual(['lumi_br', 'lumi_ajuda']);
    expect(brand.query).toBe('(lumi OR @lumi_br OR @lumi_ajuda OR #lumi) -is:retweet');
    expect(() => parseQuery(brand.query)).not.toThrow();
    for (const account of brand.ownedAccounts) expect(emulator.getUserByUsername(account.handle)?.id).toBe(account.id);
  });

  it('backfills a week quickly with a few hundred to a couple thousand mentions', () => {
    expect(backfillMs).toBeLessThan(3000);
    expect(summary.mentions).toBeGreaterThan(500);
    expect(summary.mentions + summary.followUps + summary.customerReplies).toBeLessThan(3000);
    expect(summary.ownPosts).toBeGreaterThanOrEqual(7 * 1);
    expect(tweets.every((t) => Date.parse(t.created_at) < NOW.getTime())).toBe(true);
    expect(Date.parse(tweets[tweets.length - 1].created_at)).toBeGreaterThanOrEqual(NOW.getTime() - 7 * 24 * HOUR);
  });

  it('is reproducible with a seed and differs with another', () => {
    const run = (seed: number) => {
      const { emulator: sink, generator: demo } = seeded(seed);
      demo.backfill(sink, { days: 2 });
      return snapshot(sink);
    };
    const first = run(7);
    expect(first.length).toBeGreaterThan(300);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
  });

  it('produces the same traffic whatever the tick cadence', () => {
    const start = new Date(NOW.getTime() - 24 * HOUR);
    const often = seeded('cadence', start);
    const rarely = seeded('cadence', start);
    often.generator.backfill(often.emulator, { days: 1 });
    rarely.generator.backfill(rarely.emulator, { days: 1 });
    for (let minutes = 7; minutes <= 180; minutes += 7) {
      often.generator.tick(often.emulator, new Date(start.getTime() + minutes * 60_000));
    }
    often.generator.tick(often.emulator, new Date(start.getTime() + 180 * 60_000));
    rarely.generator.tick(rarely.emulator, new Date(start.getTime() + 180 * 60_000));
    expect(snapshot(often.emulator)).toEqual(snapshot(rarely.emulator));
  });

  it('writes in Brazilian Portuguese and English, with emoji and hashtags', () => {
    const langs = new Map<string, number>();
    for (const t of customerTweets) langs.set(t.lang, (langs.get(t.lang) ?? 0) + 1);
    expect(langs.get('pt')).toBeGreaterThan(langs.get('en') ?? 0);
    expect(langs.get('en')).toBeGreaterThan(50);
    const texts = customerTweets.map((t) => t.text).join('\n');
    expect(texts).toMatch(/cart(ã|a)o/);
    expect(texts).toMatch(/please help|pls help/);
    expect(texts).toMatch(/\p{Extended_Pictographic}/u);
    expect(customerTweets.some((t) => t.entities.hashtags.length > 0)).toBe(true);
  });

  it('makes every customer post about the brand match the query, and leaves noise and retweets out', () => {
    const tree = parseQuery(brand.query);
    const matching = emulator.store.newestFirst().filter((r) => matches(tree, r.searchable));
    const matchedIds = new Set(matching.map((r) => r.tweet.id));
    const isRetweet = (t: EmulatedTweet) => t.referenced_tweets?.some((r) => r.type === 'retweeted') ?? false;
    const customerMentions = customerTweets.filter((t) => !isRetweet(t));
    const unmatched = customerMentions.filter((t) => !matchedIds.has(t.id));
    // only the off-topic noise is left out
    expect(unmatched.length).toBe(summary.noise);
    expect(unmatched.every((t) => !/(^|[^\p{L}])lumi([^\p{L}_]|$)/iu.test(t.text))).toBe(true);
    expect(customerTweets.filter(isRetweet).every((t) => !matchedIds.has(t.id))).toBe(true);
  });

  it('answers in the same conversation, after varied delays, some beyond the 2 h SLA', () => {
    expect(brandReplies.length).toBeGreaterThan(200);
    const delaysMinutes: number[] = [];
    for (const reply of brandReplies) {
      const target = byId.get(replyTarget(reply) ?? '');
      expect(target).toBeDefined();
      expect(reply.in_reply_to_user_id).toBe(target!.author_id);
      expect(ownedIds.has(target!.author_id)).toBe(false);
      expect(reply.conversation_id).toBe(target!.conversation_id);
      expect(reply.text.startsWith(`@${emulator.store.getUser(target!.author_id)!.username} `)).toBe(true);
      delaysMinutes.push((Date.parse(reply.created_at) - Date.parse(target!.created_at)) / 60_000);
    }
    expect(Math.min(...delaysMinutes)).toBeGreaterThan(1);
    expect(delaysMinutes.filter((d) => d <= 30).length).toBeGreaterThan(brandReplies.length * 0.2);
    // A working team: most within the 2 h SLA, a few late.
    expect(delaysMinutes.filter((d) => d <= 120).length).toBeGreaterThan(brandReplies.length * 0.88);
    expect(delaysMinutes.filter((d) => d > 120).length).toBeGreaterThan(brandReplies.length * 0.02);
  });

  it('leaves some conversations unanswered for more than 24 h (abandoned)', () => {
    const answeredConversations = new Set(brandReplies.map((r) => r.conversation_id));
    const oldRoots = customerTweets.filter(
      (t) => t.conversation_id === t.id && t.in_reply_to_user_id === undefined && NOW.getTime() - Date.parse(t.created_at) > 30 * HOUR,
    );
    const abandoned = oldRoots.filter((t) => !answeredConversations.has(t.conversation_id));
    expect(abandoned.length).toBeGreaterThan(oldRoots.length * 0.1);
    expect(abandoned.length).toBeLessThan(oldRoots.length * 0.6);
  });

  it('has customers writing several messages in one conversation', () => {
    const perConversation = new Map<string, number>();
    for (const t of customerTweets) {
      if (!ownedIds.has(emulator.store.getTweet(t.conversation_id)?.author_id ?? '')) {
        perConversation.set(t.conversation_id, (perConversation.get(t.conversation_id) ?? 0) + 1);
      }
    }
    expect([...perConversation.values()].filter((n) => n >= 2).length).toBeGreaterThan(100);
    expect(summary.followUps).toBeGreaterThan(50);
    expect(summary.customerReplies).toBeGreaterThan(50);
  });

  it('answers at any hour with the agent on call, business hours fastest', () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const inHours: number[] = [];
    const offHours: number[] = [];
    for (const reply of brandReplies) {
      const target = byId.get(replyTarget(reply) ?? '')!;
      const local = DateTime.fromISO(target.created_at, { zone: 'America/Sao_Paulo' });
      const [open, close] = local.weekday === 7 ? [0, 0] : local.weekday === 6 ? [9, 15] : [8, 20];
      const delay = (Date.parse(reply.created_at) - Date.parse(target.created_at)) / 60_000;
      (local.hour >= open && local.hour < close ? inHours : offHours).push(delay);
    }
    expect(offHours.length).toBeGreaterThan(20);
    expect(median(inHours)).toBeLessThan(30);
    expect(median(offHours)).toBeLessThan(120);
    expect(median(offHours)).toBeGreaterThan(median(inHours));
  });

  it('publishes own posts with UTM links and grows their metrics on tick', () => {
    const ownPosts = tweets.filter((t) => t.author_id === brand.ownedAccounts[0].id && t.in_reply_to_user_id === undefined);
    expect(ownPosts.length).toBe(summary.ownPosts);
    const links = ownPosts.flatMap((t) => t.entities.urls.map((u) => u.expanded_url));
    expect(links.some((url) => url.includes('utm_medium=social'))).toBe(true);
    expect(ownPosts.every((t) => t.text.includes('https://t.co/') === t.entities.urls.length > 0)).toBe(true);

    const later = seeded(21);
    later.generator.backfill(later.emulator, { days: 2 });
    const posts = later.emulator.store
      .newestFirst()
      .map((r) => r.tweet)
      .filter((t) => t.author_id === brand.ownedAccounts[0].id && t.in_reply_to_user_id === undefined);
    const before = new Map(posts.map((t) => [t.id, { ...t.public_metrics }]));
    const result = later.generator.tick(later.emulator, new Date(NOW.getTime() + 3 * HOUR));
    expect(result.metricUpdates).toBeGreaterThan(0);
    let grew = 0;
    for (const post of posts) {
      const now = later.emulator.getTweet(post.id)!.public_metrics;
      const was = before.get(post.id)!;
      for (const key of Object.keys(was) as Array<keyof typeof was>) expect(now[key]).toBeGreaterThanOrEqual(was[key]);
      if (now.like_count > was.like_count || now.impression_count > was.impression_count) grew += 1;
    }
    expect(grew).toBeGreaterThan(0);
    expect(posts.some((p) => later.emulator.getTweet(p.id)!.public_metrics.impression_count > 1000)).toBe(true);
  });

  it('adds a few mentions a minute in live ticks and runs replies that came due', () => {
    const live = seeded(5);
    live.generator.backfill(live.emulator, { days: 1 });
    const tick = live.generator.tick(live.emulator, new Date(NOW.getTime() + 10 * 60_000));
    expect(tick.mentions).toBeGreaterThanOrEqual(5);
    expect(tick.mentions).toBeLessThanOrEqual(60);
    expect(tick.brandReplies).toBeGreaterThan(0);
    const empty = live.generator.tick(live.emulator, new Date(NOW.getTime() + 10 * 60_000));
    expect(empty.mentions + empty.brandReplies).toBe(0);
  });

  it('serves the generated traffic to twitter-api-v2 over HTTPS', async () => {
    const live = new XApiEmulator();
    const demo = new DemoTrafficGenerator({ seed: 3 });
    demo.backfill(live, { days: 1 });
    const { baseUrl, caPem } = await live.start();
    try {
      const client = createXClient({ bearerToken: 'demo', baseUrl, ca: caPem });
      const page = await client.v2.search(demo.describe().query, {
        max_results: 100,
        expansions: ['author_id', 'referenced_tweets.id'],
        'tweet.fields': ['created_at', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets', 'lang', 'public_metrics', 'entities'],
        'user.fields': ['username', 'public_metrics'],
      });
      expect(page.tweets).toHaveLength(100);
      expect(page.meta.next_token).toBeDefined();
      expect(page.includes.users.length).toBeGreaterThan(10);
      const owned = await client.v2.userByUsername('lumi_br', { 'user.fields': ['public_metrics'] });
      expect(owned.data.public_metrics?.followers_count).toBeGreaterThan(40_000);
      const timeline = await client.v2.userTimeline(owned.data.id, { exclude: ['replies'], 'tweet.fields': ['public_metrics'] });
      expect(timeline.tweets.length).toBeGreaterThan(0);
    } finally {
      await live.stop();
    }
  });
});
