import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lexicons, type AppBskyActorDefs, type AppBskyFeedDefs, type AppBskyFeedPost, type ComAtprotoRepoStrongRef } from '@atproto/api';
import {
  alterCopy,
  EmulatorHttpServer,
  FaultQueue,
  FixedWindowRateLimiter,
  readBody,
  sendJson,
  type RateLimitOptions,
  type TlsKeyPair,
} from '../shared/emulator-http-server';
import { foldedWords, foldText } from '../../../common/text';
import { networkClauseMatches, parseNetworkSearch } from '../../../topics/query';

/** Every account's (app) password unless the options give another. */
export const BLUESKY_EMULATOR_PASSWORD = 'test-app-password-1234';

export interface BlueskyUser {
  did: string;
  handle: string;
  displayName: string;
  followersCount: number;
}

export interface BlueskyPostInput {
  /** handle of an added user */
  author: string;
  text: string;
  createdAt: Date;
  /** when the AppView indexed the post; default: createdAt */
  indexedAt?: Date;
  langs?: string[];
  /** at-uri of the parent post (must exist); the root is computed from the parent */
  replyTo?: string;
  likeCount?: number;
  repostCount?: number;
  quoteCount?: number;
  replyCount?: number;
}

export type BlueskyFault =
  /** 429 RateLimitExceeded with ratelimit-remaining 0 and ratelimit-reset now + resetInSeconds (default 1) */
  | { status: 429; resetInSeconds?: number }
  | { status: 500 | 502 | 503 }
  /** a text/html page (a proxy's error page, or with status 200 a URL that is not the service's) */
  | { status: 200 | 502 | 503; html: true }
  /** status 200 and a JSON body cut short (the connection dropped mid-answer) */
  | { truncated: true }
  /**
   * answers normally, its JSON body passed through `alter` first (changed in place, or replaced by
   * what it returns): an item the API serves malformed, an error body at status 200
   */
  | { alter: (body: any) => unknown }
  /** answers normally, but late */
  | { delayMs: number }
  /** 400 ExpiredToken, and the presented token stops working (so the agent refreshes) */
  | { expiredToken: true };

export interface BlueskyRequest {
  nsid: string;
  /**
   * query parameters (repeated ones as arrays), or a procedure's JSON body without its password:
   * its strings and arrays of strings, nested objects' under dotted names (`record.text`,
   * `record.reply.parent.uri`, `record.langs`)
   */
  params: Record<string, string | string[]>;
  /** whether the request carried a valid token of the kind the method needs */
  authorized: boolean;
}

export interface BlueskyEmulatorOptions {
  /** the service-wide window announced in ratelimit-* headers and enforced; default 3000 per 300 s (bsky.social's) */
  rateLimit?: RateLimitOptions;
  /** serve HTTPS with this key pair (its certificate names "localhost"); default: plain HTTP on 127.0.0.1, as a local PDS in development */
  tls?: TlsKeyPair;
  /** the app password every account logs in with; default BLUESKY_EMULATOR_PASSWORD */
  password?: string;
  /** keep the request log (`requests`); tests read it, the demo turns it off. Default true */
  recordRequests?: boolean;
}

type PostCounts = { likeCount: number; repostCount: number; quoteCount: number; replyCount: number };
type Params = Record<string, string | string[]>;

interface StoredUser extends BlueskyUser {
  createdAt: string;
}

interface StoredPost {
  uri: string;
  cid: string;
  authorDid: string;
  record: AppBskyFeedPost.Record;
  indexedAt: string;
  /** the earlier of createdAt and indexedAt, which search and feeds sort on */
  sortAtMs: number;
  counts: PostCounts;
  deleted: boolean;
  seq: number;
  /** normalized words of the text, for search */
  words: string[];
  /** normalized hashtags of the text */
  tags: Set<string>;
  langs: string[];
}

/** A repo's latest commit, as createRecord reports it and swapCommit checks it. */
interface RepoCommit {
  cid: string;
  rev: string;
  /** the rev's microseconds, so that the next one is later */
  revMicros: bigint;
}

interface StoredRepost {
  uri: string;
  cid: string;
  byDid: string;
  subjectUri: string;
  at: string;
  atMs: number;
  seq: number;
}

type AuthKind = 'none' | 'access' | 'refresh';

interface CallContext {
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** the authenticated account (access/refresh methods) */
  did: string;
  /** the bearer token presented */
  token: string;
}

interface Method {
  type: 'query' | 'procedure';
  auth: AuthKind;
  handle: (ctx: CallContext) => unknown;
}

/** An XRPC error answer: `{ error, message }` with its HTTP status. */
class XrpcFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const invalidRequest = (message: string, error = 'InvalidRequest') => new XrpcFailure(400, error, message);
const authRequired = (message = 'Authentication Required') => new XrpcFailure(401, 'AuthenticationRequired', message);

/** The xrpc-server names and messages of server failures (as a proxying PDS reports them). */
const SERVER_FAILURES: Record<500 | 502 | 503, { error: string; message: string }> = {
  500: { error: 'InternalServerError', message: 'Internal Server Error' },
  502: { error: 'UpstreamFailure', message: 'Upstream Failure' },
  503: { error: 'NotEnoughResources', message: 'Not Enough Resources' },
};

/** created/indexed time of test accounts' profiles */
const ACCOUNT_CREATED_AT = '2023-05-01T12:00:00.000Z';

/**
 * A local server that answers like Bluesky's XRPC API as an app-password client sees it: a PDS
 * (sessions, and createRecord for posting app.bsky.feed.post records as the session's account)
 * proxying app.bsky.* to the AppView, over scripted users and posts. Payloads follow the
 * lexicons closely enough to pass `@atproto/api`'s response validation. Tests serve it over HTTPS
 * with the committed fixture certificate (`test/support/bluesky-test-server.ts`); the demo serves it
 * over plain HTTP on 127.0.0.1, as a local PDS runs in development.
 */
export class BlueskyEmulator {
  readonly requests: BlueskyRequest[] = [];
  /** count of successful createSession calls */
  sessionsCreated = 0;

  private readonly http: EmulatorHttpServer;
  private readonly usersByDid = new Map<string, StoredUser>();
  private readonly didsByHandle = new Map<string, string>();
  private readonly posts = new Map<string, StoredPost>();
  private readonly reposts: StoredRepost[] = [];
  private readonly usedTids = new Set<string>();
  /** at-uris of records stored unvalidated that the lexicon refuses (kept, never indexed) */
  private readonly unindexedRecords = new Set<string>();
  /** repos' latest commits, by did (made on first need) */
  private readonly commits = new Map<string, RepoCommit>();
  private seq = 0;
  /** valid access tokens → account did */
  private readonly accessTokens = new Map<string, string>();
  /** valid refresh tokens → account did and the access token issued with it */
  private readonly refreshTokens = new Map<string, { did: string; accessJwt: string }>();
  private readonly faults = new FaultQueue<BlueskyFault>();
  /** one service-wide window, started by the first request after the last one ended */
  private readonly rateLimit: FixedWindowRateLimiter;
  private readonly methods: Record<string, Method>;

  private readonly password: string;
  private readonly recordRequests: boolean;

  constructor(options: BlueskyEmulatorOptions = {}) {
    this.http = new EmulatorHttpServer((req, res) => this.handle(req, res), {
      tls: options.tls,
      internalErrorBody: SERVER_FAILURES[500],
    });
    this.rateLimit = new FixedWindowRateLimiter(options.rateLimit ?? { limit: 3000, windowSeconds: 300 }, 'first-request');
    this.password = options.password ?? BLUESKY_EMULATOR_PASSWORD;
    this.recordRequests = options.recordRequests ?? true;
    this.methods = {
      'com.atproto.server.createSession': { type: 'procedure', auth: 'none', handle: (c) => this.createSession(c) },
      'com.atproto.server.refreshSession': { type: 'procedure', auth: 'refresh', handle: (c) => this.refreshSession(c) },
      'com.atproto.server.getSession': { type: 'query', auth: 'access', handle: (c) => this.getSession(c) },
      'com.atproto.server.deleteSession': { type: 'procedure', auth: 'refresh', handle: (c) => this.deleteSession(c) },
      'com.atproto.repo.createRecord': { type: 'procedure', auth: 'access', handle: (c) => this.createRecord(c) },
      'app.bsky.actor.getProfile': { type: 'query', auth: 'access', handle: (c) => this.getProfile(c) },
      'app.bsky.feed.getAuthorFeed': { type: 'query', auth: 'access', handle: (c) => this.getAuthorFeed(c) },
      'app.bsky.feed.searchPosts': { type: 'query', auth: 'access', handle: (c) => this.searchPosts(c) },
      'app.bsky.feed.getPosts': { type: 'query', auth: 'access', handle: (c) => this.getPosts(c) },
    };
  }

  /* ------------------------------------------------------------------ lifecycle */

  start(): Promise<{ baseUrl: string }> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /* ------------------------------------------------------------------ data */

  /** Adds an account (or updates the one with that handle); its did is derived from the handle. */
  addUser(u: { handle: string; displayName?: string; followersCount?: number }): BlueskyUser {
    const handle = u.handle.toLowerCase();
    if (!isValidHandle(handle)) throw new Error(`Not a valid handle: ${u.handle}`);
    const did = didForHandle(handle);
    const existing = this.usersByDid.get(did);
    const user: StoredUser = {
      did,
      handle,
      displayName: u.displayName ?? existing?.displayName ?? defaultDisplayName(handle),
      followersCount: u.followersCount ?? existing?.followersCount ?? 0,
      createdAt: ACCOUNT_CREATED_AT,
    };
    this.usersByDid.set(did, user);
    this.didsByHandle.set(handle, did);
    return publicUser(user);
  }

  addPost(p: BlueskyPostInput): { uri: string; cid: string } {
    const author = this.requireUser(p.author);
    const createdAt = p.createdAt.toISOString();
    const indexedAt = (p.indexedAt ?? p.createdAt).toISOString();
    const record: AppBskyFeedPost.Record = { $type: 'app.bsky.feed.post', text: p.text, createdAt };
    if (p.langs?.length) record.langs = [...p.langs];
    if (p.replyTo !== undefined) {
      const parent = this.posts.get(p.replyTo);
      if (!parent || parent.deleted) throw new Error(`Unknown parent post: ${p.replyTo}`);
      const parentRef = { uri: parent.uri, cid: parent.cid };
      record.reply = { root: parent.record.reply?.root ?? parentRef, parent: parentRef };
    }
    const hashtags = findHashtags(p.text);
    if (hashtags.length > 0) {
      record.facets = hashtags.map(({ byteStart, byteEnd, tag }) => ({
        index: { byteStart, byteEnd },
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
      }));
    }
    const post = this.storePost(author, record, this.nextTid(author.did, p.createdAt), indexedAt, {
      likeCount: p.likeCount ?? 0,
      repostCount: p.repostCount ?? 0,
      quoteCount: p.quoteCount ?? 0,
      replyCount: p.replyCount ?? 0,
    });
    return { uri: post.uri, cid: post.cid };
  }

  /**
   * Stores a post record under `rkey` as the AppView indexes it: searchable by its words, its
   * hashtags (#tag facets and `tags`) and its langs; the parent (if any) gets one more reply, and
   * the author's repo a new commit.
   */
  private storePost(author: StoredUser, record: AppBskyFeedPost.Record, rkey: string, indexedAt: string, counts: PostCounts): StoredPost {
    const tags = [
      ...(record.tags ?? []),
      ...(record.facets ?? []).flatMap((facet) =>
        facet.features.flatMap((feature) => {
          const tag = (feature as { tag?: unknown }).tag;
          return feature.$type === 'app.bsky.richtext.facet#tag' && typeof tag === 'string' ? [tag] : [];
        }),
      ),
    ];
    const uri = `at://${author.did}/app.bsky.feed.post/${rkey}`;
    const post: StoredPost = {
      uri,
      cid: cidFor(record),
      authorDid: author.did,
      record,
      indexedAt,
      sortAtMs: Math.min(Date.parse(record.createdAt), Date.parse(indexedAt)),
      counts,
      deleted: false,
      seq: ++this.seq,
      words: foldedWords(record.text),
      tags: new Set(tags.map((tag) => foldText(tag))),
      langs: (record.langs ?? []).map((lang) => lang.toLowerCase()),
    };
    this.posts.set(uri, post);
    // The AppView's reply count is the parent's direct replies.
    const parentUri = record.reply?.parent.uri;
    const parent = parentUri === undefined ? undefined : this.posts.get(this.canonicalUri(parentUri));
    if (parent) parent.counts.replyCount += 1;
    this.advanceCommit(author.did);
    return post;
  }

  /** A repost by `byHandle` at `at`: an item of the reposter's author feed, with reason #reasonRepost. */
  addRepost(byHandle: string, uri: string, at: Date): void {
    const by = this.requireUser(byHandle);
    const subject = this.posts.get(uri);
    if (!subject || subject.deleted) throw new Error(`Unknown post: ${uri}`);
    const record = {
      $type: 'app.bsky.feed.repost',
      subject: { uri: subject.uri, cid: subject.cid },
      createdAt: at.toISOString(),
    };
    this.reposts.push({
      uri: `at://${by.did}/app.bsky.feed.repost/${this.nextTid(by.did, at)}`,
      cid: cidFor(record),
      byDid: by.did,
      subjectUri: uri,
      at: record.createdAt,
      atMs: at.getTime(),
      seq: ++this.seq,
    });
    subject.counts.repostCount += 1;
    this.advanceCommit(by.did);
  }

  setCounts(uri: string, counts: Partial<PostCounts>): void {
    const post = this.posts.get(uri);
    if (!post) throw new Error(`Unknown post: ${uri}`);
    Object.assign(post.counts, counts);
  }

  /** The post disappears from search, feeds and getPosts; replies to it show it as #notFoundPost. */
  deletePost(uri: string): void {
    const post = this.posts.get(uri);
    if (!post) throw new Error(`Unknown post: ${uri}`);
    if (post.deleted) return;
    post.deleted = true;
    const parentUri = post.record.reply?.parent.uri;
    const parent = parentUri ? this.posts.get(this.canonicalUri(parentUri)) : undefined;
    if (parent) parent.counts.replyCount = Math.max(0, parent.counts.replyCount - 1);
    this.advanceCommit(post.authorDid);
  }

  /* ------------------------------------------------------------------ faults */

  /** The next `times` (default 1) calls of `nsid` answer with `fault`. */
  failNext(nsid: string, fault: BlueskyFault, times = 1): void {
    this.faults.add(nsid, fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /* ------------------------------------------------------------------ HTTP */

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const match = /^\/xrpc\/([^/]+)\/?$/.exec(url.pathname);
    const rawBody = await readBody(req);
    const overLimit = this.consumeWindow(res);
    if (!match) return this.sendError(res, new XrpcFailure(404, 'NotFound', 'Not Found'));

    const nsid = match[1];
    const method = this.methods[nsid];
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const authorizedDid = !method || !token ? undefined : this.didForToken(method.auth, token);

    let body: Record<string, unknown> = {};
    let bodyError: XrpcFailure | undefined;
    if (req.method === 'POST' && rawBody.length > 0) {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (!isObject(parsed)) throw new Error('not an object');
        body = parsed;
      } catch {
        bodyError = invalidRequest('Request body is not valid JSON');
      }
    }
    if (this.recordRequests) {
      this.requests.push({
        nsid,
        params: req.method === 'POST' ? bodyParams(body) : queryParams(url.searchParams),
        authorized: authorizedDid !== undefined,
      });
    }

    if (overLimit) {
      return this.sendError(res, new XrpcFailure(429, 'RateLimitExceeded', 'Rate Limit Exceeded'));
    }
    if (!method) return this.sendError(res, new XrpcFailure(501, 'MethodNotImplemented', 'Method Not Implemented'));
    const expected = method.type === 'query' ? 'GET' : 'POST';
    if (req.method !== expected) {
      return this.sendError(res, invalidRequest(`Incorrect HTTP method (${req.method ?? ''}) expected ${expected}`));
    }

    // Injected faults come before authentication, as a proxy or load balancer would answer them.
    const fault = this.faults.take(nsid);
    if (fault && 'delayMs' in fault) {
      await this.http.delay(fault.delayMs);
      if (res.destroyed) return;
    } else if (fault && 'expiredToken' in fault) {
      if (!token) return this.sendError(res, authRequired());
      this.accessTokens.delete(token);
      this.refreshTokens.delete(token);
      return this.sendError(res, invalidRequest('Token has expired', 'ExpiredToken'));
    } else if (fault && 'truncated' in fault) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end('{"posts":[{"uri":"at://did:plc:');
    } else if (fault && 'html' in fault) {
      const title = fault.status === 200 ? 'Bluesky' : `${fault.status} ${SERVER_FAILURES[fault.status].message}`;
      res.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
    } else if (fault && 'status' in fault && fault.status === 429) {
      const resetInSeconds = fault.resetInSeconds ?? 1;
      res.setHeader('ratelimit-remaining', '0');
      res.setHeader('ratelimit-reset', String(Math.ceil(Date.now() / 1000) + resetInSeconds));
      return this.sendError(res, new XrpcFailure(429, 'RateLimitExceeded', 'Rate Limit Exceeded'));
    } else if (fault && 'status' in fault) {
      const failure = SERVER_FAILURES[fault.status];
      return this.sendError(res, new XrpcFailure(fault.status, failure.error, failure.message));
    }

    if (method.auth !== 'none' && authorizedDid === undefined) return this.sendError(res, authRequired());
    if (bodyError) return this.sendError(res, bodyError);
    try {
      const output = method.handle({ query: url.searchParams, body, did: authorizedDid ?? '', token: token ?? '' });
      if (output === undefined) {
        res.writeHead(200);
        res.end();
      } else {
        sendJson(res, 200, fault && 'alter' in fault ? alterCopy(fault.alter, output) : output);
      }
    } catch (error) {
      if (error instanceof XrpcFailure) return this.sendError(res, error);
      throw error;
    }
  }

  private didForToken(kind: AuthKind, token: string): string | undefined {
    if (kind === 'access') return this.accessTokens.get(token);
    if (kind === 'refresh') return this.refreshTokens.get(token)?.did;
    return undefined;
  }

  /**
   * Counts the request in the service-wide window and writes the ratelimit-* headers (as bsky.social
   * does); true when the window is used up.
   */
  private consumeWindow(res: ServerResponse): boolean {
    const window = this.rateLimit.consume('service');
    res.setHeader('ratelimit-limit', String(this.rateLimit.limit));
    res.setHeader('ratelimit-remaining', String(window.remaining));
    res.setHeader('ratelimit-reset', String(Math.ceil(window.resetAtMs / 1000)));
    res.setHeader('ratelimit-policy', `${this.rateLimit.limit};w=${this.rateLimit.windowSeconds}`);
    return window.exceeded;
  }

  private sendError(res: ServerResponse, failure: XrpcFailure): void {
    sendJson(res, failure.status, { error: failure.error, message: failure.message });
  }

  /* ------------------------------------------------------------------ com.atproto.server.* */

  private createSession({ body }: CallContext) {
    const identifier = requiredInput(body, 'identifier');
    const password = requiredInput(body, 'password');
    const user = this.findUser(identifier);
    if (!user || password !== this.password) throw authRequired('Invalid identifier or password');
    this.sessionsCreated += 1;
    // No didDoc: with one, AtpAgent would switch to the PDS endpoint it names.
    return { ...this.issueTokens(user.did), handle: user.handle, did: user.did, active: true };
  }

  /** Rotates the session's tokens: the presented refresh token and the access token issued with it stop working. */
  private refreshSession({ did, token }: CallContext) {
    const user = this.usersByDid.get(did);
    if (!user) throw authRequired();
    const previous = this.refreshTokens.get(token);
    if (previous) this.accessTokens.delete(previous.accessJwt);
    this.refreshTokens.delete(token);
    return { ...this.issueTokens(did), handle: user.handle, did, active: true };
  }

  private getSession({ did }: CallContext) {
    const user = this.usersByDid.get(did);
    if (!user) throw authRequired();
    return { handle: user.handle, did, active: true };
  }

  private deleteSession({ token }: CallContext): undefined {
    const session = this.refreshTokens.get(token);
    if (session) this.accessTokens.delete(session.accessJwt);
    this.refreshTokens.delete(token);
    return undefined;
  }

  private issueTokens(did: string): { accessJwt: string; refreshJwt: string } {
    const aud = 'did:web:localhost';
    const accessJwt = fakeJwt('at+jwt', { scope: 'com.atproto.appPass', sub: did, aud }, 2 * 3600);
    const refreshJwt = fakeJwt('refresh+jwt', { scope: 'com.atproto.refresh', sub: did, aud }, 60 * 24 * 3600);
    this.accessTokens.set(accessJwt, did);
    this.refreshTokens.set(refreshJwt, { did, accessJwt });
    return { accessJwt, refreshJwt };
  }

  /* ------------------------------------------------------------------ com.atproto.repo.* */

  /**
   * com.atproto.repo.createRecord as the PDS answers it, for app.bsky.feed.post records: the input
   * and the record are checked against the lexicons (as the PDS does, with its messages), the repo
   * must be the session's account, and the post is then indexed like an added one. Unlike a real
   * PDS (which does not look), a reply's parent and root must exist here, with those cids. With
   * `validate: false` the PDS stores a record without checking it (and no validationStatus is
   * answered); one the lexicon refuses is then stored but, as by the AppView, never indexed.
   */
  private createRecord({ body, did }: CallContext): {
    uri: string;
    cid: string;
    commit: { cid: string; rev: string };
    validationStatus?: 'valid';
  } {
    try {
      lexicons.assertValidXrpcInput('com.atproto.repo.createRecord', body);
    } catch (err) {
      throw invalidRequest(errorMessage(err));
    }
    const repo = body.repo as string;
    const collection = body.collection as string;
    const validate = body.validate as boolean | undefined;
    const account = this.findUser(repo);
    if (!account) throw invalidRequest(`Could not find repo: ${repo}`);
    // Another account's repo: the PDS answers 401 (AuthRequiredError), the token not being that account's.
    if (account.did !== did) throw authRequired();
    if (collection !== 'app.bsky.feed.post') {
      throw invalidRequest(`The emulator stores only app.bsky.feed.post records, not ${collection}`);
    }

    const record = { ...(body.record as Record<string, unknown>) };
    record.$type ??= collection;
    if (validate !== false && record.$type !== collection) {
      throw invalidRequest(`Invalid $type: expected ${collection}, got ${String(record.$type)}`);
    }
    let problem: string | undefined;
    try {
      lexicons.assertValidRecord(collection, record);
    } catch (err) {
      problem = errorMessage(err);
    }
    if (problem !== undefined && validate !== false) throw invalidRequest(`Invalid ${collection} record: ${problem}`);

    const rkey = body.rkey as string | undefined;
    if (rkey !== undefined) {
      if (rkey.length < 1 || rkey.length > 512) throw invalidRequest('record key must be 1 to 512 characters');
      if (rkey === '.' || rkey === '..') throw invalidRequest('record key can not be "." or ".."');
      if (!/^[a-zA-Z0-9_~.:-]{1,512}$/.test(rkey)) throw invalidRequest('record key syntax not valid (regex)');
    }
    const post = problem === undefined ? (record as unknown as AppBskyFeedPost.Record) : undefined;
    if (post?.reply) {
      this.requireReplyRef('parent', post.reply.parent);
      this.requireReplyRef('root', post.reply.root);
    }
    const swapCommit = body.swapCommit as string | undefined;
    const current = this.currentCommit(did);
    if (swapCommit !== undefined && swapCommit !== current.cid) throw invalidRequest(`Commit was at ${current.cid}`, 'InvalidSwap');
    const key = rkey ?? this.nextTid(did, new Date());
    const uri = `at://${did}/${collection}/${key}`;
    if (rkey !== undefined) {
      // The repo's tree refuses a second record at a key, which the PDS reports as a server error.
      if (this.posts.has(uri) || this.unindexedRecords.has(uri)) {
        throw new XrpcFailure(500, SERVER_FAILURES[500].error, SERVER_FAILURES[500].message);
      }
      this.usedTids.add(`${did}/${rkey}`);
    }

    let cid: string;
    if (post) {
      cid = this.storePost(account, post, key, new Date().toISOString(), {
        likeCount: 0,
        repostCount: 0,
        quoteCount: 0,
        replyCount: 0,
      }).cid;
    } else {
      this.unindexedRecords.add(uri);
      cid = cidFor(record);
      this.advanceCommit(did);
    }
    const commit = this.currentCommit(did);
    const output = { uri, cid, commit: { cid: commit.cid, rev: commit.rev } };
    return validate === false ? output : { ...output, validationStatus: 'valid' };
  }

  /** A reply's parent or root must be a post of the emulator's, with that cid. */
  private requireReplyRef(role: 'parent' | 'root', ref: ComAtprotoRepoStrongRef.Main): void {
    const post = this.posts.get(this.canonicalUri(ref.uri));
    if (!post || post.deleted) throw invalidRequest(`Reply ${role} not found: ${ref.uri}`);
    if (post.cid !== ref.cid) throw invalidRequest(`Reply ${role} cid does not match: ${ref.uri} is at ${post.cid}, not ${ref.cid}`);
  }

  /** The repo's latest commit; one is made for a repo that has none yet. */
  private currentCommit(did: string): RepoCommit {
    return this.commits.get(did) ?? this.advanceCommit(did);
  }

  /** A new commit of the repo: its rev a TID of now, later than the last one. */
  private advanceCommit(did: string): RepoCommit {
    const previous = this.commits.get(did);
    const now = BigInt(Date.now()) * 1000n;
    const revMicros = previous && previous.revMicros >= now ? previous.revMicros + 1n : now;
    const rev = tidFor(revMicros);
    const commit = { cid: cidFor({ did, version: 3, rev, prev: previous?.cid ?? null }), rev, revMicros };
    this.commits.set(did, commit);
    return commit;
  }

  /* ------------------------------------------------------------------ app.bsky.* */

  private getProfile({ query }: CallContext): AppBskyActorDefs.ProfileViewDetailed {
    const actor = atIdentifierParam(query, 'actor', true);
    const user = this.findUser(actor);
    if (!user) throw invalidRequest('Profile not found');
    let postsCount = 0;
    for (const post of this.posts.values()) if (post.authorDid === user.did && !post.deleted) postsCount += 1;
    return {
      did: user.did,
      handle: user.handle,
      displayName: user.displayName,
      followersCount: user.followersCount,
      followsCount: 0,
      postsCount,
      indexedAt: user.createdAt,
      createdAt: user.createdAt,
      labels: [],
    };
  }

  private getAuthorFeed({ query }: CallContext): { cursor?: string; feed: AppBskyFeedDefs.FeedViewPost[] } {
    const actor = atIdentifierParam(query, 'actor', true);
    const limit = intParam(query, 'limit', 50, 1, 100);
    const filter = query.get('filter') ?? 'posts_with_replies';
    const cursor = query.get('cursor');
    const cursorMs = cursor === null ? undefined : Date.parse(cursor);
    if (cursorMs !== undefined && Number.isNaN(cursorMs)) throw invalidRequest('Malformed cursor');
    const user = this.findUser(actor);
    if (!user) throw invalidRequest('Profile not found');

    type Item = { sortAtMs: number; seq: number; post: StoredPost; repost?: StoredRepost };
    const items: Item[] = [];
    for (const post of this.posts.values()) {
      if (post.authorDid !== user.did || post.deleted) continue;
      const reply = post.record.reply;
      if (reply && filter === 'posts_no_replies') continue;
      // Media filters: these posts carry no media.
      if (filter === 'posts_with_media' || filter === 'posts_with_video') continue;
      // Author threads: replies only within the author's own threads.
      const ownThread =
        reply && didOf(this.canonicalUri(reply.root.uri)) === user.did && didOf(this.canonicalUri(reply.parent.uri)) === user.did;
      if (reply && filter === 'posts_and_author_threads' && !ownThread) continue;
      items.push({ sortAtMs: post.sortAtMs, seq: post.seq, post });
    }
    if (filter !== 'posts_with_media' && filter !== 'posts_with_video') {
      for (const repost of this.reposts) {
        const subject = this.posts.get(repost.subjectUri);
        if (repost.byDid !== user.did || !subject || subject.deleted) continue;
        items.push({ sortAtMs: repost.atMs, seq: repost.seq, post: subject, repost });
      }
    }
    // Newest first; the cursor is the sortAt of the last item returned, and strictly older ones follow.
    items.sort((a, b) => b.sortAtMs - a.sortAtMs || b.seq - a.seq);
    const remaining = cursorMs === undefined ? items : items.filter((item) => item.sortAtMs < cursorMs);
    const page = remaining.slice(0, limit);
    const feed = page.map((item) => this.feedViewPost(item.post, item.repost));
    const last = page[page.length - 1];
    const more = last !== undefined && remaining.some((item) => item.sortAtMs < last.sortAtMs);
    return more ? { cursor: new Date(last.sortAtMs).toISOString(), feed } : { feed };
  }

  private searchPosts({ query }: CallContext): { cursor?: string; hitsTotal: number; posts: AppBskyFeedDefs.PostView[] } {
    const q = query.get('q');
    if (q === null) throw invalidRequest('Error: Params must have the property "q"');
    const sort = query.get('sort') ?? 'latest';
    const limit = intParam(query, 'limit', 25, 1, 100);
    const sinceMs = searchTimeParam(query, 'since');
    const untilMs = searchTimeParam(query, 'until');
    const lang = query.get('lang')?.toLowerCase();
    const authorParam = atIdentifierParam(query, 'author', false);
    // An unknown author matches nothing.
    const author = authorParam === undefined ? undefined : (this.findUser(authorParam) ?? null);
    const tagParams = query.getAll('tag').map((tag) => foldText(tag.replace(/^[#＃]/, '')));
    const offset = offsetCursor(query.get('cursor'));
    const clauses = parseNetworkSearch(q);

    const hits = [...this.posts.values()].filter(
      (post) =>
        !post.deleted &&
        clauses.length > 0 &&
        clauses.every((clause) => networkClauseMatches(clause, post)) &&
        (sinceMs === undefined || post.sortAtMs >= sinceMs) &&
        (untilMs === undefined || post.sortAtMs < untilMs) &&
        (lang === undefined || post.langs.some((l) => l === lang || l.startsWith(`${lang}-`))) &&
        (author === undefined || post.authorDid === author?.did) &&
        tagParams.every((tag) => post.tags.has(tag)),
    );
    const byTime = (a: StoredPost, b: StoredPost) => b.sortAtMs - a.sortAtMs || b.seq - a.seq;
    if (sort === 'top') hits.sort((a, b) => engagement(b) - engagement(a) || byTime(a, b));
    else hits.sort(byTime);

    const page = hits.slice(offset, offset + limit);
    const body = { hitsTotal: hits.length, posts: page.map((post) => this.postView(post)) };
    // The cursor is an offset into the hits; none on the last page.
    return offset + limit < hits.length ? { cursor: String(offset + limit), ...body } : body;
  }

  private getPosts({ query }: CallContext): { posts: AppBskyFeedDefs.PostView[] } {
    const uris = query.getAll('uris');
    if (uris.length === 0) throw invalidRequest('Error: Params must have the property "uris"');
    if (uris.length > 25) throw invalidRequest('Error: uris must not have more than 25 elements');
    uris.forEach((uri, i) => {
      if (!AT_URI.test(uri)) throw invalidRequest(`Error: uris/${i} must be a valid at-uri`);
    });
    const posts: AppBskyFeedDefs.PostView[] = [];
    for (const uri of uris) {
      const post = this.posts.get(this.canonicalUri(uri));
      if (post && !post.deleted) posts.push(this.postView(post));
    }
    return { posts };
  }

  /* ------------------------------------------------------------------ views */

  private profileViewBasic(user: StoredUser): AppBskyActorDefs.ProfileViewBasic {
    return { did: user.did, handle: user.handle, displayName: user.displayName, labels: [], createdAt: user.createdAt };
  }

  private postView(post: StoredPost): AppBskyFeedDefs.PostView {
    return {
      uri: post.uri,
      cid: post.cid,
      author: this.profileViewBasic(this.requireUser(post.authorDid)),
      record: post.record,
      replyCount: post.counts.replyCount,
      repostCount: post.counts.repostCount,
      likeCount: post.counts.likeCount,
      quoteCount: post.counts.quoteCount,
      indexedAt: post.indexedAt,
      labels: [],
    };
  }

  /** A reply's root or parent in feed context: the view, or #notFoundPost once deleted. */
  private replyContextPost(ref: ComAtprotoRepoStrongRef.Main): AppBskyFeedDefs.ReplyRef['root'] {
    const post = this.posts.get(this.canonicalUri(ref.uri));
    if (!post || post.deleted) return { $type: 'app.bsky.feed.defs#notFoundPost', uri: ref.uri, notFound: true };
    return { $type: 'app.bsky.feed.defs#postView', ...this.postView(post) };
  }

  private feedViewPost(post: StoredPost, repost?: StoredRepost): AppBskyFeedDefs.FeedViewPost {
    const item: AppBskyFeedDefs.FeedViewPost = { post: this.postView(post) };
    const reply = post.record.reply;
    if (reply) {
      item.reply = { root: this.replyContextPost(reply.root), parent: this.replyContextPost(reply.parent) };
      const parent = this.posts.get(this.canonicalUri(reply.parent.uri));
      const grandparentUri = parent?.record.reply?.parent.uri;
      if (grandparentUri) {
        const grandparentAuthor = this.usersByDid.get(didOf(this.canonicalUri(grandparentUri)));
        if (grandparentAuthor) item.reply.grandparentAuthor = this.profileViewBasic(grandparentAuthor);
      }
    }
    if (repost) {
      item.reason = {
        $type: 'app.bsky.feed.defs#reasonRepost',
        by: this.profileViewBasic(this.requireUser(repost.byDid)),
        uri: repost.uri,
        cid: repost.cid,
        indexedAt: repost.at,
      };
    }
    return item;
  }

  /* ------------------------------------------------------------------ lookups */

  /** A user by handle or did (handles are case-insensitive). */
  private findUser(identifier: string): StoredUser | undefined {
    const did = identifier.startsWith('did:') ? identifier : this.didsByHandle.get(identifier.toLowerCase());
    return did === undefined ? undefined : this.usersByDid.get(did);
  }

  private requireUser(identifier: string): StoredUser {
    const user = this.findUser(identifier);
    if (!user) throw new Error(`Unknown user: ${identifier} (add it with addUser first)`);
    return user;
  }

  /** at-uris may name the repo by handle; stored ones use the did. */
  private canonicalUri(uri: string): string {
    const [, authority, rest] = /^at:\/\/([^/]+)(.*)$/.exec(uri) ?? [];
    if (!authority || authority.startsWith('did:')) return uri;
    const did = this.didsByHandle.get(authority.toLowerCase());
    return did ? `at://${did}${rest}` : uri;
  }

  /** A TID (record key) from the time, unique per repo, so that keys sort by time. */
  private nextTid(did: string, at: Date): string {
    let micros = BigInt(at.getTime()) * 1000n;
    for (;;) {
      const tid = tidFor(micros);
      const key = `${did}/${tid}`;
      if (!this.usedTids.has(key)) {
        this.usedTids.add(key);
        return tid;
      }
      micros += 1n;
    }
  }
}

/* -------------------------------------------------------------------- identifiers */

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const AT_URI = /^at:\/\/[a-zA-Z0-9._:%-]+(\/[a-zA-Z0-9.-]+(\/[a-zA-Z0-9._~:@!$&')(*+,;=%-]+)?)?$/;
const HANDLE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

function isValidHandle(handle: string): boolean {
  return handle.length <= 253 && HANDLE.test(handle);
}

/** RFC 4648 base32, lower case, no padding (multibase "b"). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_LOWER[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_LOWER[(buffer << (5 - bits)) & 31];
  return out;
}

/** did:plc identifiers are 24 base32 characters of a sha256; here of the handle, so tests can predict them. */
function didForHandle(handle: string): string {
  return `did:plc:${base32(createHash('sha256').update(handle).digest()).slice(0, 24)}`;
}

/** A CIDv1 (dag-cbor, sha2-256) in base32, like a record's; the digest is of its JSON here. */
function cidFor(record: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(record)).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), digest]))}`;
}

/** A TID: 53 bits of microseconds since the epoch and a 10-bit clock id (0), as 13 sortable base32 characters. */
function tidFor(micros: bigint): string {
  let value = micros << 10n;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function didOf(uri: string): string {
  return /^at:\/\/([^/]+)/.exec(uri)?.[1] ?? '';
}

function fakeJwt(typ: string, claims: Record<string, unknown>, lifetimeSeconds: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = part({ typ, alg: 'ES256K' });
  const payload = part({ ...claims, iat, exp: iat + lifetimeSeconds, jti: randomBytes(16).toString('base64url') });
  return `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
}

function defaultDisplayName(handle: string): string {
  const name = handle.split('.')[0];
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function publicUser(user: StoredUser): BlueskyUser {
  return { did: user.did, handle: user.handle, displayName: user.displayName, followersCount: user.followersCount };
}

/* -------------------------------------------------------------------- text and search */

/**
 * Hashtags as the Bluesky app finds them for its #tag facets: byte offsets into the UTF-8 text
 * (covering the "#"), trailing punctuation left out.
 */
function findHashtags(text: string): { tag: string; byteStart: number; byteEnd: number }[] {
  const found: { tag: string; byteStart: number; byteEnd: number }[] = [];
  const pattern = /(^|\s)([#＃])([^\s#＃]+)/gu;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const tag = m[3].replace(/\p{P}+$/u, '');
    // A tag needs a character that is neither a digit nor punctuation, and at most 64 characters.
    if (!/[^\d\p{P}]/u.test(tag) || [...tag].length > 64) continue;
    const start = m.index + m[1].length;
    const byteStart = Buffer.byteLength(text.slice(0, start));
    found.push({ tag, byteStart, byteEnd: byteStart + Buffer.byteLength(m[2] + tag) });
  }
  return found;
}

function engagement(post: StoredPost): number {
  const c = post.counts;
  return c.likeCount + c.repostCount + c.quoteCount + c.replyCount;
}

/* -------------------------------------------------------------------- parameters */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function queryParams(query: URLSearchParams): Params {
  const params: Params = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    params[name] = values.length === 1 ? values[0] : values;
  }
  return params;
}

/**
 * A procedure's input for the request log, never the password: its strings and arrays of strings,
 * those of nested objects under dotted names (`record.text`, `record.reply.parent.uri`).
 */
function bodyParams(body: Record<string, unknown>, prefix = ''): Params {
  const params: Params = {};
  for (const [name, value] of Object.entries(body)) {
    if (prefix === '' && name === 'password') continue;
    const key = `${prefix}${name}`;
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) params[key] = value;
    else if (isObject(value)) Object.assign(params, bodyParams(value, `${key}.`));
  }
  return params;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function requiredInput(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined) throw invalidRequest(`Input must have the property "${name}"`);
  if (typeof value !== 'string') throw invalidRequest(`Input/${name} must be a string`);
  return value;
}

/** Integer parameters with the lexicon's bounds, answered with the xrpc-server's messages. */
function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) throw invalidRequest(`Error: ${name} must be an integer`);
  const value = Number(raw);
  if (value > max) throw invalidRequest(`Error: ${name} can not be greater than ${max}`);
  if (value < min) throw invalidRequest(`Error: ${name} can not be less than ${min}`);
  return value;
}

function atIdentifierParam(query: URLSearchParams, name: string, required: true): string;
function atIdentifierParam(query: URLSearchParams, name: string, required: false): string | undefined;
function atIdentifierParam(query: URLSearchParams, name: string, required: boolean): string | undefined {
  const raw = query.get(name);
  if (raw === null) {
    if (required) throw invalidRequest(`Error: Params must have the property "${name}"`);
    return undefined;
  }
  if (!DID.test(raw) && !isValidHandle(raw.toLowerCase())) throw invalidRequest(`Error: ${name} must be a valid did or a handle`);
  return raw;
}

/** since/until of searchPosts: a datetime, or an ISO date (UTC midnight). */
function searchTimeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00.000Z` : raw;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(date) ? date : `${date}Z`;
  const ms = Date.parse(withZone);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(date) || Number.isNaN(ms)) {
    throw invalidRequest(`${name} must be a datetime or a date (YYYY-MM-DD)`, 'BadQueryString');
  }
  return ms;
}

function offsetCursor(raw: string | null): number {
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) throw invalidRequest('Malformed cursor');
  return Number(raw);
}
