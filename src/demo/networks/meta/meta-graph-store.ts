/**
 * The Graph emulator's data: Facebook Pages, their posts (published by the Page, written on it by
 * visitors, or tagging it) and comments; Instagram professional accounts, media and comments. Ids
 * look like Meta's (numeric strings; a Page post is `<page id>_<n>`, a comment `<post n>_<n>`).
 * Extend it for more objects (WhatsApp numbers and messages) and pass the instance to the emulator.
 */

export interface FbActor {
  id: string;
  name: string;
}

export interface StoredPage extends FbActor {
  followersCount: number;
  fanCount: number;
}

export type FbPostKind = 'published' | 'visitor' | 'tagged';

export interface StoredFbPost {
  id: string;
  pageId: string;
  kind: FbPostKind;
  from: FbActor;
  message: string;
  createdAt: Date;
  shares: number;
  reactions: number;
  permalinkUrl: string;
}

export interface StoredFbComment {
  id: string;
  postId: string;
  /** the comment this one answers (Facebook threads one level deep) */
  parentId?: string;
  /** absent when the commenter has not allowed apps to see them (Graph omits `from`) */
  from?: FbActor;
  message: string;
  createdAt: Date;
  permalinkUrl: string;
}

export interface IgActor {
  id: string;
  username: string;
}

export interface StoredIgUser extends IgActor {
  followersCount: number;
  name: string;
}

export type IgMediaType = 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';

export interface StoredIgMedia {
  id: string;
  owner: IgActor;
  caption: string;
  createdAt: Date;
  likeCount: number;
  mediaType: IgMediaType;
  permalink: string;
  /** ids of the accounts tagged in it */
  tagged: string[];
}

export interface StoredIgComment {
  id: string;
  mediaId: string;
  parentId?: string;
  from: IgActor;
  text: string;
  createdAt: Date;
  likeCount: number;
}

export class MetaGraphStore {
  readonly pages = new Map<string, StoredPage>();
  readonly fbUsers = new Map<string, FbActor>();
  readonly fbPosts = new Map<string, StoredFbPost>();
  readonly fbComments = new Map<string, StoredFbComment>();
  readonly igUsers = new Map<string, StoredIgUser>();
  readonly igMedia = new Map<string, StoredIgMedia>();
  readonly igComments = new Map<string, StoredIgComment>();
  private sequence: number;

  /** `firstId`: where the id sequence starts (the demo starts it from the clock, so a restart never reuses an id). */
  constructor(options: { firstId?: number } = {}) {
    this.sequence = options.firstId ?? 0;
  }

  /** A fresh numeric id of `digits` digits (unique in this store). */
  nextId(digits = 15, prefix = '1'): string {
    this.sequence += 1;
    const tail = String(this.sequence);
    return prefix + '0'.repeat(Math.max(0, digits - prefix.length - tail.length)) + tail;
  }

  addPage(p: { id?: string; name: string; followersCount?: number; fanCount?: number }): StoredPage {
    const page: StoredPage = {
      id: p.id ?? this.nextId(15, '10'),
      name: p.name,
      followersCount: p.followersCount ?? 0,
      fanCount: p.fanCount ?? p.followersCount ?? 0,
    };
    this.pages.set(page.id, page);
    return page;
  }

  addFbUser(u: { id?: string; name: string }): FbActor {
    const user = { id: u.id ?? this.nextId(16, '3'), name: u.name };
    this.fbUsers.set(user.id, user);
    return user;
  }

  /** A post on a Page: by the Page (`published`, the default), by a visitor, or elsewhere tagging it. */
  addFbPost(p: {
    pageId: string;
    kind?: FbPostKind;
    from?: FbActor;
    message: string;
    createdAt: Date;
    shares?: number;
    reactions?: number;
  }): StoredFbPost {
    const page = this.pages.get(p.pageId);
    if (!page) throw new Error(`Unknown page: ${p.pageId}`);
    const kind = p.kind ?? 'published';
    const from = kind === 'published' ? { id: page.id, name: page.name } : p.from;
    if (!from) throw new Error('A visitor or tagging post needs `from`');
    // a tagging post lives on its author's timeline, so its id is theirs
    const id = `${kind === 'tagged' ? from.id : page.id}_${this.nextId(16, '12')}`;
    const post: StoredFbPost = {
      id,
      pageId: page.id,
      kind,
      from,
      message: p.message,
      createdAt: p.createdAt,
      shares: p.shares ?? 0,
      reactions: p.reactions ?? 0,
      permalinkUrl: `https://www.facebook.com/${id.replace('_', '/posts/')}`,
    };
    this.fbPosts.set(id, post);
    return post;
  }

  /** A comment on a post, or a reply to a comment (`parentId`); by the Page when `from` is the Page. */
  addFbComment(c: { postId: string; parentId?: string; from?: FbActor; message: string; createdAt: Date }): StoredFbComment {
    const post = this.fbPosts.get(c.postId);
    if (!post) throw new Error(`Unknown post: ${c.postId}`);
    if (c.parentId !== undefined && !this.fbComments.has(c.parentId)) throw new Error(`Unknown comment: ${c.parentId}`);
    const id = `${post.id.split('_')[1]}_${this.nextId(16, '9')}`;
    const comment: StoredFbComment = {
      id,
      postId: post.id,
      parentId: c.parentId,
      from: c.from,
      message: c.message,
      createdAt: c.createdAt,
      permalinkUrl: `${post.permalinkUrl}?comment_id=${id.split('_')[1]}`,
    };
    this.fbComments.set(id, comment);
    return comment;
  }

  addIgUser(u: { id?: string; username: string; name?: string; followersCount?: number }): StoredIgUser {
    const user: StoredIgUser = {
      id: u.id ?? this.nextId(17, '178414'),
      username: u.username,
      name: u.name ?? u.username,
      followersCount: u.followersCount ?? 0,
    };
    this.igUsers.set(user.id, user);
    return user;
  }

  /** Media by an account (`ownerId`, one added with addIgUser), tagging `tagged` accounts. */
  addIgMedia(m: {
    ownerId: string;
    caption: string;
    createdAt: Date;
    likeCount?: number;
    mediaType?: IgMediaType;
    tagged?: string[];
  }): StoredIgMedia {
    const owner = this.igUsers.get(m.ownerId);
    if (!owner) throw new Error(`Unknown Instagram user: ${m.ownerId}`);
    const id = this.nextId(17, '179');
    const media: StoredIgMedia = {
      id,
      owner: { id: owner.id, username: owner.username },
      caption: m.caption,
      createdAt: m.createdAt,
      likeCount: m.likeCount ?? 0,
      mediaType: m.mediaType ?? 'IMAGE',
      permalink: `https://www.instagram.com/p/${Buffer.from(id).toString('base64url').slice(0, 11)}/`,
      tagged: m.tagged ?? [],
    };
    this.igMedia.set(id, media);
    return media;
  }

  /** A comment on media, or a reply to a comment (`parentId`; Instagram threads one level deep). */
  addIgComment(c: {
    mediaId: string;
    parentId?: string;
    fromId: string;
    text: string;
    createdAt: Date;
    likeCount?: number;
  }): StoredIgComment {
    if (!this.igMedia.has(c.mediaId)) throw new Error(`Unknown media: ${c.mediaId}`);
    const from = this.igUsers.get(c.fromId);
    if (!from) throw new Error(`Unknown Instagram user: ${c.fromId}`);
    if (c.parentId !== undefined && !this.igComments.has(c.parentId)) throw new Error(`Unknown comment: ${c.parentId}`);
    const comment: StoredIgComment = {
      id: this.nextId(17, '180'),
      mediaId: c.mediaId,
      parentId: c.parentId,
      from: { id: from.id, username: from.username },
      text: c.text,
      createdAt: c.createdAt,
      likeCount: c.likeCount ?? 0,
    };
    this.igComments.set(comment.id, comment);
    return comment;
  }

  fbCommentsOf(postId: string): StoredFbComment[] {
    return [...this.fbComments.values()].filter((c) => c.postId === postId);
  }

  igCommentsOf(mediaId: string): StoredIgComment[] {
    return [...this.igComments.values()].filter((c) => c.mediaId === mediaId);
  }
}
