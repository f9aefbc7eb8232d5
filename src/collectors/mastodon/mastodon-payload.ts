import { convert } from 'html-to-text';
import { z } from 'zod';
import type { AccountSnapshotInput, MentionInput, PostInput, PublicMetrics, ReplyInput } from '../collected';
import type { QueryablePost } from '../../topics/query';
import { parseEach, type Skipped } from '../payload-items';

/**
 * Mastodon's entities (`Status`, `Account`), as `masto` hands them over (keys in camelCase), → what
 * ingestion takes. Each status is checked here,
 * one by one, so a malformed one is reported and skipped while the rest of the page is kept.
 * `content` is HTML: the text is what a reader sees (links and hashtags as written, paragraphs on
 * lines of their own), with the content warning, when there is one, before it.
 */

const accountSchema = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  acct: z.string().min(1),
  displayName: z.string().optional(),
  followersCount: z.number().int().nonnegative().optional(),
});

const statusBase = z.object({
  id: z.string().regex(/^\d+$/, 'must be a numeric status id'),
  createdAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be a datetime'),
  inReplyToId: z.string().nullable().optional(),
  inReplyToAccountId: z.string().nullable().optional(),
  spoilerText: z.string().optional(),
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']),
  language: z.string().nullable().optional(),
  uri: z.string(),
  url: z.string().nullable().optional(),
  repliesCount: z.number().int().nonnegative().optional(),
  reblogsCount: z.number().int().nonnegative().optional(),
  favouritesCount: z.number().int().nonnegative().optional(),
  quotesCount: z.number().int().nonnegative().optional(),
  content: z.string(),
  account: accountSchema,
  mentions: z.array(z.object({ id: z.string(), username: z.string(), acct: z.string() })).optional(),
  tags: z.array(z.object({ name: z.string() })).optional(),
});

const statusSchema = statusBase.extend({ reblog: statusBase.nullable().optional() });

export type MastodonStatus = z.infer<typeof statusSchema>;
export type MastodonAccount = z.infer<typeof accountSchema>;

export function parseStatuses(raw: readonly unknown[]): { statuses: MastodonStatus[]; skipped: Skipped[] } {
  const { items: statuses, skipped } = parseEach(statusSchema, raw, 'status');
  return { statuses, skipped };
}

export function parseAccount(raw: unknown): MastodonAccount | null {
  const parsed = accountSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ],
};

/** What a reader sees: the content warning, then the post's text. */
export function textOf(status: Pick<MastodonStatus, 'content' | 'spoilerText'>): string {
  const body = convert(status.content, HTML_OPTIONS).trim();
  return status.spoilerText ? `${status.spoilerText}\n${body}` : body;
}

export function metricsOf(s: MastodonStatus): PublicMetrics {
  return {
    likes: s.favouritesCount ?? 0,
    reposts: s.reblogsCount ?? 0,
    quotes: s.quotesCount ?? 0,
    replies: s.repliesCount ?? 0,
    // Mastodon publishes no view counts.
    impressions: null,
  };
}

const lang = (s: MastodonStatus) => (s.language && /^[a-z]{2,3}$/.test(s.language) ? s.language : null);

/**
 * Mastodon has no conversation id: a post that starts a thread is its own conversation; a reply's
 * is unknown without another call, and stays null (cases still join it by author and by reply).
 */
const conversationOf = (s: MastodonStatus) => (s.inReplyToId ? null : s.id);

/** Search and tag-timeline results → mentions. Reblogs and the brand's own statuses are never mentions. */
export function mentionsOf(statuses: MastodonStatus[], ownedIds: ReadonlySet<string>): MentionInput[] {
  return statuses
    .filter((s) => !s.reblog && !ownedIds.has(s.account.id))
    .map((s) => ({
      platform: 'mastodon' as const,
      externalId: s.id,
      text: textOf(s),
      createdAt: new Date(s.createdAt),
      url: s.url ?? s.uri,
      author: {
        externalId: s.account.id,
        handle: s.account.acct,
        name: s.account.displayName || null,
        followers: s.account.followersCount ?? null,
      },
      platformLang: lang(s),
      conversationId: conversationOf(s),
      inReplyToExternalId: s.inReplyToId ?? null,
      inReplyToUserId: s.inReplyToAccountId ?? null,
      metrics: metricsOf(s),
    }));
}

/**
 * An owned account's statuses → its posts and its replies to others. Reblogs are not its posts; a
 * reply to itself (a thread) is a post; a reply to someone else, even a direct message, is a care
 * response. Only public and unlisted statuses count as published posts.
 */
export function timelineItems(
  statuses: MastodonStatus[],
  account: { externalId: string; handle: string },
): { posts: PostInput[]; replies: ReplyInput[] } {
  const out = { posts: [] as PostInput[], replies: [] as ReplyInput[] };
  for (const s of statuses) {
    if (s.reblog || s.account.id !== account.externalId) continue;
    const base = {
      platform: 'mastodon' as const,
      externalId: s.id,
      accountExternalId: account.externalId,
      accountHandle: account.handle,
      text: textOf(s),
      createdAt: new Date(s.createdAt),
      url: s.url ?? s.uri,
    };
    if (s.inReplyToId && s.inReplyToAccountId && s.inReplyToAccountId !== account.externalId) {
      out.replies.push({ ...base, inReplyToExternalId: s.inReplyToId, inReplyToUserId: s.inReplyToAccountId, conversationId: null });
    } else if (s.visibility === 'public' || s.visibility === 'unlisted') out.posts.push({ ...base, metrics: metricsOf(s) });
  }
  return out;
}

export function snapshotOf(account: MastodonAccount, at: Date): AccountSnapshotInput | null {
  if (account.followersCount === undefined) return null;
  return { platform: 'mastodon', externalId: account.id, handle: account.acct.toLowerCase(), followers: account.followersCount, at };
}

/** A status as the topic query sees it: hashtags and mentions from Mastodon's own lists. */
export function queryableOf(s: MastodonStatus): QueryablePost {
  return {
    text: textOf(s),
    hashtags: (s.tags ?? []).map((t) => t.name),
    mentions: (s.mentions ?? []).map((m) => m.acct),
    authorId: s.account.id,
    authorHandle: s.account.acct,
    inReplyToUserId: s.inReplyToAccountId ?? null,
    inReplyToPostId: s.inReplyToId ?? null,
    conversationId: conversationOf(s) ?? s.inReplyToId ?? s.id,
    lang: s.language ?? null,
  };
}
