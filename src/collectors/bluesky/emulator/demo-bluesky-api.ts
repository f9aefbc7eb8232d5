import { randomBytes } from 'node:crypto';
import { DemoTrafficGenerator, type DemoTrafficSink } from '../../x/emulator/demo-traffic-generator';
import type { EmulatedTweet, EmulatedUser, NewTweet, NewUser, TweetPublicMetrics } from '../../x/emulator/x-emulator.types';
import { BlueskyEmulator } from './bluesky-emulator';

/** `lumi_br` on X → `lumi-br.bsky.social` on Bluesky (handles are domain names: no underscores). */
export const blueskyHandleFor = (username: string) => `${username.toLowerCase().replace(/_/g, '-')}.bsky.social`;

const MENTION = /(^|[^\p{L}\p{N}_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@.])/gu;

const ZERO_METRICS: TweetPublicMetrics = { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 };

/**
 * Lets the demo's traffic generator (written against the X emulator) post to the Bluesky
 * emulator: accounts get Bluesky handles, `@mentions` in texts follow, a post's id is its at-uri,
 * retweets become reposts, and likes / reposts / quotes / replies become the post's counts.
 * Bluesky has no view counts, so impressions are dropped.
 */
export class BlueskyDemoSink implements DemoTrafficSink {
  private readonly users = new Map<string, EmulatedUser>();
  private readonly usersById = new Map<string, EmulatedUser>();
  /** what the generator reads back: id and public metrics */
  private readonly tweets = new Map<string, EmulatedTweet>();
  private repostSeq = 0;

  constructor(private readonly emulator: BlueskyEmulator) {}

  addUser(user: NewUser): EmulatedUser {
    const bluesky = this.emulator.addUser({ handle: blueskyHandleFor(user.username), displayName: user.name, followersCount: user.public_metrics?.followers_count ?? 0 });
    // the generator keeps X's shape; only id, username and follower count are read back
    const view = { id: user.id ?? bluesky.did, username: user.username, name: user.name ?? user.username, public_metrics: { followers_count: bluesky.followersCount } } as EmulatedUser;
    this.users.set(user.username.toLowerCase(), view);
    this.usersById.set(view.id, view);
    return view;
  }

  updateUser(idOrUsername: string, changes: Partial<Omit<NewUser, 'id' | 'username'>>): EmulatedUser {
    const user = this.usersById.get(idOrUsername) ?? this.users.get(idOrUsername.toLowerCase());
    if (!user) throw new Error(`unknown demo user ${idOrUsername}`);
    const followers = changes.public_metrics?.followers_count;
    if (followers !== undefined) {
      this.emulator.addUser({ handle: blueskyHandleFor(user.username), followersCount: followers });
      user.public_metrics = { ...user.public_metrics, followers_count: followers };
    }
    return user;
  }

  addTweet(tweet: NewTweet): EmulatedTweet {
    const author = tweet.author_username ?? this.usersById.get(tweet.author_id ?? '')?.username;
    if (!author) throw new Error('demo post without an author');
    const createdAt = tweet.created_at ? new Date(tweet.created_at) : new Date();
    let id: string;
    if (tweet.retweet_of_tweet_id) {
      this.emulator.addRepost(blueskyHandleFor(author), tweet.retweet_of_tweet_id, createdAt);
      id = `${tweet.retweet_of_tweet_id}#repost-${++this.repostSeq}`;
    } else {
      id = this.emulator.addPost({
        author: blueskyHandleFor(author),
        text: tweet.text.replace(MENTION, (_m, before: string, username: string) => `${before}@${blueskyHandleFor(username)}`),
        createdAt,
        langs: tweet.lang ? [tweet.lang] : undefined,
        replyTo: tweet.in_reply_to_tweet_id,
      }).uri;
    }
    const view = { id, text: tweet.text, public_metrics: { ...ZERO_METRICS } } as EmulatedTweet;
    this.tweets.set(id, view);
    return view;
  }

  updateMetrics(tweetId: string, metrics: Partial<TweetPublicMetrics>): EmulatedTweet {
    const view = this.tweets.get(tweetId);
    if (!view) throw new Error(`unknown demo post ${tweetId}`);
    view.public_metrics = { ...view.public_metrics, ...metrics };
    if (!tweetId.includes('#repost-')) {
      const m = view.public_metrics;
      this.emulator.setCounts(tweetId, { likeCount: m.like_count, repostCount: m.retweet_count, quoteCount: m.quote_count, replyCount: m.reply_count });
    }
    return view;
  }

  getUserByUsername(username: string): EmulatedUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  getTweet(id: string): EmulatedTweet | undefined {
    return this.tweets.get(id);
  }
}

export interface DemoBlueskyApi {
  emulator: BlueskyEmulator;
  baseUrl: string;
  /** the account the collector logs in as, and its app password (made at start-up) */
  identifier: string;
  password: string;
  /** the brand's accounts on Bluesky */
  ownedHandles: string[];
  stop(): Promise<void>;
}

export interface DemoBlueskyApiOptions {
  seed?: string;
  days?: number;
  tickSeconds?: number;
  /** fewer than on X: Bluesky is the smaller network for the demo brand; default 60 */
  mentionsPerDay?: number;
  onTickError?: (err: unknown) => void;
}

/**
 * The demo's Bluesky: the emulator on plain HTTP at 127.0.0.1 (as a local PDS in development),
 * a week of the same fictional brand's traffic from the X demo's generator with its own seed, and
 * live traffic until stop().
 */
export async function startDemoBlueskyApi(options: DemoBlueskyApiOptions = {}): Promise<DemoBlueskyApi> {
  const password = randomBytes(12).toString('base64url');
  const emulator = new BlueskyEmulator({ password, recordRequests: false });
  const sink = new BlueskyDemoSink(emulator);
  const generator = new DemoTrafficGenerator({ seed: options.seed ?? 'ouvidor-demo-bluesky', mentionsPerDay: options.mentionsPerDay ?? 60 });
  generator.backfill(sink, { days: options.days ?? 7 });
  const { baseUrl } = await emulator.start();
  const timer = setInterval(() => {
    try {
      generator.tick(sink);
    } catch (err) {
      options.onTickError?.(err);
    }
  }, (options.tickSeconds ?? 20) * 1000);
  timer.unref();
  const ownedHandles = generator.describe().ownedAccounts.map((a) => blueskyHandleFor(a.handle));
  return {
    emulator,
    baseUrl,
    identifier: ownedHandles[0],
    password,
    ownedHandles,
    async stop() {
      clearInterval(timer);
      await emulator.stop();
    },
  };
}
