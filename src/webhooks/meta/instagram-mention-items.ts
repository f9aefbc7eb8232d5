import type { MentionInput, RejectedItem } from '../../collectors/collected';
import {
  MENTIONED_COMMENT_FIELDS,
  mentionedCommentMentions,
  parseTagged,
  TAGGED_FIELDS,
  taggedMentions,
  type InstagramAccountRef,
} from '../../collectors/instagram/instagram-payload';
import { GraphApiError, type MetaGraphClient } from '../../collectors/meta/graph-client';
import { rejectedOf } from '../../collectors/payload-items';
import type { InstagramMentionEvent } from './meta-webhook-payload';

/**
 * An Instagram `mentions` change names only ids: the media whose caption @mentions the account, or
 * the comment that does. Meta's way to read it is through the mentioned account
 * (`GET /{ig-user-id}?fields=mentioned_media.media_id(<id>){...}` or
 * `mentioned_comment.comment_id(<id>){...}`); it is mapped by the collector's own mappers, so it is
 * stored under the same network id the collector uses (the media id, as `/tags` gives it, or the
 * comment id; Graph names no commenter, so that author is unknown) and stored once. What Graph answers malformed is quarantined; an id Graph says does
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
    // (#100/33) the object does not exist or does not mention the account: retrying cannot help
    const graphError = err instanceof GraphApiError ? err : (err as { cause?: unknown } | null)?.cause;
    if (graphError instanceof GraphApiError && graphError.code === 100 && graphError.error?.error_subcode === 33)
      return { mentions: [], rejected: [], gone: true };
    throw err;
  }
  const username = typeof answer.username === 'string' ? answer.username : event.accountId;
  const account: InstagramAccountRef = { externalId: event.accountId, handle: event.accountId, username };
  if (!event.commentId) {
    const { items, skipped } = parseTagged([answer.mentioned_media]);
    return { mentions: taggedMentions(items, account), rejected: rejectedOf('instagram', skipped), gone: false };
  }
  const { items, skipped } = mentionedCommentMentions(answer.mentioned_comment);
  return { mentions: items, rejected: rejectedOf('instagram', skipped), gone: false };
}
