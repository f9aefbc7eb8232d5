import { foldedWords } from '../../../common/text';
import { networkClauseMatches, parseNetworkSearch } from '../../../topics/query';

/**
 * What the Reddit emulator holds: accounts (t2), submissions (t3) and comments (t1), and how each
 * is rendered as Reddit's JSON API renders a thing (`{ kind, data }`, `raw_json=1`). Ids are
 * base-36 numbers drawn from one counter, so they grow with time as Reddit's do.
 */

export interface StoredRedditUser {
  id: string;
  name: string;
  /** followers of the user's profile (its profile subreddit's subscribers) */
  subscribers: number;
}

export interface StoredSubmission {
  id: string;
  author: StoredRedditUser | null;
  subreddit: string;
  title: string;
  selftext: string;
  createdAt: Date;
  score: number;
  numCrossposts: number;
}

export interface StoredComment {
  id: string;
  author: StoredRedditUser | null;
  linkId: string;
  /** the fullname answered: `t3_…` (the submission) or `t1_…` */
  parentId: string;
  body: string;
  createdAt: Date;
  score: number;
}

const slug = (title: string) =>
  foldedWords(title)
    .slice(0, 8)
    .join('_')
    .replace(/[^a-z0-9_]/g, '')
    .slice(0, 50) || 'post';

export class RedditStore {
  readonly users = new Map<string, StoredRedditUser>();
  readonly submissions = new Map<string, StoredSubmission>();
  readonly comments = new Map<string, StoredComment>();
  private next = parseInt('1a0000', 36);

  private newId(): string {
    return (this.next++).toString(36);
  }

  addUser(input: { name: string; subscribers?: number }): StoredRedditUser {
    const user = { id: this.newId(), name: input.name, subscribers: input.subscribers ?? 0 };
    this.users.set(input.name.toLowerCase(), user);
    return user;
  }

  user(name: string): StoredRedditUser | undefined {
    return this.users.get(name.toLowerCase());
  }

  addSubmission(input: {
    author: StoredRedditUser | null;
    subreddit: string;
    title: string;
    selftext?: string;
    createdAt?: Date;
    score?: number;
    crossposts?: number;
  }): StoredSubmission {
    const s: StoredSubmission = {
      id: this.newId(),
      author: input.author,
      subreddit: input.subreddit,
      title: input.title,
      selftext: input.selftext ?? '',
      createdAt: input.createdAt ?? new Date(),
      score: input.score ?? 1,
      numCrossposts: input.crossposts ?? 0,
    };
    this.submissions.set(s.id, s);
    return s;
  }

  /** A comment on a submission (`parent` a t3 fullname or absent) or answering a comment (a t1 fullname). */
  addComment(input: {
    author: StoredRedditUser | null;
    on: StoredSubmission;
    parent?: string;
    body: string;
    createdAt?: Date;
    score?: number;
  }): StoredComment {
    const c: StoredComment = {
      id: this.newId(),
      author: input.author,
      linkId: `t3_${input.on.id}`,
      parentId: input.parent ?? `t3_${input.on.id}`,
      body: input.body,
      createdAt: input.createdAt ?? new Date(),
      score: input.score ?? 1,
    };
    this.comments.set(c.id, c);
    return c;
  }

  submissionOf(c: StoredComment): StoredSubmission {
    return this.submissions.get(c.linkId.slice(3))!;
  }

  numComments(s: StoredSubmission): number {
    let n = 0;
    for (const c of this.comments.values()) if (c.linkId === `t3_${s.id}`) n++;
    return n;
  }

  /** A thing by fullname. */
  thing(fullname: string): { kind: 't1'; item: StoredComment } | { kind: 't3'; item: StoredSubmission } | null {
    const id = fullname.slice(3);
    if (fullname.startsWith('t3_') && this.submissions.has(id)) return { kind: 't3', item: this.submissions.get(id)! };
    if (fullname.startsWith('t1_') && this.comments.has(id)) return { kind: 't1', item: this.comments.get(id)! };
    return null;
  }

  /** Reddit's search as the emulator matches it: every term of `q` in the title or the body. */
  search(q: string): StoredSubmission[] {
    const clauses = parseNetworkSearch(q);
    if (!clauses.length) return [];
    return [...this.submissions.values()].filter((s) => {
      const text = { words: foldedWords(`${s.title} ${s.selftext}`), tags: new Set<string>() };
      return clauses.every((c) => networkClauseMatches(c, text));
    });
  }

  permalinkOf(s: StoredSubmission): string {
    return `/r/${s.subreddit}/comments/${s.id}/${slug(s.title)}/`;
  }

  renderSubmission(s: StoredSubmission): { kind: 't3'; data: Record<string, unknown> } {
    const created = s.createdAt.getTime() / 1000;
    const permalink = this.permalinkOf(s);
    return {
      kind: 't3',
      data: {
        id: s.id,
        name: `t3_${s.id}`,
        title: s.title,
        selftext: s.selftext,
        is_self: true,
        author: s.author?.name ?? '[deleted]',
        ...(s.author ? { author_fullname: `t2_${s.author.id}` } : {}),
        subreddit: s.subreddit,
        subreddit_name_prefixed: `r/${s.subreddit}`,
        permalink,
        url: `https://www.reddit.com${permalink}`,
        created: created,
        created_utc: created,
        score: s.score,
        ups: s.score,
        downs: 0,
        upvote_ratio: 1,
        num_comments: this.numComments(s),
        num_crossposts: s.numCrossposts,
        over_18: false,
        locked: false,
        archived: false,
        distinguished: null,
      },
    };
  }

  /** A comment; in a thread its replies are nested (`replies`: a Listing, or "" when none). */
  renderComment(c: StoredComment, opts: { nested?: boolean } = {}): { kind: 't1'; data: Record<string, unknown> } {
    const created = c.createdAt.getTime() / 1000;
    const link = this.submissionOf(c);
    const replies = opts.nested
      ? [...this.comments.values()]
          .filter((r) => r.parentId === `t1_${c.id}`)
          .sort(newestFirst)
          .map((r) => this.renderComment(r, opts))
      : [];
    return {
      kind: 't1',
      data: {
        id: c.id,
        name: `t1_${c.id}`,
        body: c.body,
        author: c.author?.name ?? '[deleted]',
        ...(c.author ? { author_fullname: `t2_${c.author.id}` } : {}),
        link_id: c.linkId,
        parent_id: c.parentId,
        subreddit: link.subreddit,
        subreddit_name_prefixed: `r/${link.subreddit}`,
        permalink: `${this.permalinkOf(link)}${c.id}/`,
        created: created,
        created_utc: created,
        score: c.score,
        ups: c.score,
        downs: 0,
        distinguished: null,
        ...(opts.nested
          ? { replies: replies.length ? listing(replies, null) : '' }
          : { link_author: link.author?.name ?? '[deleted]', link_title: link.title }),
      },
    };
  }
}

export const newestFirst = (a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }) =>
  b.createdAt.getTime() - a.createdAt.getTime() || parseInt(b.id, 36) - parseInt(a.id, 36);

/** Reddit's Listing wrapper. */
export function listing(children: unknown[], after: string | null) {
  return { kind: 'Listing', data: { after, dist: children.length, modhash: null, geo_filter: '', children, before: null } };
}
