import type { GraphCall, MetaGraphEmulator } from './meta-graph-emulator';
import { GraphApiFailure, graphError } from './graph-errors';
import type { FieldSpec } from './graph-fields';
import type { MetaGraphStore, StoredFbComment, StoredFbPost, StoredIgComment, StoredIgMedia } from './meta-graph-store';

/**
 * The read routes of the Graph emulator (Pages and Instagram accounts), answered as Graph v24.0
 * answers them: only the fields asked for (`id` always), edges as `{ data, paging }` with opaque
 * `cursors.before/after` and a `next` URL while more remain, `since`/`until` on the time-ordered
 * edges, `limit` (default 25, at most 100).
 */

type Json = Record<string, unknown>;

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

/** Graph's answer when the media or comment does not exist or does not mention the account. */
const noMention = (kind: 'media' | 'comment', id: string | undefined) =>
  new GraphApiFailure(
    400,
    graphError(100, `Unsupported get request. Object with ID '${id ?? ''}' does not exist or does not mention this user (${kind})`, {
      error_subcode: 33,
    }),
  );

/** Graph's time format: 2026-12-06T19:00:00+0000 */
export const graphTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, '+0000');

const cursorOf = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const idOfCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** `since`/`until` as Graph takes them: a Unix time, or a date strtotime() reads (ISO here). */
function timeParam(value: string | undefined, name: string): number | null {
  if (value === undefined || value === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new GraphApiFailure(400, graphError(100, `(#100) The ${name} parameter is not a valid time`));
  return ms;
}

function limitParam(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new GraphApiFailure(400, graphError(100, '(#100) Param limit must be a non-negative integer'));
  return Math.min(n, MAX_LIMIT);
}

/** One page of an edge: items after the `after` cursor (or before `before`), with Graph's paging block. */
export function edgePage<T extends { id: string }>(call: GraphCall, items: T[], render: (item: T) => Json): Json {
  const limit = limitParam(call.params.limit);
  let start = 0;
  if (call.params.after) {
    const index = items.findIndex((i) => i.id === idOfCursor(call.params.after));
    if (index < 0) throw new GraphApiFailure(400, graphError(100, '(#100) The after cursor is invalid'));
    start = index + 1;
  } else if (call.params.before) {
    const index = items.findIndex((i) => i.id === idOfCursor(call.params.before));
    start = Math.max(0, index - limit);
  }
  const slice = items.slice(start, start + limit);
  const body: Json = { data: slice.map(render) };
  if (slice.length === 0) return body;
  const after = cursorOf(slice[slice.length - 1].id);
  const paging: Json = { cursors: { before: cursorOf(slice[0].id), after } };
  if (start + limit < items.length) {
    const next = new URL(call.path.replace(/^\//, ''), call.graphUrl);
    for (const [key, value] of Object.entries(call.params)) if (key !== 'before') next.searchParams.set(key, value);
    next.searchParams.set('after', after);
    paging.next = next.toString();
  }
  body.paging = paging;
  return body;
}

function between<T extends { createdAt: Date }>(call: GraphCall, items: T[]): T[] {
  const since = timeParam(call.params.since, 'since');
  const until = timeParam(call.params.until, 'until');
  return items.filter((i) => (since === null || i.createdAt.getTime() >= since) && (until === null || i.createdAt.getTime() <= until));
}

const newestFirst = <T extends { createdAt: Date; id: string }>(items: T[]) =>
  [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
const oldestFirst = <T extends { createdAt: Date; id: string }>(items: T[]) =>
  [...items].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));

/** The requested fields, or the edge's default ones when `fields` was not given. */
const fieldsOr = (fields: FieldSpec[], defaults: string[]): FieldSpec[] =>
  fields.length ? fields : defaults.map((name) => ({ name, modifiers: {}, fields: [] }));

function pick(fields: FieldSpec[], values: Record<string, (spec: FieldSpec) => unknown>): Json {
  const out: Json = { id: values.id?.({ name: 'id', modifiers: {}, fields: [] }) };
  for (const spec of fields) {
    const value = values[spec.name];
    if (!value) throw new GraphApiFailure(400, graphError(100, `(#100) Tried accessing nonexisting field (${spec.name})`));
    const rendered = value(spec);
    if (rendered !== undefined) out[spec.name] = rendered;
  }
  return out;
}

/** An edge asked for as a field (`comments.summary(true).limit(0)`): its first items and, with summary, the count. */
function inlineEdge<T extends { id: string }>(
  spec: FieldSpec,
  items: T[],
  render: (item: T, fields: FieldSpec[]) => Json,
  summary: Json = {},
): Json {
  const limit = spec.modifiers.limit === undefined ? DEFAULT_LIMIT : Math.min(Number(spec.modifiers.limit), MAX_LIMIT);
  const out: Json = { data: items.slice(0, limit).map((item) => render(item, spec.fields)) };
  if (spec.modifiers.summary === 'true' || spec.modifiers.summary === 'total_count' || spec.modifiers.summary === '1')
    out.summary = { total_count: items.length, ...summary };
  return out;
}

export function renderFbPost(store: MetaGraphStore, post: StoredFbPost, fields: FieldSpec[]): Json {
  return pick(fieldsOr(fields, ['created_time', 'message']), {
    id: () => post.id,
    message: () => post.message,
    created_time: () => graphTime(post.createdAt),
    permalink_url: () => post.permalinkUrl,
    from: () => ({ ...post.from }),
    // Graph leaves `shares` out of a post nobody shared
    shares: () => (post.shares > 0 ? { count: post.shares } : undefined),
    reactions: (spec) =>
      inlineEdge(
        spec,
        Array.from({ length: post.reactions }, (_, i) => ({ id: `${post.id}_r${i}` })),
        (r) => ({ id: r.id, type: 'LIKE' }),
        { viewer_reaction: 'NONE' },
      ),
    comments: (spec) => {
      const all = oldestFirst(store.fbCommentsOf(post.id));
      const list = spec.modifiers.filter === 'stream' ? all : all.filter((c) => c.parentId === undefined);
      return inlineEdge(spec, list, (c, f) => renderFbComment(store, c, f), {
        order: spec.modifiers.filter === 'stream' ? 'chronological' : 'ranked',
        can_comment: true,
      });
    },
  });
}

export function renderFbComment(store: MetaGraphStore, comment: StoredFbComment, fields: FieldSpec[]): Json {
  return pick(fieldsOr(fields, ['created_time', 'from', 'message']), {
    id: () => comment.id,
    message: () => comment.message,
    created_time: () => graphTime(comment.createdAt),
    from: () => (comment.from ? { ...comment.from } : undefined),
    permalink_url: () => comment.permalinkUrl,
    parent: (spec) => {
      const parent = comment.parentId ? store.fbComments.get(comment.parentId) : undefined;
      return parent
        ? renderFbComment(store, parent, spec.fields.length ? spec.fields : [{ name: 'id', modifiers: {}, fields: [] }])
        : undefined;
    },
    comment_count: () => [...store.fbComments.values()].filter((c) => c.parentId === comment.id).length,
    object: () => ({ id: comment.postId }),
  });
}

export function renderIgMedia(store: MetaGraphStore, media: StoredIgMedia, fields: FieldSpec[]): Json {
  return pick(fieldsOr(fields, []), {
    id: () => media.id,
    caption: () => media.caption,
    timestamp: () => graphTime(media.createdAt),
    like_count: () => media.likeCount,
    // Instagram counts replies in comments_count
    comments_count: () => store.igCommentsOf(media.id).length,
    permalink: () => media.permalink,
    media_type: () => media.mediaType,
    media_product_type: () => 'FEED',
    username: () => media.owner.username,
    owner: () => ({ id: media.owner.id }),
  });
}

export function renderIgComment(store: MetaGraphStore, comment: StoredIgComment, fields: FieldSpec[]): Json {
  return pick(fieldsOr(fields, ['timestamp', 'text']), {
    id: () => comment.id,
    text: () => comment.text,
    timestamp: () => graphTime(comment.createdAt),
    username: () => comment.from.username,
    from: () => ({ id: comment.from.id, username: comment.from.username }),
    like_count: () => comment.likeCount,
    media: (spec) => {
      const media = store.igMedia.get(comment.mediaId);
      return spec.fields.length && media ? renderIgMedia(store, media, spec.fields) : { id: comment.mediaId };
    },
    parent_id: () => comment.parentId,
    replies: (spec) =>
      inlineEdge(spec, oldestFirst(store.igCommentsOf(comment.mediaId).filter((c) => c.parentId === comment.id)), (c, f) =>
        renderIgComment(store, c, f),
      ),
  });
}

/** Registers the Page and Instagram read routes on the emulator. */
export function registerReadRoutes(emulator: MetaGraphEmulator): void {
  const store = emulator.store;
  const id = (call: GraphCall) => call.match[1];
  const is = (map: Map<string, unknown>) => (match: RegExpExecArray) => map.has(match[1]);
  const NODE = /^\/([0-9_]+)$/;
  const EDGE = (edge: string) => new RegExp(`^/([0-9_]+)/${edge}$`);

  emulator.route(
    'GET',
    NODE,
    'page',
    (call) => {
      const page = store.pages.get(id(call))!;
      return pick(fieldsOr(call.fields, ['name']), {
        id: () => page.id,
        name: () => page.name,
        followers_count: () => page.followersCount,
        fan_count: () => page.fanCount,
        link: () => `https://www.facebook.com/${page.id}`,
      });
    },
    { when: is(store.pages) },
  );
  emulator.route('GET', NODE, 'fb-post', (call) => renderFbPost(store, store.fbPosts.get(id(call))!, call.fields), {
    when: is(store.fbPosts),
  });
  emulator.route('GET', NODE, 'fb-comment', (call) => renderFbComment(store, store.fbComments.get(id(call))!, call.fields), {
    when: is(store.fbComments),
  });
  emulator.route(
    'GET',
    NODE,
    'ig-user',
    (call) => {
      const user = store.igUsers.get(id(call))!;
      return pick(fieldsOr(call.fields, []), {
        id: () => user.id,
        username: () => user.username,
        name: () => user.name,
        followers_count: () => user.followersCount,
        media_count: () => [...store.igMedia.values()].filter((m) => m.owner.id === user.id).length,
        // A media or comment that @mentions the account, as Meta answers it: the object with the fields asked for.
        mentioned_media: (spec) => {
          const media = store.igMedia.get(spec.modifiers.media_id ?? '');
          const mentions = media && (media.tagged.includes(user.id) || media.caption.includes(`@${user.username}`));
          if (!media || !mentions) throw noMention('media', spec.modifiers.media_id);
          return renderIgMedia(store, media, fieldsOr(spec.fields, []));
        },
        mentioned_comment: (spec) => {
          const comment = store.igComments.get(spec.modifiers.comment_id ?? '');
          if (!comment || !comment.text.includes(`@${user.username}`)) throw noMention('comment', spec.modifiers.comment_id);
          // Graph documents only these fields on a mentioned comment (no author)
          const unknown = spec.fields.find((f) => !['id', 'like_count', 'media', 'text', 'timestamp'].includes(f.name));
          if (unknown) throw new GraphApiFailure(400, graphError(100, `(#100) Tried accessing nonexisting field (${unknown.name})`));
          return renderIgComment(store, comment, fieldsOr(spec.fields, ['timestamp', 'text']));
        },
      });
    },
    { when: is(store.igUsers) },
  );
  emulator.route('GET', NODE, 'ig-media', (call) => renderIgMedia(store, store.igMedia.get(id(call))!, call.fields), {
    when: is(store.igMedia),
  });
  emulator.route('GET', NODE, 'ig-comment', (call) => renderIgComment(store, store.igComments.get(id(call))!, call.fields), {
    when: is(store.igComments),
  });

  const pagePosts = (kind: StoredFbPost['kind']) => (call: GraphCall) => {
    const posts = [...store.fbPosts.values()].filter((p) => p.pageId === id(call) && p.kind === kind);
    return edgePage(call, newestFirst(between(call, posts)), (p) =>
      renderFbPost(store, p, fieldsOr(call.fields, ['created_time', 'message'])),
    );
  };
  emulator.route('GET', EDGE('published_posts'), 'page-published-posts', pagePosts('published'), { when: is(store.pages) });
  emulator.route('GET', EDGE('posts'), 'page-posts', pagePosts('published'), { when: is(store.pages) });
  emulator.route('GET', EDGE('visitor_posts'), 'page-visitor-posts', pagePosts('visitor'), { when: is(store.pages) });
  emulator.route('GET', EDGE('tagged'), 'page-tagged', pagePosts('tagged'), { when: is(store.pages) });

  emulator.route(
    'GET',
    EDGE('comments'),
    'fb-comments',
    (call) => {
      const target = id(call);
      const onPost = store.fbPosts.has(target);
      const all = onPost ? store.fbCommentsOf(target) : [...store.fbComments.values()].filter((c) => c.parentId === target);
      // filter=stream: every comment, replies included, in time order; toplevel (default): top-level ones only
      const list = onPost && call.params.filter !== 'stream' ? all.filter((c) => c.parentId === undefined) : all;
      const ordered = call.params.order === 'reverse_chronological' ? newestFirst(list) : oldestFirst(list);
      return edgePage(call, between(call, ordered), (c) => renderFbComment(store, c, call.fields));
    },
    { when: (m) => store.fbPosts.has(m[1]) || store.fbComments.has(m[1]) },
  );

  emulator.route(
    'GET',
    EDGE('media'),
    'ig-user-media',
    (call) => {
      const media = [...store.igMedia.values()].filter((m) => m.owner.id === id(call));
      return edgePage(call, newestFirst(between(call, media)), (m) => renderIgMedia(store, m, call.fields));
    },
    { when: is(store.igUsers) },
  );
  emulator.route(
    'GET',
    EDGE('tags'),
    'ig-user-tags',
    (call) => {
      const media = [...store.igMedia.values()].filter((m) => m.tagged.includes(id(call)));
      return edgePage(call, newestFirst(media), (m) => renderIgMedia(store, m, call.fields));
    },
    { when: is(store.igUsers) },
  );
  emulator.route(
    'GET',
    EDGE('comments'),
    'ig-comments',
    (call) => {
      const comments = oldestFirst(store.igCommentsOf(id(call)).filter((c) => c.parentId === undefined));
      return edgePage(call, comments, (c) => renderIgComment(store, c, call.fields));
    },
    { when: is(store.igMedia) },
  );
  emulator.route(
    'GET',
    EDGE('replies'),
    'ig-replies',
    (call) => {
      const parent = store.igComments.get(id(call))!;
      const replies = oldestFirst(store.igCommentsOf(parent.mediaId).filter((c) => c.parentId === parent.id));
      return edgePage(call, replies, (c) => renderIgComment(store, c, call.fields));
    },
    { when: is(store.igComments) },
  );
}
