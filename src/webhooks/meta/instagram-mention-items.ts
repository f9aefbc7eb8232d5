import type { MentionInput, RejectedItem } from '../../collectors/collected';
import {
  commentItems,
  parseComments,
  parseTagged,
  TAGGED_FIELDS,
  taggedMentions,
  type InstagramAccountRef,
} from '../../collectors/instagram/instagram-payload';
import { GraphApiError, type MetaGraphClient } from '../../collectors/meta/graph-client';
import { rejectedOf } from '../../collectors/payload-items';
import type { InstagramMentionEvent } from './meta-webhook-payload';

const MENTIONED_COMMENT_FIELDS = 'id,text,timestamp,username,from,media{id,permalink}';

/**
 * An Instagram `mentions` change names only ids: the media whose caption @mentions the account, or
 * the comment that does. Meta's way to read it is through the mentioned account
 * (`GET /{ig-user-id}?fields=mentioned_media.media_id(<id>){...}` or
 * `mentioned_comment.comment_id(<id>){...}`); it is mapped by the collector's own mappers, so it is
 * stored under the same network id the collector uses (the media id, as `/tags` gives it, or the
 * comment id) and stored once. What Graph answers malformed is quarantined; an id Graph says does
 * not exist (or no longer mentions the account: deleted, edited) is `gone`; any other Graph failure
 * is thrown so the queue retries the delivery.
 */
export async function readInstagramMention(
  graph: MetaGraphClient,
  event: InstagramMentionEvent,
): Promise<{ mentions: MentionInput[]; rejected: RejectedItem[]; gone: boolean }> {
  const field = event.commentId
    ? `mentioned_comment.comment_id(${event.commentId}){${MENTIONED_COMMENT_FIELDS}}`
    : `mentioned_media.media_id(${event.mediaId}){${TAGGED_FIELDS}}`;
  let answer: { username?: unknown; mentioned_media?: unknown; mentioned_comment?: unknown };
  try {
    answer = await graph.get(event.accountId, { fields: `username,${field}` }, { platform: 'instagram' });
  } catch (err) {
    // (#100) the object does not exist or does not mention the account: retrying cannot help
    const graphError = err instanceof GraphApiError ? err : (err as { cause?: unknown } | null)?.cause;
    if (graphError instanceof GraphApiError && graphError.status === 400 && graphError.code === 100)
      return { mentions: [], rejected: [], gone: true };
    throw err;
  }
  const username = typeof answer.username === 'string' ? answer.username : event.accountId;
  const account: InstagramAccountRef = { externalId: event.accountId, handle: event.accountId, username };
  if (!event.commentId) {
    const { items, skipped } = parseTagged([answer.mentioned_media]);
    return { mentions: taggedMentions(items, account), rejected: rejectedOf('instagram', skipped), gone: false };
  }
  const raw = answer.mentioned_comment as { media?: { id?: unknown; permalink?: unknown } } | undefined;
  const { items, skipped } = parseComments([answer.mentioned_comment]);
  const permalink = typeof raw?.media?.permalink === 'string' ? raw.media.permalink : 'https://www.instagram.com/';
  const mediaId = typeof raw?.media?.id === 'string' ? raw.media.id : event.mediaId;
  // the account's own comment naming itself is no mention (commentItems leaves it out as a top-level comment)
  const { mentions } = commentItems(items, { id: mediaId, permalink }, account);
  return { mentions, rejected: rejectedOf('instagram', skipped), gone: false };
}
