import type { EmulatorStore } from './emulator-store';
import { invalidRequest, resourceNotFound, type InlineError } from './x-api-errors';
import type { EmulatedTweet, EmulatedUser } from './x-emulator.types';

/**
 * Turns stored records into X API v2 objects: only the fields asked for through `tweet.fields` /
 * `user.fields` (id and text, edit_history_tweet_ids, and id, name, username are always there), and the
 * `includes` that `expansions` ask for. Field and expansion names are validated like X does.
 */

export const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
] as const;

export const USER_FIELDS = [
  'affiliation',
  'confirmed_email',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
] as const;

export const TWEET_EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'entities.note.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
] as const;

export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

export interface FieldSelection {
  tweetFields: ReadonlySet<string>;
  userFields: ReadonlySet<string>;
  expansions: ReadonlySet<string>;
}

/** Reads and validates `tweet.fields`, `user.fields` and `expansions` (tweet or user expansions). */
export function parseFieldSelection(query: URLSearchParams, primary: 'tweet' | 'user'): FieldSelection {
  return {
    tweetFields: parseList(query, 'tweet.fields', TWEET_FIELDS),
    userFields: parseList(query, 'user.fields', USER_FIELDS),
    expansions: parseList(query, 'expansions', primary === 'tweet' ? TWEET_EXPANSIONS : USER_EXPANSIONS),
  };
}

function parseList(query: URLSearchParams, parameter: string, allowed: readonly string[]): Set<string> {
  const raw = query.get(parameter);
  if (raw === null) return new Set();
  const values = raw.split(',').filter((value) => value.length > 0);
  const problems = values
    .filter((value) => !allowed.includes(value))
    .map((value) => ({
      parameter,
      value: raw,
      message: `The \`${parameter}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
    }));
  if (problems.length > 0) throw invalidRequest(...problems);
  return new Set(values);
}

export function renderTweet(tweet: EmulatedTweet, fields: ReadonlySet<string>, store: EmulatorStore): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: tweet.id,
    text: tweet.text,
    edit_history_tweet_ids: [tweet.id],
  };
  if (fields.has('author_id')) out.author_id = tweet.author_id;
  if (fields.has('created_at')) out.created_at = tweet.created_at;
  if (fields.has('conversation_id')) out.conversation_id = tweet.conversation_id;
  if (fields.has('in_reply_to_user_id') && tweet.in_reply_to_user_id) out.in_reply_to_user_id = tweet.in_reply_to_user_id;
  if (fields.has('referenced_tweets') && tweet.referenced_tweets) {
    out.referenced_tweets = tweet.referenced_tweets.map((ref) => ({ type: ref.type, id: ref.id }));
  }
  if (fields.has('lang')) out.lang = tweet.lang;
  if (fields.has('possibly_sensitive')) out.possibly_sensitive = tweet.possibly_sensitive;
  if (fields.has('reply_settings')) out.reply_settings = tweet.reply_settings;
  if (fields.has('public_metrics')) out.public_metrics = { ...tweet.public_metrics };
  if (fields.has('edit_controls')) {
    const editableUntil = new Date(Date.parse(tweet.created_at) + 3600 * 1000);
    out.edit_controls = { edits_remaining: 5, is_edit_eligible: false, editable_until: editableUntil.toISOString() };
  }
  if (fields.has('display_text_range')) out.display_text_range = displayTextRange(tweet);
  if (fields.has('entities')) {
    const entities = renderEntities(tweet, store);
    if (entities) out.entities = entities;
  }
  return out;
}

function renderEntities(tweet: EmulatedTweet, store: EmulatorStore): Record<string, unknown> | undefined {
  const { hashtags, mentions, urls, cashtags } = tweet.entities;
  const out: Record<string, unknown> = {};
  if (hashtags.length > 0) out.hashtags = hashtags.map((h) => ({ ...h }));
  if (mentions.length > 0) {
    out.mentions = mentions.map((m) => {
      const user = store.getUserByUsername(m.username);
      return user ? { start: m.start, end: m.end, username: m.username, id: user.id } : { ...m };
    });
  }
  if (urls.length > 0) out.urls = urls.map((u) => ({ ...u }));
  if (cashtags.length > 0) out.cashtags = cashtags.map((c) => ({ ...c }));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** For replies X leaves the leading @mentions out of the displayed range. */
function displayTextRange(tweet: EmulatedTweet): [number, number] {
  const length = Array.from(tweet.text).length;
  if (!tweet.referenced_tweets?.some((ref) => ref.type === 'replied_to')) return [0, length];
  let start = 0;
  for (const mention of tweet.entities.mentions) {
    if (mention.start !== start) break;
    start = mention.end + 1;
  }
  return [Math.min(start, length), length];
}

export function renderUser(user: EmulatedUser, fields: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  if (fields.has('created_at')) out.created_at = user.created_at;
  if (fields.has('description')) out.description = user.description;
  if (fields.has('location') && user.location !== undefined) out.location = user.location;
  if (fields.has('url')) out.url = user.url ?? '';
  if (fields.has('verified')) out.verified = user.verified;
  if (fields.has('verified_type')) out.verified_type = user.verified_type;
  if (fields.has('protected')) out.protected = user.protected;
  if (fields.has('profile_image_url')) out.profile_image_url = user.profile_image_url;
  if (fields.has('pinned_tweet_id') && user.pinned_tweet_id) out.pinned_tweet_id = user.pinned_tweet_id;
  if (fields.has('public_metrics')) out.public_metrics = { ...user.public_metrics };
  return out;
}

export interface Expanded {
  includes?: { users?: Record<string, unknown>[]; tweets?: Record<string, unknown>[] };
  errors?: InlineError[];
}

/** The `includes` of a page of tweets, deduplicated in order of first reference, and errors for missing ones. */
export function expandTweets(tweets: readonly EmulatedTweet[], selection: FieldSelection, store: EmulatorStore): Expanded {
  const { expansions } = selection;
  const userIds: string[] = [];
  const tweetIds: string[] = [];
  const errors: InlineError[] = [];
  const addUser = (id: string | undefined) => {
    if (id && !userIds.includes(id)) userIds.push(id);
  };
  for (const tweet of tweets) {
    if (expansions.has('author_id')) addUser(tweet.author_id);
    if (expansions.has('in_reply_to_user_id')) addUser(tweet.in_reply_to_user_id);
    if (expansions.has('entities.mentions.username')) {
      for (const mention of tweet.entities.mentions) addUser(store.getUserByUsername(mention.username)?.id);
    }
    if (expansions.has('referenced_tweets.id') || expansions.has('referenced_tweets.id.author_id')) {
      for (const ref of tweet.referenced_tweets ?? []) {
        const referenced = store.getTweet(ref.id);
        if (!referenced) {
          if (!errors.some((error) => error.value === ref.id)) {
            errors.push(resourceNotFound('tweet', 'referenced_tweets.id', ref.id));
          }
          continue;
        }
        if (expansions.has('referenced_tweets.id') && !tweetIds.includes(ref.id)) tweetIds.push(ref.id);
        if (expansions.has('referenced_tweets.id.author_id')) addUser(referenced.author_id);
      }
    }
  }
  const users = userIds
    .map((id) => store.getUser(id))
    .filter((user): user is EmulatedUser => user !== undefined)
    .map((user) => renderUser(user, selection.userFields));
  const included = tweetIds
    .map((id) => store.getTweet(id))
    .filter((tweet): tweet is EmulatedTweet => tweet !== undefined)
    .map((tweet) => renderTweet(tweet, selection.tweetFields, store));
  const result: Expanded = {};
  if (users.length > 0 || included.length > 0) {
    result.includes = {};
    if (users.length > 0) result.includes.users = users;
    if (included.length > 0) result.includes.tweets = included;
  }
  if (errors.length > 0) result.errors = errors;
  return result;
}

/** The `includes` of users: their pinned tweets when `expansions=pinned_tweet_id`. */
export function expandUsers(users: readonly EmulatedUser[], selection: FieldSelection, store: EmulatorStore): Expanded {
  if (!selection.expansions.has('pinned_tweet_id')) return {};
  const tweets = users
    .map((user) => (user.pinned_tweet_id ? store.getTweet(user.pinned_tweet_id) : undefined))
    .filter((tweet): tweet is EmulatedTweet => tweet !== undefined)
    .map((tweet) => renderTweet(tweet, selection.tweetFields, store));
  return tweets.length > 0 ? { includes: { tweets } } : {};
}
