import type { BlueskyPost } from './bluesky-payload';
import type { QueryablePost } from '../../topics/query';

const HASHTAG = /(^|[^\p{L}\p{N}_&#])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu;
/** Bluesky mentions are handles (domain names): `@lumi.bsky.social`. */
const MENTION = /(^|[^\p{L}\p{N}_@])@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)/giu;

/** A Bluesky post as the topic query sees it (hashtags and mentions read from its text). */
export function queryableOf(post: BlueskyPost): QueryablePost {
  const text = post.record.text;
  const parent = post.record.reply?.parent.uri;
  return {
    text,
    hashtags: [...text.matchAll(HASHTAG)].map((m) => m[2]),
    mentions: [...text.matchAll(MENTION)].map((m) => m[2]),
    authorId: post.author.did,
    authorHandle: post.author.handle,
    inReplyToUserId: parent ? didOfUri(parent) : null,
    inReplyToPostId: parent ?? null,
    conversationId: post.record.reply?.root.uri ?? post.uri,
    lang: post.record.langs?.[0] ?? null,
  };
}

/** `at://did:plc:abc/app.bsky.feed.post/3k…` → `did:plc:abc`. */
export function didOfUri(uri: string): string {
  return uri.replace(/^at:\/\//, '').split('/')[0];
}
