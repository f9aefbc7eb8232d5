import { GraphApiFailure, graphError } from './graph-errors';
import type { MetaGraphEmulator } from './meta-graph-emulator';

/**
 * Replies the brand publishes from the inbox: `POST /{comment-id}/comments` on Facebook (as the
 * Page; a reply to a reply joins the top-level comment's thread, Facebook threads one level deep)
 * and `POST /{ig-comment-id}/replies` on Instagram (as the account). A comment that no longer
 * exists is Graph's error 100/33, which the emulator answers for any unknown id.
 */
export function registerReplyRoutes(emulator: MetaGraphEmulator): void {
  const store = emulator.store;
  emulator.route(
    'POST',
    /^\/([0-9_]+)\/comments$/,
    'fb-comment-reply',
    (call) => {
      const comment = store.fbComments.get(call.match[1])!;
      const message = call.params.message?.trim();
      if (!message) throw new GraphApiFailure(400, graphError(100, '(#100) Missing message or attachment'));
      const post = store.fbPosts.get(comment.postId)!;
      const page = store.pages.get(post.pageId)!;
      const reply = store.addFbComment({
        postId: post.id,
        parentId: comment.parentId ?? comment.id,
        from: { id: page.id, name: page.name },
        message,
        createdAt: new Date(),
      });
      return { id: reply.id };
    },
    { when: (m) => store.fbComments.has(m[1]) },
  );
  emulator.route(
    'POST',
    /^\/(\d+)\/replies$/,
    'ig-comment-reply',
    (call) => {
      const comment = store.igComments.get(call.match[1])!;
      const message = call.params.message?.trim();
      if (!message) throw new GraphApiFailure(400, graphError(100, '(#100) The parameter message is required'));
      const media = store.igMedia.get(comment.mediaId)!;
      const reply = store.addIgComment({
        mediaId: media.id,
        parentId: comment.parentId ?? comment.id,
        fromId: media.owner.id,
        text: message,
        createdAt: new Date(),
      });
      return { id: reply.id };
    },
    { when: (m) => store.igComments.has(m[1]) },
  );
}
