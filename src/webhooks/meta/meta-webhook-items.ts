import type { MentionInput, ReplyInput } from '../../collectors/collected';
import { whatsappMessageInput } from '../../collectors/whatsapp/whatsapp-messages';
import type { InstagramCommentEvent, PageCommentEvent, WhatsAppMessageEvent } from './meta-webhook-payload';

const NO_METRICS = { likes: 0, reposts: 0, quotes: 0, replies: 0, impressions: null };

/**
 * A comment a webhook announced, as the collector stores it: the same network id (the key that
 * stores an item once), so the collector reading it later finds it known. The Page's own comment
 * is a brand reply to the comment (or post) it answers.
 */
export function pageCommentItem(e: PageCommentEvent): { mention: MentionInput } | { reply: ReplyInput } | null {
  const url = `https://www.facebook.com/${e.commentId}`;
  // Meta gives a top-level comment the post as its parent
  const parentComment = e.parentId && e.parentId !== e.postId ? e.parentId : null;
  const inReplyTo = parentComment ?? e.postId;
  if (e.from.id === e.pageId) {
    // the Page's own top-level comment answers nobody (as the collector reads it)
    if (!parentComment) return null;
    return {
      reply: {
        platform: 'facebook',
        externalId: e.commentId,
        accountExternalId: e.pageId,
        accountHandle: e.pageId,
        text: e.message,
        createdAt: e.createdAt,
        url,
        inReplyToExternalId: inReplyTo,
        conversationId: e.postId,
      },
    };
  }
  return {
    mention: {
      platform: 'facebook',
      externalId: e.commentId,
      text: e.message,
      createdAt: e.createdAt,
      url,
      author: { externalId: e.from.id, handle: e.from.name ?? e.from.id, name: e.from.name, followers: null },
      conversationId: e.postId,
      inReplyToExternalId: inReplyTo,
      inReplyToUserId: parentComment ? null : e.pageId,
      metrics: NO_METRICS,
    },
  };
}

export function instagramCommentItem(e: InstagramCommentEvent): { mention: MentionInput } | { reply: ReplyInput } | null {
  const url = `https://www.instagram.com/${e.from.username}`;
  const conversationId = e.mediaId;
  if (e.from.id === e.accountId) {
    // the account's own top-level comment answers nobody (as the collector reads it)
    if (!e.parentId) return null;
    return {
      reply: {
        platform: 'instagram',
        externalId: e.commentId,
        accountExternalId: e.accountId,
        accountHandle: e.from.username,
        text: e.text,
        createdAt: e.createdAt,
        url,
        inReplyToExternalId: e.parentId,
        conversationId,
      },
    };
  }
  return {
    mention: {
      platform: 'instagram',
      externalId: e.commentId,
      text: e.text,
      createdAt: e.createdAt,
      url,
      author: { externalId: e.from.id, handle: e.from.username.toLowerCase(), name: null, followers: null },
      conversationId,
      inReplyToExternalId: e.parentId ?? e.mediaId,
      metrics: NO_METRICS,
    },
  };
}

export const whatsappItem = (e: WhatsAppMessageEvent): MentionInput => whatsappMessageInput(e);
