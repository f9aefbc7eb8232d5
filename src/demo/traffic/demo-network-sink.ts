import { DemoTrafficGenerator, type DemoTrafficSink } from './demo-traffic-generator';
import type { EmulatedTweet, EmulatedUser, NewTweet, NewUser, TweetPublicMetrics } from '../networks/x/x-emulator.types';

/** What the demo needs from another network's emulator, in that network's own terms. */
export interface DemoNetwork {
  /** adds the account, or updates its follower count */
  account(username: string, name: string | undefined, followers: number): void;
  /** publishes a post (a reply when `replyTo` is given) and answers its id */
  post(p: { author: string; text: string; createdAt: Date; lang?: string; replyTo?: string }): string;
  /** the network's repost (reblog) of a post */
  repost(author: string, postId: string, at: Date): void;
  setCounts(postId: string, metrics: TweetPublicMetrics): void;
}

const ZERO_METRICS: TweetPublicMetrics = {
  retweet_count: 0,
  reply_count: 0,
  like_count: 0,
  quote_count: 0,
  bookmark_count: 0,
  impression_count: 0,
};

/**
 * Lets the demo's traffic generator, written against the X emulator, post to another network's
 * emulator: the generator keeps X's shapes (and reads back only ids, usernames and metrics), the
 * network turns them into its own accounts, posts, reposts and counts.
 */
export class DemoNetworkSink implements DemoTrafficSink {
  private readonly users = new Map<string, EmulatedUser>();
  private readonly usersById = new Map<string, EmulatedUser>();
  private readonly posts = new Map<string, EmulatedTweet>();
  private repostSeq = 0;

  constructor(private readonly network: DemoNetwork) {}

  addUser(user: NewUser): EmulatedUser {
    const followers = user.public_metrics?.followers_count ?? 0;
    this.network.account(user.username, user.name, followers);
    const view = {
      id: user.id ?? `demo-user-${this.users.size + 1}`,
      username: user.username,
      name: user.name ?? user.username,
      public_metrics: { followers_count: followers },
    } as EmulatedUser;
    this.users.set(user.username.toLowerCase(), view);
    this.usersById.set(view.id, view);
    return view;
  }

  updateUser(idOrUsername: string, changes: Partial<Omit<NewUser, 'id' | 'username'>>): EmulatedUser {
    const user = this.usersById.get(idOrUsername) ?? this.users.get(idOrUsername.toLowerCase());
    if (!user) throw new Error(`unknown demo user ${idOrUsername}`);
    const followers = changes.public_metrics?.followers_count;
    if (followers !== undefined) {
      this.network.account(user.username, undefined, followers);
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
      this.network.repost(author, tweet.retweet_of_tweet_id, createdAt);
      id = `${tweet.retweet_of_tweet_id}#repost-${++this.repostSeq}`;
    } else {
      id = this.network.post({ author, text: tweet.text, createdAt, lang: tweet.lang, replyTo: tweet.in_reply_to_tweet_id });
    }
    const view = { id, text: tweet.text, public_metrics: { ...ZERO_METRICS } } as EmulatedTweet;
    this.posts.set(id, view);
    return view;
  }

  updateMetrics(tweetId: string, metrics: Partial<TweetPublicMetrics>): EmulatedTweet {
    const view = this.posts.get(tweetId);
    if (!view) throw new Error(`unknown demo post ${tweetId}`);
    view.public_metrics = { ...view.public_metrics, ...metrics };
    if (!tweetId.includes('#repost-')) this.network.setCounts(tweetId, view.public_metrics);
    return view;
  }

  getUserByUsername(username: string): EmulatedUser | undefined {
    return this.users.get(username.toLowerCase());
  }

  getTweet(id: string): EmulatedTweet | undefined {
    return this.posts.get(id);
  }
}

export interface DemoTrafficOptions {
  seed: string;
  mentionsPerDay: number;
  /** days of history; default 7 */
  days?: number;
  /** how often live traffic is added; default 20 s */
  tickSeconds?: number;
  onTickError?: (err: unknown) => void;
}

/**
 * Backfills a network with a week of the demo brand's traffic and keeps adding live traffic until
 * `stop()`; `ownedUsernames` are the brand's accounts as the generator names them.
 */
export function runDemoTraffic(network: DemoNetwork, options: DemoTrafficOptions): { ownedUsernames: string[]; stop(): void } {
  const sink = new DemoNetworkSink(network);
  const generator = new DemoTrafficGenerator({ seed: options.seed, mentionsPerDay: options.mentionsPerDay });
  generator.backfill(sink, { days: options.days ?? 7 });
  const timer = setInterval(
    () => {
      try {
        generator.tick(sink);
      } catch (err) {
        options.onTickError?.(err);
      }
    },
    (options.tickSeconds ?? 20) * 1000,
  );
  timer.unref();
  return { ownedUsernames: generator.describe().ownedAccounts.map((a) => a.handle), stop: () => clearInterval(timer) };
}
