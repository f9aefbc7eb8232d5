import { z } from 'zod';
import type { MentionInput, PostInput, PublicMetrics, ReplyInput } from '../collected';
import type { QueryablePost } from '../../topics/query';
import type { Skipped } from '../payload-items';

/**
 * Reddit's things, as its JSON API answers them (`raw_json=1`): a Listing
 * (`{ kind: 'Listing', data: { after, before, children: [{ kind, data }] } }`) of submissions
 * (`t3`) or comments (`t1`) → what ingestion takes. A thing's id is its fullname (`t3_abc`,
 * `t1_def`): that is what `/api/comment` takes as `thing_id` and what `parent_id` names, so a
 * reply and the mention it answers meet on it. Each child is checked on its own: a malformed one
 * is reported and the rest of the page kept.
 */

const base36 = /^[0-9a-z]+$/;
const createdUtc = z.number().finite().nonnegative();

const submissionSchema = z.object({
  id: z.string().regex(base36),
  name: z.string().regex(/^t3_[0-9a-z]+$/, 'must be a t3_ fullname'),
  title: z.string(),
  selftext: z.string().optional().default(''),
  author: z.string().min(1),
  author_fullname: z.string().optional(),
  subreddit: z.string().min(1),
  permalink: z.string().startsWith('/'),
  created_utc: createdUtc,
  score: z.number().int(),
  num_comments: z.number().int().nonnegative(),
  num_crossposts: z.number().int().nonnegative().optional().default(0),
  url: z.string().optional(),
});

const commentSchema = z.object({
  id: z.string().regex(base36),
  name: z.string().regex(/^t1_[0-9a-z]+$/, 'must be a t1_ fullname'),
  body: z.string(),
  author: z.string().min(1),
  author_fullname: z.string().optional(),
  link_id: z.string().regex(/^t3_[0-9a-z]+$/, 'must be a t3_ fullname'),
  parent_id: z.string().regex(/^t[13]_[0-9a-z]+$/, 'must be a t1_ or t3_ fullname'),
  subreddit: z.string().min(1),
  permalink: z.string().startsWith('/'),
  created_utc: createdUtc,
  score: z.number().int(),
  link_author: z.string().optional(),
  /** a comment's replies in a thread (`/comments/{article}`): a Listing, or "" when none */
  replies: z.unknown().optional(),
});

export type RedditSubmission = z.infer<typeof submissionSchema>;
export type RedditComment = z.infer<typeof commentSchema>;

const listingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({ after: z.string().nullable(), children: z.array(z.unknown()) }),
});

/** A Listing's page: its children as answered and the `after` cursor; null when the body is not a Listing. */
export function listingOf(body: unknown): { children: unknown[]; after: string | null } | null {
  const parsed = listingSchema.safeParse(body);
  return parsed.success ? { children: parsed.data.data.children, after: parsed.data.data.after } : null;
}

const fullnameOf = (child: unknown): string => {
  const data = (child as { data?: { name?: unknown } } | null)?.data;
  return typeof data?.name === 'string' ? data.name : '(no name)';
};

function parseThings<T>(kind: 't1' | 't3', schema: z.ZodType<T>, children: readonly unknown[]): { items: T[]; skipped: Skipped[] } {
  const items: T[] = [];
  const skipped: Skipped[] = [];
  for (const child of children) {
    const c = child as { kind?: unknown; data?: unknown } | null;
    // "more" stubs of a thread are links to comments not sent, not comments
    if (c?.kind === 'more') continue;
    if (c?.kind !== kind) {
      skipped.push({ id: fullnameOf(child), problem: `kind: expected "${kind}", got ${JSON.stringify(c?.kind)}`, raw: child });
      continue;
    }
    const parsed = schema.safeParse(c.data);
    if (parsed.success) items.push(parsed.data);
    else
      skipped.push({
        id: fullnameOf(child),
        problem: parsed.error.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`).join('; '),
        raw: child,
      });
  }
  return { items, skipped };
}

export const parseSubmissions = (children: readonly unknown[]) => parseThings('t3', submissionSchema, children);
export const parseComments = (children: readonly unknown[]) => parseThings('t1', commentSchema, children);

/** A thread's comments, depth first (`/comments/{article}` nests each comment's replies in its `replies` Listing). */
export function flattenThread(children: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const walk = (list: readonly unknown[]) => {
    for (const child of list) {
      out.push(child);
      const nested = listingOf((child as { data?: { replies?: unknown } } | null)?.data?.replies);
      if (nested) walk(nested.children);
    }
  };
  walk(children);
  return out;
}

export const REDDIT_WEB = 'https://www.reddit.com';
const urlOf = (permalink: string) => `${REDDIT_WEB}${permalink}`;
const dateOf = (utcSeconds: number) => new Date(Math.round(utcSeconds * 1000));
/** A deleted or removed author has no fullname; the name stands in. */
const authorOf = (t: { author: string; author_fullname?: string }) => ({
  externalId: t.author_fullname ?? `u/${t.author}`,
  handle: t.author,
  name: null,
  followers: null,
});

export const submissionText = (s: Pick<RedditSubmission, 'title' | 'selftext'>) =>
  s.selftext.trim() ? `${s.title}\n\n${s.selftext.trim()}` : s.title;

/** Score stands for likes (upvotes minus downvotes, as Reddit shows it), crossposts for shares. */
export function submissionMetrics(s: RedditSubmission): PublicMetrics {
  return { likes: s.score, reposts: s.num_crossposts, quotes: 0, replies: s.num_comments, impressions: null };
}

/** A comment's reply count is not in its payload. */
export function commentMetrics(c: RedditComment): PublicMetrics {
  return { likes: c.score, reposts: 0, quotes: 0, replies: 0, impressions: null };
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Submissions found by search → mentions (the brand's own are its posts, not mentions). */
export function submissionMentions(items: RedditSubmission[], brand: ReadonlySet<string>): MentionInput[] {
  return items
    .filter((s) => !brand.has(s.author.toLowerCase()))
    .map((s) => ({
      platform: 'reddit' as const,
      externalId: s.name,
      text: submissionText(s),
      createdAt: dateOf(s.created_utc),
      url: urlOf(s.permalink),
      author: authorOf(s),
      conversationId: s.name,
      inReplyToExternalId: null,
      inReplyToUserId: null,
      metrics: submissionMetrics(s),
    }));
}

/**
 * Comments by others → mentions. A comment's conversation is its submission; the user it answers
 * is known when it answers a submission whose author is in `linkAuthors` (the brand's own posts).
 */
export function commentMentions(
  items: RedditComment[],
  brand: ReadonlySet<string>,
  linkAuthors: ReadonlyMap<string, { externalId: string }> = new Map(),
): MentionInput[] {
  return items
    .filter((c) => !brand.has(c.author.toLowerCase()))
    .map((c) => ({
      platform: 'reddit' as const,
      externalId: c.name,
      text: c.body,
      createdAt: dateOf(c.created_utc),
      url: urlOf(c.permalink),
      author: authorOf(c),
      conversationId: c.link_id,
      inReplyToExternalId: c.parent_id,
      inReplyToUserId: c.parent_id === c.link_id ? (linkAuthors.get(c.link_id)?.externalId ?? null) : null,
      metrics: commentMetrics(c),
    }));
}

/** The brand account's submissions → its posts. */
export function ownPosts(items: RedditSubmission[], account: { externalId: string; handle: string }): PostInput[] {
  return items
    .filter((s) => sameUser(s.author, account.handle))
    .map((s) => ({
      platform: 'reddit' as const,
      externalId: s.name,
      accountExternalId: account.externalId,
      accountHandle: account.handle,
      text: submissionText(s),
      createdAt: dateOf(s.created_utc),
      url: urlOf(s.permalink),
      metrics: submissionMetrics(s),
    }));
}

/**
 * The brand account's comments → its care replies: those whose parent (a submission or a comment)
 * is someone else's. `parentAuthors` maps a parent's fullname to its author's name and fullname;
 * a comment whose parent is unknown (deleted) or the brand's own is neither.
 */
export function brandReplies(
  items: RedditComment[],
  account: { externalId: string; handle: string },
  parentAuthors: ReadonlyMap<string, { name: string; externalId: string | null }>,
): ReplyInput[] {
  const out: ReplyInput[] = [];
  for (const c of items) {
    if (!sameUser(c.author, account.handle)) continue;
    const parent =
      parentAuthors.get(c.parent_id) ??
      (c.parent_id === c.link_id && c.link_author ? { name: c.link_author, externalId: null } : undefined);
    if (!parent || sameUser(parent.name, account.handle) || parent.name === '[deleted]') continue;
    out.push({
      platform: 'reddit',
      externalId: c.name,
      accountExternalId: account.externalId,
      accountHandle: account.handle,
      text: c.body,
      createdAt: dateOf(c.created_utc),
      url: urlOf(c.permalink),
      inReplyToExternalId: c.parent_id,
      inReplyToUserId: parent.externalId,
      conversationId: c.link_id,
    });
  }
  return out;
}

/** A submission or a comment as the topic query sees it. */
export function queryableOf(t: RedditSubmission | RedditComment): QueryablePost {
  const isComment = 'body' in t;
  return {
    text: isComment ? t.body : submissionText(t),
    hashtags: [],
    mentions: [...(isComment ? t.body : submissionText(t)).matchAll(/(?:^|[^\w/])\/?u\/([A-Za-z0-9_-]{3,20})/g)].map((m) => m[1]),
    authorId: t.author_fullname ?? `u/${t.author}`,
    authorHandle: t.author,
    inReplyToUserId: null,
    inReplyToPostId: isComment ? t.parent_id : null,
    conversationId: isComment ? t.link_id : t.name,
    lang: null,
  };
}

/** Reddit ids are base-36 numbers that grow with time: the newer of two fullnames (or ids). */
export function newerFullname(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return idValue(a) >= idValue(b) ? a : b;
}

export function idValue(fullnameOrId: string): bigint {
  const id = fullnameOrId.replace(/^t\d_/, '');
  let n = 0n;
  for (const ch of id) n = n * 36n + BigInt(parseInt(ch, 36));
  return n;
}
