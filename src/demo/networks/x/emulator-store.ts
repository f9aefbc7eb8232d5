import { foldText, searchTokens } from '../../../common/text';
import type { SearchablePost } from '../../../topics/query';
import { isSnowflakeLike, snowflakeId, X_EPOCH_MS } from './snowflake';
import { extractEntities, wrapUrls } from './tweet-text';
import type {
  EmulatedTweet,
  EmulatedUser,
  NewTweet,
  NewUser,
  ReferencedTweet,
  TweetPublicMetrics,
  UserPublicMetrics,
} from './x-emulator.types';

/** A stored tweet with what queries need precomputed. */
export interface TweetRecord {
  tweet: EmulatedTweet;
  /** BigInt of the id: pagination compares ids numerically */
  key: bigint;
  createdMs: number;
  searchable: SearchablePost;
}

const DEFAULT_TWEET_METRICS: TweetPublicMetrics = {
  retweet_count: 0,
  reply_count: 0,
  like_count: 0,
  quote_count: 0,
  bookmark_count: 0,
  impression_count: 0,
};

/** Shared by every tweet without hashtags (mentions, cashtags), as most are: an empty Set costs ~130 B. */
const NO_TAGS: ReadonlySet<string> = new Set();

function tagSet(values: string[]): ReadonlySet<string> {
  return values.length > 0 ? new Set(values) : NO_TAGS;
}

type SearchFields = Omit<SearchablePost, 'authorVerified'>;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the fields are assigned from `fields`
interface SearchableTweet extends SearchFields {}

/**
 * What queries match a stored tweet against. `authorVerified` is read live (verification can
 * change after the tweet was stored) through a getter on the class: a getter in an object literal
 * would make a closure per tweet. With the shared empty sets, about 1.1 of 3.9 KB a tweet less.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
class SearchableTweet implements SearchablePost {
  constructor(
    private readonly users: ReadonlyMap<string, EmulatedUser>,
    fields: SearchFields,
  ) {
    Object.assign(this, fields);
  }

  get authorVerified(): boolean {
    return this.users.get(this.authorId)?.verified ?? false;
  }
}

/**
 * The emulator's users and tweets, in memory. Tweets are kept sorted newest first (by id, which grows with
 * created_at), the order every X timeline and recent search answers in.
 */
export class EmulatorStore {
  private readonly users = new Map<string, EmulatedUser>();
  private readonly userIdsByUsername = new Map<string, string>();
  private readonly tweets = new Map<string, TweetRecord>();
  /** newest first */
  private readonly ordered: TweetRecord[] = [];
  private readonly sequenceByMs = new Map<number, number>();

  constructor(private readonly now: () => Date) {}

  addUser(input: NewUser): EmulatedUser {
    const username = input.username.replace(/^@/, '');
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) throw new Error(`invalid X username: ${input.username}`);
    const lower = username.toLowerCase();
    const existingId = this.userIdsByUsername.get(lower);
    if (existingId && existingId !== input.id) throw new Error(`username already taken: @${username}`);
    const createdAt = toDate(input.created_at ?? new Date(Date.UTC(2015, 0, 1)));
    const id = input.id ?? this.mintUserId(createdAt.getTime());
    if (!isSnowflakeLike(id)) throw new Error(`user ids are numeric strings: ${id}`);
    const metrics: UserPublicMetrics = {
      followers_count: 0,
      following_count: 0,
      tweet_count: 0,
      listed_count: 0,
      like_count: 0,
      media_count: 0,
      ...input.public_metrics,
    };
    const user: EmulatedUser = {
      id,
      username,
      name: input.name ?? username,
      created_at: createdAt.toISOString(),
      description: input.description ?? '',
      location: input.location,
      url: input.url,
      verified: input.verified ?? false,
      verified_type: input.verified_type ?? (input.verified ? 'blue' : 'none'),
      protected: input.protected ?? false,
      profile_image_url: input.profile_image_url ?? `https://pbs.twimg.com/profile_images/${id}/avatar_normal.jpg`,
      pinned_tweet_id: input.pinned_tweet_id,
      public_metrics: metrics,
    };
    this.users.set(id, user);
    this.userIdsByUsername.set(lower, id);
    return user;
  }

  updateUser(idOrUsername: string, changes: Partial<Omit<NewUser, 'id' | 'username'>>): EmulatedUser {
    const user = this.requireUser(idOrUsername);
    const { public_metrics, created_at, ...rest } = changes;
    Object.assign(user, stripUndefined(rest));
    if (created_at) user.created_at = toDate(created_at).toISOString();
    if (public_metrics) Object.assign(user.public_metrics, stripUndefined(public_metrics));
    return user;
  }

  getUser(id: string): EmulatedUser | undefined {
    return this.users.get(id);
  }

  getUserByUsername(username: string): EmulatedUser | undefined {
    const id = this.userIdsByUsername.get(username.replace(/^@/, '').toLowerCase());
    return id ? this.users.get(id) : undefined;
  }

  requireUser(idOrUsername: string): EmulatedUser {
    const user = this.users.get(idOrUsername) ?? this.getUserByUsername(idOrUsername);
    if (!user) throw new Error(`unknown user: ${idOrUsername}`);
    return user;
  }

  addTweet(input: NewTweet): EmulatedTweet {
    const author = this.requireUser(input.author_id ?? input.author_username ?? '');
    const createdAt = toDate(input.created_at ?? this.now());
    const id = input.id ?? this.mintTweetId(createdAt.getTime());
    if (!isSnowflakeLike(id)) throw new Error(`tweet ids are numeric strings: ${id}`);
    if (this.tweets.has(id)) throw new Error(`duplicate tweet id: ${id}`);

    const references: ReferencedTweet[] = [...(input.referenced_tweets ?? [])];
    let conversationId = input.conversation_id;
    let inReplyToUserId = input.in_reply_to_user_id;
    let text = input.text;
    let lang = input.lang;
    if (input.in_reply_to_tweet_id) {
      const parent = this.requireTweet(input.in_reply_to_tweet_id);
      references.push({ type: 'replied_to', id: parent.tweet.id });
      conversationId ??= parent.tweet.conversation_id;
      inReplyToUserId ??= parent.tweet.author_id;
      parent.tweet.public_metrics.reply_count += 1;
    }
    if (input.quote_tweet_id) {
      const quoted = this.requireTweet(input.quote_tweet_id);
      references.push({ type: 'quoted', id: quoted.tweet.id });
      quoted.tweet.public_metrics.quote_count += 1;
    }
    if (input.retweet_of_tweet_id) {
      const original = this.requireTweet(input.retweet_of_tweet_id);
      references.push({ type: 'retweeted', id: original.tweet.id });
      original.tweet.public_metrics.retweet_count += 1;
      lang ??= original.tweet.lang;
      if (!text) {
        const originalAuthor = this.users.get(original.tweet.author_id);
        text = `RT @${originalAuthor?.username ?? 'unknown'}: ${original.tweet.text}`;
      }
    }
    const wrapped = wrapUrls(text);
    const entities = extractEntities(wrapped.text, wrapped.links);
    const tweet: EmulatedTweet = {
      id,
      text: wrapped.text,
      author_id: author.id,
      created_at: createdAt.toISOString(),
      conversation_id: conversationId ?? id,
      in_reply_to_user_id: inReplyToUserId,
      referenced_tweets: references.length > 0 ? references : undefined,
      lang: lang ?? 'und',
      possibly_sensitive: input.possibly_sensitive ?? false,
      reply_settings: 'everyone',
      public_metrics: { ...DEFAULT_TWEET_METRICS, ...stripUndefined(input.public_metrics ?? {}) },
      entities,
    };
    const record: TweetRecord = {
      tweet,
      key: BigInt(id),
      createdMs: createdAt.getTime(),
      searchable: this.searchableOf(tweet, author),
    };
    this.tweets.set(id, record);
    this.insertOrdered(record);
    author.public_metrics.tweet_count += 1;
    return tweet;
  }

  getTweet(id: string): EmulatedTweet | undefined {
    return this.tweets.get(id)?.tweet;
  }

  getRecord(id: string): TweetRecord | undefined {
    return this.tweets.get(id);
  }

  /** Merges new public metrics into a tweet (likes and reposts change after a post is published). */
  updateMetrics(id: string, metrics: Partial<TweetPublicMetrics>): EmulatedTweet {
    const record = this.requireTweet(id);
    Object.assign(record.tweet.public_metrics, stripUndefined(metrics));
    return record.tweet;
  }

  /** Removes a tweet, as if its author deleted it: lookups then report it missing. */
  deleteTweet(id: string): boolean {
    const record = this.tweets.get(id);
    if (!record) return false;
    this.tweets.delete(id);
    const index = this.ordered.indexOf(record);
    if (index >= 0) this.ordered.splice(index, 1);
    return true;
  }

  /** All tweets, newest first. */
  newestFirst(): readonly TweetRecord[] {
    return this.ordered;
  }

  tweetCount(): number {
    return this.ordered.length;
  }

  userCount(): number {
    return this.users.size;
  }

  private requireTweet(id: string): TweetRecord {
    const record = this.tweets.get(id);
    if (!record) throw new Error(`unknown tweet: ${id}`);
    return record;
  }

  private searchableOf(tweet: EmulatedTweet, author: EmulatedUser): SearchablePost {
    // Keywords also match the expanded URLs behind t.co links, as X documents.
    const tokens = [...searchTokens(tweet.text), ...tweet.entities.urls.flatMap((u) => searchTokens(u.expanded_url))];
    const replyTo = tweet.referenced_tweets?.find((ref) => ref.type === 'replied_to');
    const retweeted = tweet.referenced_tweets?.find((ref) => ref.type === 'retweeted');
    const quoted = tweet.referenced_tweets?.find((ref) => ref.type === 'quoted');
    const retweetedAuthor = retweeted ? this.users.get(this.tweets.get(retweeted.id)?.tweet.author_id ?? '') : undefined;
    const replyToUser = tweet.in_reply_to_user_id ? this.users.get(tweet.in_reply_to_user_id) : undefined;
    return new SearchableTweet(this.users, {
      tokens,
      tokenSet: new Set(tokens),
      hashtags: tagSet(tweet.entities.hashtags.map((h) => foldText(h.tag))),
      mentions: tagSet(tweet.entities.mentions.map((m) => m.username.toLowerCase())),
      cashtags: tagSet(tweet.entities.cashtags.map((c) => c.tag.toLowerCase())),
      urls: tweet.entities.urls.flatMap((u) => [foldText(u.expanded_url), foldText(u.url)]),
      authorId: author.id,
      authorUsername: author.username.toLowerCase(),
      inReplyToUserId: tweet.in_reply_to_user_id,
      inReplyToUsername: replyToUser?.username.toLowerCase(),
      inReplyToTweetId: replyTo?.id,
      retweetedTweetId: retweeted?.id,
      retweetedUserId: retweetedAuthor?.id,
      retweetedUsername: retweetedAuthor?.username.toLowerCase(),
      quotedTweetId: quoted?.id,
      conversationId: tweet.conversation_id,
      lang: tweet.lang.toLowerCase(),
    });
  }

  private insertOrdered(record: TweetRecord): void {
    // Binary search for the first element older than the new one (the array is sorted by key, descending).
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.ordered[mid].key > record.key) low = mid + 1;
      else high = mid;
    }
    this.ordered.splice(low, 0, record);
  }

  private mintTweetId(createdMs: number): string {
    return this.mint(createdMs, 1, (id) => this.tweets.has(id));
  }

  private mintUserId(createdMs: number): string {
    return this.mint(Math.max(createdMs, Number(X_EPOCH_MS)), 2, (id) => this.users.has(id));
  }

  private mint(createdMs: number, worker: number, taken: (id: string) => boolean): string {
    const ms = Math.floor(createdMs);
    let sequence = this.sequenceByMs.get(ms) ?? 0;
    let id = snowflakeId(ms, worker, sequence);
    while (taken(id)) {
      sequence += 1;
      if (sequence > 0xfff) throw new Error('more than 4096 ids minted in one millisecond');
      id = snowflakeId(ms, worker, sequence);
    }
    this.sequenceByMs.set(ms, sequence + 1);
    return id;
  }
}

function toDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`invalid date: ${String(value)}`);
  return date;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
